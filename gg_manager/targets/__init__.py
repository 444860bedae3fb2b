"""Deployment targets over one Spec and one plan engine: v1 (Greengrass V1 groups and definitions);
a sibling package per further target. See base.py for what a target provides."""
import importlib

DEFAULT = "v1"


def get_target(name=DEFAULT):
    try:
        module = importlib.import_module("gg_manager.targets.%s" % name)
    except ImportError:
        from gg_manager.errors import GGError
        raise GGError("unknown target %r" % name)
    return module.TARGET
