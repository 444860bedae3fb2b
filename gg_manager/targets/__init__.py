"""Deployment targets over one Spec and one plan engine: v1 (Greengrass V1 groups and definitions),
v2 (Greengrass V2 components, deployments to thing groups). See base.py for what a target provides;
a group's target is its spec's `Target:` (gg_manager.spec.model.DEFAULT_TARGET when it says none)."""
import importlib
import importlib.util

DEFAULT = "v2"


def get_target(name=DEFAULT):
    if importlib.util.find_spec("gg_manager.targets.%s" % name) is None:
        from gg_manager.errors import GGError
        raise GGError("unknown target %r" % name)
    return importlib.import_module("gg_manager.targets.%s" % name).TARGET
