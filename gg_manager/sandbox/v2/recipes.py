"""Component recipes: parse (JSON or YAML), validate as CreateComponentVersion does, read (no moto).

Recipe keys are read case-insensitively, as the nucleus reads them. A recipe
that cannot be parsed or breaks a rule is a ValidationException whose message
starts "Invalid Input:", the prefix AWS uses for recipe errors.
"""
import json
import re

import yaml

from . import semver
from .errors import validation

RECIPE_FORMAT = "2020-01-25"
MAX_RECIPE_BYTES = 16 * 1024
NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
RESERVED_PREFIXES = ("aws.greengrass.", "com.amazon.")
COMPONENT_TYPES = ("aws.greengrass.generic", "aws.greengrass.lambda", "aws.greengrass.plugin",
                   "aws.greengrass.nucleus")
PERMISSIONS = ("NONE", "OWNER", "ALL")


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors/aliases: a recipe never needs them, and they make size bombs."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases are not allowed in a recipe")
        return super().compose_node(parent, index)


def key(mapping, name, default=None):
    """mapping[name], matching the key case-insensitively."""
    if not isinstance(mapping, dict):
        return default
    if name in mapping:
        return mapping[name]
    lowered = name.lower()
    for k, v in mapping.items():
        if isinstance(k, str) and k.lower() == lowered:
            return v
    return default


def parse(blob):
    """Recipe bytes (JSON or YAML) -> dict, or ValidationException."""
    if len(blob) > MAX_RECIPE_BYTES:
        raise validation("Invalid Input: The recipe is %d bytes; the limit is %d bytes." % (len(blob), MAX_RECIPE_BYTES))
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        raise validation("Invalid Input: The recipe is not UTF-8 text.") from None
    try:
        recipe = json.loads(text)
    except ValueError:
        try:
            recipe = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise validation("Invalid Input: The recipe is neither valid JSON nor valid YAML: %s"
                             % str(exc).splitlines()[0]) from None
    if not isinstance(recipe, dict):
        raise validation("Invalid Input: The recipe must be a JSON or YAML object.")
    return json.loads(json.dumps(recipe, default=str))  # YAML dates and the like become strings


def validate(recipe, private=True):
    """Check a recipe's fields; returns (name, version). Artifacts are checked by the caller."""
    errors = []
    if str(key(recipe, "RecipeFormatVersion", "")) != RECIPE_FORMAT:
        errors.append("RecipeFormatVersion must be %s" % RECIPE_FORMAT)
    name, version = key(recipe, "ComponentName"), key(recipe, "ComponentVersion")
    if not isinstance(name, str) or not NAME.match(name):
        errors.append("ComponentName is required: 1-128 characters of letters, digits, '.', '_' and '-'")
    elif private and name.startswith(RESERVED_PREFIXES):
        errors.append("ComponentName %s uses a reserved prefix (%s)" % (name, ", ".join(RESERVED_PREFIXES)))
    if not isinstance(version, str) or not semver.is_version(version):
        errors.append("ComponentVersion is required and must be a semantic version MAJOR.MINOR.PATCH, got %r"
                      % (version,))
    component_type = key(recipe, "ComponentType")
    if component_type is not None and component_type not in COMPONENT_TYPES:
        errors.append("ComponentType must be one of %s" % ", ".join(COMPONENT_TYPES))
    errors += _dependency_errors(key(recipe, "ComponentDependencies"))
    errors += _configuration_errors(key(recipe, "ComponentConfiguration"))
    errors += _manifest_errors(key(recipe, "Manifests"))
    if errors:
        raise validation("Invalid Input: Encountered following errors in the recipe: [%s]" % "; ".join(errors),
                         fields=[{"name": "inlineRecipe", "message": e} for e in errors])
    return name, version


def _dependency_errors(dependencies):
    if dependencies is None:
        return []
    if not isinstance(dependencies, dict):
        return ["ComponentDependencies must be a map of component name to {VersionRequirement, DependencyType}"]
    errors = []
    for dep_name, spec in dependencies.items():
        requirement = key(spec, "VersionRequirement", "*")
        try:
            semver.requirement(str(requirement))
        except semver.VersionError as exc:
            errors.append("ComponentDependencies.%s.VersionRequirement: %s" % (dep_name, exc))
        if key(spec, "DependencyType", "HARD") not in ("HARD", "SOFT"):
            errors.append("ComponentDependencies.%s.DependencyType must be HARD or SOFT" % dep_name)
    return errors


def _configuration_errors(configuration):
    if configuration is None:
        return []
    if not isinstance(configuration, dict):
        return ["ComponentConfiguration must be an object"]
    default = key(configuration, "DefaultConfiguration")
    if default is not None and not isinstance(default, dict):
        return ["ComponentConfiguration.DefaultConfiguration must be an object"]
    return []


def _manifest_errors(manifests):
    if manifests is None:
        return []
    if not isinstance(manifests, list):
        return ["Manifests must be a list"]
    errors = []
    for i, manifest in enumerate(manifests):
        if not isinstance(manifest, dict):
            errors.append("Manifests[%d] must be an object" % i)
            continue
        platform = key(manifest, "Platform")
        if platform is not None and not (isinstance(platform, dict)
                                         and all(isinstance(v, str) for v in platform.values())):
            errors.append("Manifests[%d].Platform must be a map of strings" % i)
        for j, artifact in enumerate(key(manifest, "Artifacts") or []):
            errors += _artifact_errors("Manifests[%d].Artifacts[%d]" % (i, j), artifact)
    return errors


def _artifact_errors(where, artifact):
    if not isinstance(artifact, dict) or not isinstance(key(artifact, "Uri"), str):
        return ["%s.Uri is required" % where]
    errors = []
    if key(artifact, "Unarchive", "NONE") not in ("NONE", "ZIP"):
        errors.append("%s.Unarchive must be ZIP or NONE" % where)
    permission = key(artifact, "Permission") or {}
    for field in ("Read", "Execute"):
        if key(permission, field, "NONE") not in PERMISSIONS:
            errors.append("%s.Permission.%s must be one of %s" % (where, field, "|".join(PERMISSIONS)))
    return errors


# -- reading ---------------------------------------------------------------------------------
def manifests(recipe):
    return [m for m in key(recipe, "Manifests") or [] if isinstance(m, dict)]


def artifacts(recipe):
    """Every artifact dict of every manifest (the same dicts, so callers may add Digest/Algorithm)."""
    return [a for m in manifests(recipe) for a in key(m, "Artifacts") or [] if isinstance(a, dict)]


def platforms(recipe):
    """DescribeComponent's `platforms`: one entry per manifest."""
    found = []
    for manifest in manifests(recipe):
        platform = dict(key(manifest, "Platform") or {})
        entry = {"attributes": {k: v for k, v in platform.items() if k != "name"}}
        if platform.get("name") or key(manifest, "Name"):
            entry["name"] = platform.get("name") or key(manifest, "Name")
        found.append(entry)
    return found


def dependencies(recipe):
    """{name: (requirement text, HARD|SOFT)}."""
    deps = key(recipe, "ComponentDependencies") or {}
    return {n: (str(key(s, "VersionRequirement", "*")), key(s, "DependencyType", "HARD")) for n, s in deps.items()}


def _matches(wanted, actual):
    if wanted in ("*", None):
        return True
    if isinstance(wanted, str) and len(wanted) > 1 and wanted.startswith("/") and wanted.endswith("/"):
        return actual is not None and re.fullmatch(wanted[1:-1], str(actual)) is not None
    return actual is not None and str(wanted).lower() == str(actual).lower()


def claims_platform(recipe, attributes):
    """True when the recipe has no manifests or one of them matches the device's platform attributes."""
    found = manifests(recipe)
    if not found:
        return True
    for manifest in found:
        platform = key(manifest, "Platform") or {}
        if all(_matches(v, attributes.get(k)) for k, v in platform.items() if k != "name"):
            return True
    return False


def render(recipe, output_format="JSON"):
    """The recipe as GetComponent returns it."""
    if output_format == "YAML":
        return yaml.safe_dump(recipe, sort_keys=False, default_flow_style=False).encode("utf-8")
    return json.dumps(recipe, indent=2).encode("utf-8")
