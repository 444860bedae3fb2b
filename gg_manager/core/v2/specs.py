"""From resolved recipes and configuration trees to the ComponentSpecs the supervisor runs.

Every lifecycle is interpolated against the deployment as a whole: this component's paths
and configuration, and those of its direct dependencies ({NAME:artifacts:path}...). When the
nucleus's configuration says `interpolateComponentConfiguration: true` (nucleus >= 2.6), every
component's configuration is interpolated the same way first, as the nucleus's
KernelConfigResolver does: a Lambda component's volume may then take its source from its
model component's folder ({gg.model.x:artifacts:decompressedPath}/x).
"""
from .component import ComponentSpec
from .configuration import to_plain
from .emulated import NUCLEUS
from .interpolate import Interpolator

INTERPOLATE_CONFIGURATION = "interpolateComponentConfiguration"


class SystemValues:
    """{artifacts:path} and friends for any component of the deployment."""

    def __init__(self, layout, thing_name, versions):
        self.layout = layout
        self.thing_name = thing_name
        self.versions = versions

    def __call__(self, name, namespace, key):
        version = self.versions.get(name)
        if namespace == "artifacts" and version is not None:
            if key == "path":
                return self.layout.artifacts(name, version)
            if key == "decompressedPath":
                return self.layout.unarchived(name, version)
        elif namespace == "work" and key == "path":
            return self.layout.work(name)
        elif namespace == "kernel" and key == "rootPath":
            return self.layout.root
        elif namespace == "iot" and key == "thingName":
            return self.thing_name
        return None


def build_specs(resolved, trees, roots, layout, thing_name, arns=None):
    """resolved: {name: PlatformRecipe}; trees: {name: configuration tree}; roots: root component names."""
    configs = {name: to_plain(trees[name]) for name in resolved}
    system = SystemValues(layout, thing_name, {name: str(r.version) for name, r in resolved.items()})
    dependencies = {name: {d.name: d.type for d in r.dependencies.values()} for name, r in resolved.items()}
    if interpolates_configuration(configs.get(NUCLEUS)):
        by = Interpolator(system, configs)
        configs = {name: by.value(config, name, set(dependencies[name])) for name, config in configs.items()}
    interpolator = Interpolator(system, configs)
    specs = {}
    for name, recipe in resolved.items():
        deps = dependencies[name]
        lifecycle = interpolator.value(recipe.lifecycle, name, set(deps))
        specs[name] = ComponentSpec(
            name=name, version=str(recipe.version), type=recipe.type, lifecycle=lifecycle,
            configuration=configs[name], dependencies=deps, work_dir=layout.work(name),
            log_path=layout.log(name), root=name in roots, arn=(arns or {}).get(name, ""))
    return specs


def interpolates_configuration(nucleus):
    """The nucleus's `interpolateComponentConfiguration` (off unless set true, as on the nucleus)."""
    value = (nucleus or {}).get(INTERPOLATE_CONFIGURATION)
    return value is True or str(value).lower() == "true"
