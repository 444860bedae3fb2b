"""Versions, version requirements, recipes and platform selection, checked against the nucleus's rules."""
import json

import pytest

from gg_manager.core.v2 import platform as plat
from gg_manager.core.v2.recipe import LAMBDA, RecipeError, parse_recipe
from gg_manager.core.v2.semver import Requirement, SemverError, Version, best

LINUX = {"os": "linux", "architecture": "amd64"}


@pytest.mark.parametrize("low,high", [
    ("1.0.0", "1.0.1"), ("1.9.0", "1.10.0"), ("1.0.0-alpha", "1.0.0"), ("1.0.0-alpha", "1.0.0-alpha.1"),
    ("1.0.0-alpha.1", "1.0.0-alpha.beta"), ("1.0.0-beta.2", "1.0.0-beta.11"), ("1.0.0-rc.1", "1.0.0"),
])
def test_versions_order_by_semver_precedence(low, high):
    assert Version(low) < Version(high)
    assert Version("1.0.0+build.5") == Version("1.0.0")


@pytest.mark.parametrize("bad", ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0-01", "", "1.0.0.0"])
def test_bad_versions_are_refused(bad):
    with pytest.raises(SemverError):
        Version(bad)


@pytest.mark.parametrize("req,yes,no", [
    ("1.2.3", ["1.2.3"], ["1.2.4", "1.2.3-beta"]),
    ("=1.2.3", ["1.2.3"], ["1.2.2"]),
    (">=1.0.0 <2.0.0", ["1.0.0", "1.9.9"], ["2.0.0", "0.9.9", "2.0.0-beta"]),
    ("^1.2.3", ["1.2.3", "1.9.0"], ["2.0.0", "1.2.2"]),
    ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0"]),
    ("^0.0.3", ["0.0.3"], ["0.0.4"]),
    ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0"]),
    ("~1.2", ["1.2.0", "1.2.9"], ["1.3.0"]),
    ("2.0.*", ["2.0.0", "2.0.7"], ["2.1.0"]),
    ("1.x", ["1.0.0", "1.5.2"], ["2.0.0"]),
    ("*", ["0.0.1", "9.9.9"], ["1.0.0-beta"]),
    ("", ["3.0.0"], []),
    ("1.0.0 - 2.0.0", ["1.0.0", "2.0.0"], ["2.0.1"]),
    ("1.0.0 - 2", ["2.9.9"], ["3.0.0"]),
    ("<1.0.0 || >=3.0.0", ["0.5.0", "3.1.0"], ["2.0.0"]),
    (">1.2", ["1.3.0"], ["1.2.9"]),
    ("<=1.2", ["1.2.9"], ["1.3.0"]),
    (">=1.0.0-beta.2 <1.0.0", ["1.0.0-beta.3"], ["1.0.0-beta.1", "0.9.0-beta.5"]),
])
def test_npm_requirements(req, yes, no):
    r = Requirement(req)
    assert [v for v in yes if not r.satisfied_by(v)] == []
    assert [v for v in no if r.satisfied_by(v)] == []


def test_best_picks_the_newest_satisfying_all():
    versions = [Version(v) for v in ("1.0.0", "1.5.0", "2.0.0", "2.1.0")]
    assert str(best(versions, [Requirement("^1.0.0"), Requirement(">=1.1.0")])) == "1.5.0"
    assert best(versions, [Requirement("^1.0.0"), Requirement(">=2.0.0")]) is None


def _recipe(**over):
    body = {"RecipeFormatVersion": "2020-01-25", "ComponentName": "com.example.Hello", "ComponentVersion": "1.0.0",
            "ComponentConfiguration": {"DefaultConfiguration": {"who": "world"}},
            "ComponentDependencies": {"com.example.Lib": {"VersionRequirement": "^2.0.0"}},
            "Manifests": [{"Platform": {"os": "linux"}, "Lifecycle": {"Run": "echo hi"},
                           "Artifacts": [{"URI": "s3://b/hello.zip", "Unarchive": "ZIP"}]}]}
    body.update(over)
    return body


def test_yaml_and_json_recipes_read_the_same_with_case_insensitive_keys():
    yaml_text = """
RecipeFormatVersion: 2020-01-25
componentName: com.example.Hello
ComponentVersion: 1.0.0
componentconfiguration:
  defaultConfiguration:
    who: world
ComponentDependencies:
  com.example.Lib:
    versionRequirement: ^2.0.0
    dependencyType: soft
Manifests:
  - platform:
      os: linux
    lifecycle:
      Run: echo hi
    artifacts:
      - uri: s3://b/hello.zip
        unarchive: zip
        digest: abc=
        algorithm: SHA-256
"""
    y = parse_recipe(yaml_text)
    j = parse_recipe(json.dumps(_recipe()))
    assert (y.name, str(y.version), y.type) == (j.name, str(j.version), j.type) == (
        "com.example.Hello", "1.0.0", "aws.greengrass.generic")
    assert y.default_configuration == j.default_configuration == {"who": "world"}
    assert y.dependencies["com.example.Lib"].type == "SOFT" and j.dependencies["com.example.Lib"].type == "HARD"
    art = y.manifests[0].artifacts[0]
    assert (art.uri, art.unarchive, art.digest, art.file_name) == ("s3://b/hello.zip", "ZIP", "abc=", "hello.zip")


@pytest.mark.parametrize("over,message", [
    ({"RecipeFormatVersion": "2021-01-01"}, "RecipeFormatVersion"),
    ({"ComponentName": "../etc"}, "ComponentName"),
    ({"ComponentName": ".."}, "ComponentName"),
    ({"ComponentVersion": "1.0"}, "ComponentVersion"),
    ({"Manifests": []}, "no Manifests"),
    ({"ComponentDependencies": {"x": {"VersionRequirement": ">>1"}}}, "VersionRequirement"),
    ({"ComponentDependencies": {"x": {"VersionRequirement": "1.0.0", "DependencyType": "MAYBE"}}}, "DependencyType"),
    ({"Manifests": [{"Artifacts": [{"URI": "s3://b/k", "Digest": "x"}]}]}, "no Algorithm"),
    ({"Manifests": [{"Artifacts": [{"URI": "s3://b/k", "Unarchive": "TAR"}]}]}, "Unarchive"),
    ({"ComponentType": "aws.greengrass.docker"}, "ComponentType"),
])
def test_bad_recipes_fail_with_the_field(over, message):
    with pytest.raises(RecipeError, match=message) as err:
        parse_recipe(json.dumps(_recipe(**over)))
    assert err.value.error_stack[0] == "DEPLOYMENT_FAILURE"


def test_not_a_recipe():
    for text in (b"\xff\xfe", "{not json", "- a list", "RecipeFormatVersion: [1"):
        with pytest.raises(RecipeError):
            parse_recipe(text)


def test_manifest_selection_follows_the_nucleus():
    assert plat.manifest_matches(None, LINUX)
    assert plat.manifest_matches({"os": "*"}, LINUX)
    assert plat.manifest_matches({"os": "linux", "architecture": "/amd64|x86_64/"}, LINUX)
    assert plat.manifest_matches({"os": "all", "architecture": "any"}, LINUX)
    assert not plat.manifest_matches({"os": "windows"}, LINUX)
    assert not plat.manifest_matches({"runtime": "aws_nucleus_lite"}, LINUX)  # a label the device lacks
    assert not plat.manifest_matches({"os": "!linux"}, LINUX)                 # reserved syntax never matches
    # a friendly name (componentPlatforms[].name in a Lambda component's recipe) is not an attribute
    assert plat.manifest_matches({"os": "linux", "name": "Linux"}, LINUX)
    assert not plat.manifest_matches({"os": "windows", "name": "Linux"}, LINUX)
    recipe = parse_recipe(json.dumps(_recipe(Manifests=[
        {"Platform": {"os": "windows"}, "Lifecycle": {"Run": "win"}},
        {"Platform": {"os": "linux", "architecture": "aarch64"}, "Lifecycle": {"Run": "arm"}},
        {"Platform": {"os": "linux"}, "Lifecycle": {"Run": "linux"}},
        {"Lifecycle": {"Run": "any"}}])))
    assert recipe.for_platform(LINUX).lifecycle == {"Run": "linux"}
    assert recipe.for_platform({"os": "linux", "architecture": "aarch64"}).lifecycle == {"Run": "arm"}
    assert recipe.for_platform({"os": "darwin"}).lifecycle == {"Run": "any"}
    only_windows = parse_recipe(json.dumps(_recipe(Manifests=[{"Platform": {"os": "windows"}}])))
    assert only_windows.for_platform(LINUX) is None


def test_global_lifecycle_with_selections():
    recipe = parse_recipe(json.dumps(_recipe(
        Manifests=[{"Platform": {"os": "windows"}, "Selections": ["win"]},
                   {"Platform": {"os": "linux"}, "Selections": ["lin"]}],
        Lifecycle={"Install": {"win": "setup.exe", "lin": "./setup.sh"},
                   "Run": {"all": "run-anywhere", "win": "run.exe"},
                   "Setenv": {"A": "1"}})))
    assert recipe.for_platform(LINUX).lifecycle == {"Install": "./setup.sh", "Run": "run-anywhere",
                                                    "Setenv": {"A": "1"}}
    assert recipe.for_platform({"os": "windows"}).lifecycle["Run"] == "run.exe"
    top_level_only = parse_recipe(json.dumps(_recipe(Manifests=[{"Platform": {"os": "linux"}}],
                                                     Lifecycle={"Run": "plain"})))
    assert top_level_only.for_platform(LINUX).lifecycle == {"Run": "plain"}


def test_lambda_component_type():
    assert parse_recipe(json.dumps(_recipe(ComponentType="aws.greengrass.lambda"))).type == LAMBDA
