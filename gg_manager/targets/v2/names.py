"""How gg names what it makes on Greengrass V2, so discovery finds it again by name.

- a Lambda's component is named after the function: the function is one per
  account and region (gg checks names fleet-wide), so every group that uses it
  shares one component, and a change to it is one new version, not one per group;
- a model's component is `gg.model.<Id>`; groups that declare the same model
  share it, and different contents under one Id are different versions;
- per group: the thing group (the group's name), its deployment, the token
  exchange role and its role alias;
- per core or client device thing: its IoT policy.
"""
import re

from gg_manager.errors import GGError

MODEL_PREFIX = "gg.model."
_IAM_ROLE = re.compile(r"^[\w+=,.@-]{1,64}$")
_ROLE_ALIAS = re.compile(r"^[\w=,@-]{1,128}$")
_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def lambda_component(function_name: str) -> str:
    return _component(function_name)


def model_component(model_id: str) -> str:
    return _component(MODEL_PREFIX + model_id)


def _component(name):
    if not _COMPONENT.match(name) or name.lower().startswith("aws."):
        raise GGError("%r cannot name a Greengrass component: use up to 128 letters, digits, "
                      "'.', '_' or '-' (not starting with 'aws.')" % name)
    return name


def deployment_name(group: str) -> str:
    return "gg-%s" % group


def token_exchange_role(group: str) -> str:
    """The core devices' role (assumed through the role alias): gg-<group>-tes, checked."""
    return _checked("gg-%s-tes" % group, _IAM_ROLE, group, "an IAM role name (at most 64 of "
                    "letters, digits, +=,.@_-)")


def role_alias(group: str) -> str:
    return _checked("gg-%s-tes-alias" % group, _ROLE_ALIAS, group, "an IoT role alias (at most "
                    "128 of letters, digits, =,@_-)")


def _checked(name, pattern, group, what):
    if not pattern.match(name):
        raise GGError("group name %r is too long or has characters that cannot name %s: %s"
                      % (group, what, name))
    return name


def core_policy(thing: str, index: int = 0) -> str:
    """The IoT policies of a V2 core's certificate (apart from V1's '<core>-gg-policy'):
    '<thing>-ggv2-policy', then '-2', '-3', ... when the statements need more than one."""
    return "%s-ggv2-policy%s" % (thing, "-%d" % (index + 1) if index else "")


def client_device_policy(thing: str) -> str:
    return "%s-ggv2-device-policy" % thing
