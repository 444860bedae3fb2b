"""The IoT job configuration of a V2 rollout deployment, from --max-failures, --rate and --timeout (no AWS)."""
from gg_manager.targets.v1.rollout.waves import parse_limit
from gg_manager.targets.v2.rollout.job_config import abort_config, failures_over_limit, iot_job_configuration


def criterion(limit, devices):
    found = abort_config(parse_limit(limit), devices)
    return found and found["criteriaList"][0]


def test_any_failure_aborts_by_default():
    assert criterion("0", 1) == {"failureType": "ALL", "action": "CANCEL", "thresholdPercentage": 100.0,
                                 "minNumberOfExecutedThings": 1}
    assert criterion("0", 8)["thresholdPercentage"] == 12.5


def test_a_count_becomes_the_share_of_the_group_that_passes_it():
    # 3 failures of 9 devices pass "at most 2": 33.33% of the notified, after at least 3 executed
    assert criterion("2", 9) == {"failureType": "ALL", "action": "CANCEL", "thresholdPercentage": 33.33,
                                 "minNumberOfExecutedThings": 3}
    assert criterion("2", 2) is None            # a group of 2 cannot pass 2 failures: no criterion


def test_a_percentage_needs_more_than_that_share():
    assert failures_over_limit(parse_limit("10%"), 20) == 3      # 2 of 20 is 10%, not more
    assert criterion("10%", 20)["thresholdPercentage"] == 15.0
    assert criterion("10%", 1)["thresholdPercentage"] == 100.0


def test_rate_and_timeout():
    config = iot_job_configuration(parse_limit("0"), 3, 5000, 61)
    assert config["jobExecutionsRolloutConfig"] == {
        "exponentialRate": {"baseRatePerMinute": 1000, "incrementFactor": 2.0,
                            "rateIncreaseCriteria": {"numberOfSucceededThings": 1000}},
        "maximumPerMinute": 1000}
    assert config["timeoutConfig"] == {"inProgressTimeoutInMinutes": 2}
    assert iot_job_configuration(parse_limit("0"), 3, 10, 5)["timeoutConfig"]["inProgressTimeoutInMinutes"] == 1
