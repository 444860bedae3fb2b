"""Component recipes (RecipeFormatVersion 2020-01-25), JSON or YAML, read as the nucleus reads them.

parse_recipe(text) -> Recipe: top-level keys are case-insensitive (ComponentName, componentName),
ComponentType defaults to aws.greengrass.generic, DependencyType to HARD. A recipe is untrusted
input: every problem is a RecipeError naming the recipe and the field. Recipe.for_platform(device)
picks the manifest and lifecycle that apply here (a PlatformRecipe), or None.
"""
import json
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import yaml

from . import platform as plat
from .errors import DeploymentError
from .semver import Requirement, SemverError, Version

FORMAT_VERSION = "2020-01-25"
GENERIC = "aws.greengrass.generic"
LAMBDA = "aws.greengrass.lambda"
TYPES = {"aws.greengrass.generic": GENERIC, "generic": GENERIC, "aws.greengrass.lambda": LAMBDA, "lambda": LAMBDA,
         "aws.greengrass.plugin": "aws.greengrass.plugin", "plugin": "aws.greengrass.plugin",
         "aws.greengrass.nucleus": "aws.greengrass.nucleus", "nucleus": "aws.greengrass.nucleus"}
NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,128}$")
PERMISSIONS = ("NONE", "OWNER", "ALL")


class RecipeError(DeploymentError):
    def __init__(self, where, message, code="RECIPE_PARSE_ERROR"):
        super().__init__("recipe %s: %s" % (where, message), code)


@dataclass(frozen=True)
class Dependency:
    name: str
    requirement: Requirement
    type: str  # HARD | SOFT


@dataclass(frozen=True)
class Artifact:
    uri: str
    unarchive: str = "NONE"       # NONE | ZIP
    digest: Optional[str] = None
    algorithm: Optional[str] = None
    execute: str = "NONE"         # Permission.Execute: NONE | OWNER | ALL

    @property
    def file_name(self):
        tail = self.uri.split(":", 1)[-1]
        return tail.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Manifest:
    platform: Optional[dict]
    lifecycle: dict
    selections: Optional[List[str]]
    artifacts: List[Artifact]
    name: Optional[str] = None


@dataclass
class PlatformRecipe:
    """What this device runs of a component version: its manifest's artifacts and lifecycle."""
    name: str
    version: Version
    type: str
    dependencies: Dict[str, Dependency]
    default_configuration: dict
    lifecycle: dict
    artifacts: List[Artifact]
    recipe: "Recipe" = field(repr=False, default=None)

    @property
    def id(self):
        return "%s-%s" % (self.name, self.version)


@dataclass
class Recipe:
    name: str
    version: Version
    type: str
    default_configuration: dict
    dependencies: Dict[str, Dependency]
    manifests: List[Manifest]
    lifecycle: dict
    publisher: str = ""
    description: str = ""
    text: str = field(default="", repr=False)

    def for_platform(self, device):
        manifest = plat.best_manifest(self.manifests, device)
        if manifest is None:
            return None
        if manifest.lifecycle:
            lifecycle = manifest.lifecycle
        else:
            keywords = {plat.ALL}
            for m in self.manifests:
                keywords.update(m.selections or [])
            lifecycle = plat.filter_selections(self.lifecycle or {}, keywords, manifest.selections) or {}
        return PlatformRecipe(self.name, self.version, self.type, self.dependencies, self.default_configuration,
                              lifecycle, list(manifest.artifacts), self)


class _Loader(yaml.SafeLoader):
    """YAML without timestamps: `RecipeFormatVersion: 2020-01-25` stays the string it looks like."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load_text(text, where="recipe"):
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise RecipeError(where, "not UTF-8 text") from None
    stripped = text.lstrip()
    try:
        data = json.loads(text) if stripped.startswith("{") else yaml.load(text, Loader=_Loader)
    except (ValueError, yaml.YAMLError) as exc:
        raise RecipeError(where, "not valid JSON or YAML: %s" % str(exc).splitlines()[0]) from None
    if not isinstance(data, dict):
        raise RecipeError(where, "must be a mapping of recipe keys")
    return text, data


def _fold(mapping, where):
    """Case-insensitive keys: {lowercased: value}; two spellings of one key are an error."""
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise RecipeError(where[0], "%s must be a mapping" % where[1])
    out = {}
    for key, value in mapping.items():
        low = str(key).lower()
        if low in out:
            raise RecipeError(where[0], "%s has %r twice (keys are case-insensitive)" % (where[1], key))
        out[low] = value
    return out


def _text(value, where, path, required=True):
    if value is None:
        if required:
            raise RecipeError(where, "%s is missing" % path)
        return None
    if isinstance(value, (dict, list)):
        raise RecipeError(where, "%s must be a string" % path)
    return str(value)


def _choice(value, choices, where, path, default):
    if value is None:
        return default
    upper = str(value).upper()
    if upper not in choices:
        raise RecipeError(where, "%s must be one of %s, not %r" % (path, ", ".join(choices), value))
    return upper


def _artifact(raw, where, path):
    art = _fold(raw, (where, path))
    uri = _text(art.get("uri"), where, path + ".URI")
    digest = _text(art.get("digest"), where, path + ".Digest", required=False)
    algorithm = _text(art.get("algorithm"), where, path + ".Algorithm", required=False)
    if digest and not algorithm:
        raise RecipeError(where, "%s has a Digest but no Algorithm" % path, "RECIPE_MISSING_ARTIFACT_HASH_ALGORITHM")
    permission = _fold(art.get("permission"), (where, path + ".Permission"))
    execute = _choice(permission.get("execute"), PERMISSIONS, where, path + ".Permission.Execute", "NONE")
    unarchive = _choice(art.get("unarchive"), ("NONE", "ZIP"), where, path + ".Unarchive", "NONE")
    return Artifact(uri, unarchive, digest, algorithm, execute)


def _manifest(raw, where, index):
    path = "Manifests[%d]" % index
    man = _fold(raw, (where, path))
    platform = man.get("platform")
    if platform is not None and not isinstance(platform, dict):
        raise RecipeError(where, "%s.Platform must be a mapping" % path)
    lifecycle = _mapping(man.get("lifecycle"), where, path + ".Lifecycle")
    selections = man.get("selections")
    if selections is not None and not (isinstance(selections, list) and all(isinstance(s, str) for s in selections)):
        raise RecipeError(where, "%s.Selections must be a list of strings" % path)
    artifacts = man.get("artifacts") or []
    if not isinstance(artifacts, list):
        raise RecipeError(where, "%s.Artifacts must be a list" % path)
    return Manifest({str(k): (None if v is None else str(v)) for k, v in (platform or {}).items()}, lifecycle,
                    selections, [_artifact(a, where, "%s.Artifacts[%d]" % (path, i)) for i, a in enumerate(artifacts)],
                    _text(man.get("name"), where, path + ".Name", required=False))


def _dependencies(raw, where):
    deps = {}
    if raw is None:
        return deps
    if not isinstance(raw, dict):
        raise RecipeError(where, "ComponentDependencies must be a mapping")
    for name, body in raw.items():
        path = "ComponentDependencies.%s" % name
        if not NAME.match(str(name)) or str(name) in (".", ".."):
            raise RecipeError(where, "%s: not a component name" % path, "COMPONENT_DEPENDENCY_NOT_VALID")
        body = _fold(body, (where, path))
        text = _text(body.get("versionrequirement"), where, path + ".VersionRequirement")
        try:
            requirement = Requirement(text)
        except SemverError as exc:
            raise RecipeError(where, "%s.VersionRequirement: %s" % (path, exc), "COMPONENT_DEPENDENCY_NOT_VALID") from None
        kind = _choice(body.get("dependencytype"), ("HARD", "SOFT"), where, path + ".DependencyType", "HARD")
        deps[str(name)] = Dependency(str(name), requirement, kind)
    return deps


def check_name(name, where):
    if not NAME.match(name) or name in (".", ".."):
        raise RecipeError(where, "ComponentName %r may hold only letters, digits, '-', '_' and '.' (1-128)" % name)
    return name


def _identity(top, where):
    """(name, version, type, where) of a recipe's top-level mapping."""
    fmt = _text(top.get("recipeformatversion"), where, "RecipeFormatVersion")
    name = check_name(_text(top.get("componentname"), where, "ComponentName"), where)
    where = "%s-%s" % (name, top.get("componentversion")) if where == "recipe" else where
    if fmt != FORMAT_VERSION:
        raise RecipeError(where, "RecipeFormatVersion %r is not supported (only %s)" % (fmt, FORMAT_VERSION))
    try:
        version = Version(_text(top.get("componentversion"), where, "ComponentVersion"))
    except SemverError as exc:
        raise RecipeError(where, "ComponentVersion: %s" % exc, "COMPONENT_VERSION_NOT_VALID") from None
    if len(version.text) > 64 or max(version.core) > 999999:
        raise RecipeError(where, "ComponentVersion is too long or has a part over 999999", "COMPONENT_VERSION_NOT_VALID")
    kind = TYPES.get(str(top.get("componenttype") or GENERIC).lower())
    if kind is None:
        raise RecipeError(where, "ComponentType %r is not a component type" % top.get("componenttype"))
    return name, version, kind, where


def _mapping(value, where, path):
    value = value or {}
    if not isinstance(value, dict):
        raise RecipeError(where, "%s must be a mapping" % path)
    return value


def parse_recipe(text, where="recipe"):
    """A Recipe from JSON or YAML text (str or bytes); RecipeError when it is not a valid one."""
    text, data = load_text(text, where)
    top = _fold(data, (where, "recipe"))
    name, version, kind, where = _identity(top, where)
    configuration = _fold(top.get("componentconfiguration"), (where, "ComponentConfiguration"))
    defaults = _mapping(configuration.get("defaultconfiguration"), where, "ComponentConfiguration.DefaultConfiguration")
    manifests = top.get("manifests")
    if not manifests:
        raise RecipeError(where, "has no Manifests", "RECIPE_MISSING_MANIFEST")
    if not isinstance(manifests, list):
        raise RecipeError(where, "Manifests must be a list")
    lifecycle = _mapping(top.get("lifecycle"), where, "Lifecycle")
    return Recipe(name, version, kind, defaults, _dependencies(top.get("componentdependencies"), where),
                  [_manifest(m, where, i) for i, m in enumerate(manifests)], lifecycle,
                  str(top.get("componentpublisher") or ""), str(top.get("componentdescription") or ""), text)
