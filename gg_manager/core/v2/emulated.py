"""AWS components whose work this core does itself instead of running them.

Lambda components depend on LambdaLauncher, LambdaManager, LambdaRuntimes and
TokenExchangeService; routing needs LegacySubscriptionRouter. Those are closed (or Java)
and cannot run here, so the core provides what they do: Lambda processes over the local
IPC, routing by the router's configuration. Such a component is resolved like any other
(the cloud's recipe when the cloud has it, else a built-in one at the version below), is
never downloaded, and is RUNNING as soon as it is started.
"""
from .recipe import GENERIC, PlatformRecipe
from .semver import Version

NUCLEUS = "aws.greengrass.Nucleus"
ROUTER = "aws.greengrass.LegacySubscriptionRouter"

BUILTIN_VERSIONS = {
    NUCLEUS: "2.14.0",
    "aws.greengrass.LambdaLauncher": "2.0.13",
    "aws.greengrass.LambdaManager": "2.3.3",
    "aws.greengrass.LambdaRuntimes": "2.0.10",
    "aws.greengrass.TokenExchangeService": "2.0.3",
    ROUTER: "2.1.14",
}


def is_emulated(name):
    return name in BUILTIN_VERSIONS


def builtin_recipe(name):
    """The built-in stand-in for an emulated component: no dependencies, artifacts or lifecycle."""
    kind = "aws.greengrass.nucleus" if name == NUCLEUS else GENERIC
    return PlatformRecipe(name, Version(BUILTIN_VERSIONS[name]), kind, {}, {}, {}, [])
