"""Configuration across revisions, interpolation, dependency resolution and order."""
import json

import pytest

from gg_manager.core.v2.configuration import ConfigurationError, next_configuration, parse_merge, to_plain
from gg_manager.core.v2.errors import DeploymentError
from gg_manager.core.v2.graph import CycleError, dependency_order
from gg_manager.core.v2.interpolate import Interpolator
from gg_manager.core.v2.recipe import parse_recipe
from gg_manager.core.v2.resolve import resolve_components
from gg_manager.core.v2.semver import best

DEFAULTS = {"threshold": 0.5, "labels": ["cat", "dog"], "mqtt": {"topic": "out", "qos": 0}}


def revision(running, defaults, update, time):
    tree = next_configuration(running, defaults, update, time)
    return tree, to_plain(tree)


def test_defaults_then_reset_then_merge_across_revisions():
    tree, plain = revision(None, DEFAULTS, None, 10)
    assert plain == DEFAULTS
    tree, plain = revision(tree, DEFAULTS, {"merge": {"threshold": 0.9, "mqtt": {"qos": 1}, "extra": [1]}}, 20)
    assert plain == {"threshold": 0.9, "labels": ["cat", "dog"], "mqtt": {"topic": "out", "qos": 1}, "extra": [1]}
    # a later revision without an update keeps what was merged
    tree, plain = revision(tree, DEFAULTS, None, 30)
    assert plain["threshold"] == 0.9 and plain["mqtt"]["qos"] == 1
    # a new version's default replaces the old default, never a merged value
    new_defaults = dict(DEFAULTS, labels=["cat", "dog", "bird"], threshold=0.7)
    tree, plain = revision(tree, new_defaults, None, 40)
    assert plain["labels"] == ["cat", "dog", "bird"] and plain["threshold"] == 0.9
    # reset goes back to the default, then merge applies on top
    tree, plain = revision(tree, new_defaults, {"reset": ["/threshold", "/mqtt/qos"], "merge": {"extra": [2]}}, 50)
    assert plain["threshold"] == 0.7 and plain["mqtt"] == {"topic": "out", "qos": 0} and plain["extra"] == [2]
    # "" resets everything: what no default holds is gone
    tree, plain = revision(tree, new_defaults, {"reset": [""]}, 60)
    assert plain == new_defaults


def test_reset_of_array_elements_is_refused_and_bad_pointers_fail():
    tree, _ = revision(None, DEFAULTS, None, 1)
    _, plain = revision(tree, DEFAULTS, {"reset": ["/labels/0"], "merge": {"labels": ["x"]}}, 5)
    assert plain["labels"] == ["x"]
    with pytest.raises(ConfigurationError):
        revision(tree, DEFAULTS, {"reset": ["threshold"]}, 5)


def test_merge_documents():
    assert parse_merge('{"a": 1}', "c") == {"a": 1}
    assert parse_merge({"a": 1}, "c") == {"a": 1}
    for bad in ("[1]", "{nope", "3"):
        with pytest.raises(ConfigurationError):
            parse_merge(bad, "c")


def test_tree_is_plain_json():
    tree, _ = revision(None, DEFAULTS, {"merge": {"a": {"b": None}}}, 9)
    assert json.loads(json.dumps(tree)) == tree


def _system(name, namespace, key):
    table = {("artifacts", "path"): "/gg/packages/artifacts/%s/1.0.0" % name,
             ("artifacts", "decompressedPath"): "/gg/packages/artifacts-unarchived/%s/1.0.0" % name,
             ("iot", "thingName"): "core-1", ("kernel", "rootPath"): "/gg", ("work", "path"): "/gg/work/" + name}
    return table.get((namespace, key))


def test_interpolation_as_the_nucleus_does_it():
    configs = {"app": {"n": 3, "f": 1.5, "on": True, "none": None, "obj": {"b": 2, "a": [1, "x"]}, "s": "hi",
                       "env": {"MODEL": "{model:artifacts:decompressedPath}/m"}, "a/b": "slash"},
               "model": {"name": "resnet"}}
    i = Interpolator(_system, configs)
    text = ("{artifacts:path} {artifacts:decompressedPath} {work:path} {kernel:rootPath} {iot:thingName} "
            "{configuration:/n} {configuration:/f} {configuration:/on} {configuration:/none} {configuration:/obj} "
            "{configuration:/s} {configuration:/a~1b} {model:configuration:/name} {model:artifacts:path}")
    assert i.text(text, "app", {"model"}) == (
        "/gg/packages/artifacts/app/1.0.0 /gg/packages/artifacts-unarchived/app/1.0.0 /gg/work/app /gg core-1 "
        '3 1.5 true null {"a":[1,"x"],"b":2} hi slash resnet /gg/packages/artifacts/model/1.0.0')
    # left alone: unknown namespace or key, missing value, a component that is not a dependency
    untouched = "{foo:bar} {artifacts:nope} {configuration:/missing} {model:configuration:/name}"
    assert i.text(untouched, "app", set()) == untouched
    # a configuration value carrying a dependency placeholder is resolved in the second pass
    assert i.text("{configuration:/env}", "app", {"model"}) == \
        '{"MODEL":"/gg/packages/artifacts-unarchived/model/1.0.0/m"}'
    assert i.value({"Run": {"Script": "echo {iot:thingName}", "Setenv": {"X": "{configuration:/n}"}}, "L": ["{iot:thingName}"]},
                   "app", set()) == {"Run": {"Script": "echo core-1", "Setenv": {"X": "3"}}, "L": ["core-1"]}


class Registry:
    """resolve(name, {dependent: Requirement}) over a set of recipes, like the cloud's ResolveComponentCandidates."""

    def __init__(self, *recipes):
        self.recipes = {}
        for name, version, deps in recipes:
            body = {"RecipeFormatVersion": "2020-01-25", "ComponentName": name, "ComponentVersion": version,
                    "ComponentDependencies": {d: {"VersionRequirement": r} for d, r in deps.items()},
                    "Manifests": [{"Lifecycle": {}}]}
            self.recipes.setdefault(name, {})[version] = parse_recipe(json.dumps(body)).for_platform({})
        self.calls = []

    def __call__(self, name, requirements):
        self.calls.append((name, {k: str(v) for k, v in requirements.items()}))
        known = self.recipes.get(name, {})
        version = best([r.version for r in known.values()], requirements.values())
        if version is None:
            raise DeploymentError("no version of %s satisfies %s" % (name, requirements), "NO_AVAILABLE_COMPONENT_VERSION")
        return known[str(version)]


def test_resolution_orders_dependencies_first_and_uses_every_requirement():
    reg = Registry(("app", "1.0.0", {"lib": "^1.0.0", "model": ">=2.0.0"}), ("lib", "1.0.0", {}), ("lib", "1.4.0", {}),
                   ("lib", "2.0.0", {}), ("model", "2.1.0", {"lib": "<1.3.0"}), ("other", "1.0.0", {"lib": "*"}))
    resolved, order = resolve_components({"thinggroup/A": {"app": "1.0.0"}, "thinggroup/B": {"other": "1.0.0"}}, reg)
    assert {n: str(r.version) for n, r in resolved.items()} == {"app": "1.0.0", "lib": "1.0.0", "model": "2.1.0",
                                                                "other": "1.0.0"}
    assert order.index("lib") < order.index("model") < order.index("app") and order.index("lib") < order.index("other")


def test_unsatisfiable_requirements_and_cycles_fail_with_names():
    reg = Registry(("app", "1.0.0", {"lib": "^1.0.0", "model": "1.0.0"}), ("lib", "1.0.0", {}),
                   ("model", "1.0.0", {"lib": "^2.0.0"}))
    with pytest.raises(DeploymentError, match="no version of lib"):
        resolve_components({"g": {"app": "1.0.0"}}, reg)
    cyc = Registry(("a", "1.0.0", {"b": "1.0.0"}), ("b", "1.0.0", {"c": "1.0.0"}), ("c", "1.0.0", {"a": "1.0.0"}))
    with pytest.raises(CycleError, match="a -> b -> c -> a") as err:
        resolve_components({"g": {"a": "1.0.0"}}, cyc)
    assert "COMPONENT_CIRCULAR_DEPENDENCY_ERROR" in err.value.error_stack and err.value.cycle == ["a", "b", "c", "a"]


def test_a_dependency_resolved_again_drops_what_its_old_version_required():
    # "a" lets lib be anything (newest: 2.0.0, which pulls old-dep); "z", resolved later, needs lib 1.0.0
    reg = Registry(("a", "1.0.0", {"lib": "*"}), ("z", "1.0.0", {"lib": "1.0.0"}), ("lib", "1.0.0", {}),
                   ("lib", "2.0.0", {"old-dep": "1.0.0"}), ("old-dep", "1.0.0", {}))
    alone, _ = resolve_components({"g": {"a": "1.0.0"}}, reg)
    assert str(alone["lib"].version) == "2.0.0" and "old-dep" in alone
    resolved, order = resolve_components({"g": {"a": "1.0.0", "z": "1.0.0"}}, reg)
    assert str(resolved["lib"].version) == "1.0.0" and "old-dep" not in resolved
    assert ("lib", {"a": "*", "z": "1.0.0"}) in reg.calls and order == ["lib", "a", "z"]


def test_dependency_order_is_stable():
    assert dependency_order({"c": {"a"}, "b": {"a"}, "a": set(), "d": {"c", "b", "missing"}}) == ["a", "b", "c", "d"]


def _lambda_and_model(nucleus_configuration):
    from gg_manager.core.v2.layout import Layout
    from gg_manager.core.v2.specs import build_specs
    bodies = {
        "app": {"ComponentDependencies": {"gg.model.m": {"VersionRequirement": ">=1.0.0", "DependencyType": "HARD"}},
                "ComponentConfiguration": {"DefaultConfiguration": {"containerParams": {"volumes": {"0": {
                    "sourcePath": "{gg.model.m:artifacts:decompressedPath}/m", "destinationPath": "/ml/m"}}}}}},
        "gg.model.m": {}, "aws.greengrass.Nucleus": {"ComponentType": "aws.greengrass.nucleus"}}
    resolved, trees = {}, {}
    for name, body in bodies.items():
        recipe = dict({"RecipeFormatVersion": "2020-01-25", "ComponentName": name, "ComponentVersion": "1.0.0",
                       "Manifests": [{"Lifecycle": {}}]}, **body)
        resolved[name] = parse_recipe(json.dumps(recipe)).for_platform({})
        defaults = ((body.get("ComponentConfiguration") or {}).get("DefaultConfiguration") or {})
        trees[name] = next_configuration(None, nucleus_configuration if name == "aws.greengrass.Nucleus" else defaults,
                                         None, 1)
    layout = Layout("/gg")
    specs = build_specs(resolved, trees, set(bodies), layout, "core-1")
    return specs["app"].configuration["containerParams"]["volumes"]["0"]["sourcePath"], layout


def test_configuration_is_interpolated_when_the_nucleus_says_so():
    source, layout = _lambda_and_model({"interpolateComponentConfiguration": True})
    assert source == layout.unarchived("gg.model.m", "1.0.0") + "/m"
    source, _ = _lambda_and_model({})                 # the nucleus's default: configuration taken as written
    assert source == "{gg.model.m:artifacts:decompressedPath}/m"
