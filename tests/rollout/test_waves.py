"""Wave sizes and the failure limit: pure parsing and splitting."""
import pytest

from gg_manager.errors import GGError
from gg_manager.targets.v1.rollout.waves import DEFAULT_WAVES, parse_limit, parse_waves, split

NAMES = ["g%02d" % i for i in range(20)]


def sizes(waves):
    return [len(w) for w in waves]


def test_default_waves_are_cumulative_and_in_name_order():
    waves = split(reversed(NAMES), parse_waves(DEFAULT_WAVES))
    assert sizes(waves) == [1, 1, 8, 10]          # 1, 10% = 2, 50% = 10, 100% = 20 in all
    assert [g for w in waves for g in w] == NAMES


def test_percentages_round_down_and_empty_waves_are_dropped():
    assert sizes(split(NAMES[:5], parse_waves(DEFAULT_WAVES))) == [1, 1, 3]   # 10% of 5 is 0: no wave
    assert sizes(split(NAMES[:3], parse_waves("1,10%,50%"))) == [1, 2]        # then the rest


def test_a_list_short_of_the_fleet_ends_with_the_rest_and_counts_are_capped():
    assert sizes(split(NAMES, parse_waves("2,5"))) == [2, 3, 15]
    assert sizes(split(NAMES[:4], parse_waves("1,10,100%"))) == [1, 3]
    assert split([], parse_waves("1")) == []


@pytest.mark.parametrize("text", ["", "abc", "10,5", "50%,10%", "0,100%", "150%", "1.5", "1,,2"])
def test_bad_waves_are_one_line_errors(text):
    with pytest.raises(GGError):
        parse_waves(text)


def test_failure_limits_count_over_all_waves_so_far():
    zero, two, pct = parse_limit("0"), parse_limit("2"), parse_limit("10%")
    assert not zero.exceeded(0, 5) and zero.exceeded(1, 5)
    assert not two.exceeded(2, 3) and two.exceeded(3, 100)
    assert pct.exceeded(1, 1)                      # a failed canary is 100%
    assert not pct.exceeded(1, 10) and pct.exceeded(2, 10) and not pct.exceeded(0, 0)
    with pytest.raises(GGError):
        parse_limit("x")


def test_text_report_names_failed_groups_and_what_never_started():
    from gg_manager.commands.rollout import render_text
    from gg_manager.targets.v1.rollout.run import Report, WaveResult

    report = Report("rollout", "0", waves=[
        WaveResult(1, ["a"], "b-1", "Completed", ["a"], [], 3.0),
        WaveResult(2, ["b", "c"], "b-2", "Stopped", ["b"], [{"group": "c", "error": "LambdaStartFailure"}], 9.0,
                   "failures")], halted=True, halt_reason="1 of 3 groups failed by wave 2 (max failures 0)",
        not_started=["d", "e"])
    text = render_text(report)
    assert "  FAILED c: LambdaStartFailure" in text
    assert "HALTED: 1 of 3 groups failed by wave 2 (max failures 0)." in text
    assert "Not started (2): d, e" in text
