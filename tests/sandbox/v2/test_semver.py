"""Version requirements as Greengrass recipes write them (npm style), checked without a sandbox."""
import pytest

from gg_manager.sandbox.v2 import semver


@pytest.mark.parametrize("requirement,version,allowed", [
    (">=1.0.0 <2.0.0", "1.5.0", True), (">=1.0.0 <2.0.0", "2.0.0", False),
    ("^2.13.0", "2.14.3", True), ("^2.13.0", "3.0.0", False), ("^0.2.3", "0.2.9", True), ("^0.2.3", "0.3.0", False),
    ("^0.0.3", "0.0.3", True), ("^0.0.3", "0.0.4", False),
    ("~1.2.3", "1.2.9", True), ("~1.2.3", "1.3.0", False), ("~1.2", "1.2.0", True), ("~1.2", "1.3.0", False),
    ("1.x", "1.9.9", True), ("1", "2.0.0", False), ("1.2", "1.2.5", True), ("*", "3.0.0", True),
    (">1.2", "1.2.9", False), (">1.2", "1.3.0", True), ("<1.2", "1.1.9", True), ("<1.2", "1.2.0", False),
    ("<=1.2", "1.2.9", True), ("<=1.2", "1.3.0", False), ("=1.0.0", "1.0.0", True), ("1.0.0", "1.0.1", False),
    ("1.0.0 - 2.0.0", "2.0.0", True), ("1.0.0 - 2.0.0", "2.0.1", False),
    (">=1.0.0 <2.0.0 || 3.x", "3.1.0", True), (">=1.0.0 <2.0.0 || 3.x", "2.5.0", False),
    ("^1.0.0", "1.5.0-beta", False), (">=1.5.0-alpha", "1.5.0-beta", True), (">=1.5.0-alpha", "1.6.0-beta", False),
])
def test_requirements(requirement, version, allowed):
    assert semver.requirement(requirement).allows(version) is allowed


def test_ordering_follows_semver_not_text():
    versions = ["1.10.0", "1.2.0", "1.2.0-rc.1", "1.2.0-beta", "1.2.0-rc.10", "0.9.0"]
    assert sorted(versions, key=semver.Version) == ["0.9.0", "1.2.0-beta", "1.2.0-rc.1", "1.2.0-rc.10", "1.2.0",
                                                    "1.10.0"]


@pytest.mark.parametrize("text", ["1.0", "01.0.0", "1.0.0.0", "v", ""])
def test_bad_versions_are_refused(text):
    assert not semver.is_version(text)
    with pytest.raises(semver.VersionError):
        semver.requirement(text + " >=>")
