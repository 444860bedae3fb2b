"""Content decides versions: same content, same version; new content, the next patch."""
import pytest

from gg_manager.targets.v2 import versioning as v

A, B, C = ("a" * 64), ("b" * 64), ("c" * 64)


def test_digest_ignores_key_order_not_values():
    assert v.content_digest({"x": 1, "y": [1, 2]}) == v.content_digest({"y": [1, 2], "x": 1})
    assert v.content_digest({"x": 1}) != v.content_digest({"x": 2})
    assert v.content_digest({"y": [1, 2]}) != v.content_digest({"y": [2, 1]})


def test_first_version_and_next_patch():
    assert v.allocate_versions({}, [A]) == {A: "1.0.0"}
    assert v.next_patch(["1.0.0", "1.0.9", "1.0.10"]) == "1.0.11"
    assert v.next_patch(["2.3.4", "1.9.9"]) == "2.3.5"


def test_unchanged_content_reuses_its_version():
    existing = {"1.0.0": A, "1.0.1": B}
    assert v.allocate_versions(existing, [A]) == {A: "1.0.0"}
    assert v.allocate_versions(existing, [B, A]) == {A: "1.0.0", B: "1.0.1"}


def test_new_contents_in_one_plan_get_distinct_reproducible_versions():
    existing = {"1.0.0": A}
    first = v.allocate_versions(existing, [C, B])
    assert first == v.allocate_versions(existing, [B, C]) == {B: "1.0.1", C: "1.0.2"}


def test_a_version_made_outside_gg_is_never_reused_nor_reissued():
    existing = {"1.0.0": None, "1.0.4": None}
    assert v.allocate_versions(existing, [A]) == {A: "1.0.5"}


def test_odd_versions_are_skipped_when_counting():
    assert v.next_patch(["1.0.0-beta", "latest"]) == "1.0.0"
    with pytest.raises(ValueError):
        v.parse_version("1.0")


def test_digest_travels_in_description_and_tags():
    text = v.describe("model classifier at /ml/classifier", A)
    assert v.digest_in_description(text) == A
    assert v.digest_in_description("made by hand") is None
    assert v.digest_in_tags({v.DIGEST_TAG: B}) == B
    assert v.digest_in_tags({v.DIGEST_TAG: "not-a-digest"}) is None
    assert v.digest_in_tags(None) is None
