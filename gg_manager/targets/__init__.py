"""Deployment targets over one Spec and one plan engine: v1 (Greengrass V1 groups and definitions);
a sibling package per further target. See base.py for what a target provides."""
import importlib
import importlib.util

DEFAULT = "v1"


def get_target(name=DEFAULT):
    if importlib.util.find_spec("gg_manager.targets.%s" % name) is None:
        from gg_manager.errors import GGError
        raise GGError("unknown target %r" % name)
    return importlib.import_module("gg_manager.targets.%s" % name).TARGET
