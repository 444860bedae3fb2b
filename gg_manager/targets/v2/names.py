"""How gg names what it makes on Greengrass V2, so discovery finds it again by name.

- a Lambda's component is named after the function: the function is one per
  account and region (gg checks names fleet-wide), so every group that uses it
  shares one component, and a change to it is one new version, not one per group;
- a model's component is `gg.model.<Id>` (letters, digits, '.' and '_' only: the
  nucleus interpolates `{NAME:artifacts:decompressedPath}` only for such names, so
  '-' and ':' in an Id become '_'); groups that declare the same model share it,
  and different contents under one Id are different versions;
- per group: the thing group (the group's name), its deployment (named after the
  group, with the digest of its document), the token exchange role and its role alias;
- per core or client device thing: its IoT policy.
"""
import re

from gg_manager.errors import GGError

MODEL_PREFIX = "gg.model."
MODEL_PREFIX_S3 = "gg-models"
_IAM_ROLE = re.compile(r"^[\w+=,.@-]{1,64}$")
_ROLE_ALIAS = re.compile(r"^[\w=,@-]{1,128}$")
_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_NOT_INTERPOLABLE = re.compile(r"[^A-Za-z0-9_.]")


def lambda_component(function_name: str) -> str:
    return _component(function_name)


def model_stem(model_id: str) -> str:
    """The model's name in component names, S3 keys and the unpacked folder: [A-Za-z0-9_.]."""
    return _NOT_INTERPOLABLE.sub("_", model_id)


def model_component(model_id: str) -> str:
    return _component(MODEL_PREFIX + model_stem(model_id))


def model_zip_key(model_id: str, digest: str) -> str:
    """gg-models/<stem>/<sha256>/<stem>.zip: content-addressed by its folder, and always the same file
    name, so Greengrass unpacks every version into `{decompressedPath}/<stem>`: the path a Lambda
    reads the model from does not change with the model."""
    stem = model_stem(model_id)
    return "%s/%s/%s/%s.zip" % (MODEL_PREFIX_S3, stem, digest, stem)


def _component(name):
    if not _COMPONENT.match(name) or name.lower().startswith("aws."):
        raise GGError("%r cannot name a Greengrass component: use up to 128 letters, digits, "
                      "'.', '_' or '-' (not starting with 'aws.')" % name)
    return name


def thing_group(group: str) -> str:
    return group


def deployment_prefix(group: str) -> str:
    """What every deployment gg makes for the group is named with (then its document's digest)."""
    return "gg-%s" % group


def deployment_name(group: str, digest: str = "") -> str:
    """'gg-<group> (gg, sha256:<digest>)': ListDeployments shows it, so one paged list call tells
    whether each group's current revision is the document the spec asks for."""
    from gg_manager.targets.v2.versioning import describe
    return describe(deployment_prefix(group), digest) if digest else deployment_prefix(group)


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


def nucleus_config_file(core: str) -> str:
    """The core's nucleus configuration, beside its key: <core>.config.yaml."""
    return "%s.config.yaml" % core
