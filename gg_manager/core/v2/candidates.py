"""Resolving one component to a version: the cloud first, the recipes already on disk when it can't answer.

Every recipe the cloud returns is kept under packages/recipes (with its ARN), so a device can
roll back, restart, or deploy offline with what it already has. Emulated AWS components that
the cloud doesn't know resolve to their built-in stand-ins.
"""
import json
import logging
import os

from . import emulated
from .device_client import Candidate, CloudError, NoCandidate
from .errors import DeploymentError
from .recipe import RecipeError, parse_recipe
from .semver import Version, best

log = logging.getLogger("gg.core.v2.candidates")


def describe(requirements):
    return ", ".join("%s requires %s" % (who, req) for who, req in sorted(requirements.items())) or "no requirement"


class RecipeStore:
    """Recipes on disk: packages/recipes/<name>-<version>.recipe holding {"arn", "recipe"}."""

    def __init__(self, layout):
        self.layout = layout

    def save(self, candidate):
        path = self.layout.recipe(candidate.name, candidate.version)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = candidate.recipe.decode("utf-8") if isinstance(candidate.recipe, bytes) else candidate.recipe
        tmp = path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump({"arn": candidate.arn, "recipe": text}, fh)
        os.replace(tmp, path)

    def load(self, name, version):
        try:
            with open(self.layout.recipe(name, version)) as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return None
        return Candidate(name, str(version), data.get("arn", ""), data.get("recipe", "").encode("utf-8"))

    def versions(self, name):
        prefix = name + "-"
        out = []
        try:
            entries = os.listdir(self.layout.recipes)
        except OSError:
            return out
        for entry in entries:
            if entry.startswith(prefix) and entry.endswith(".recipe"):
                try:
                    out.append(Version(entry[len(prefix):-len(".recipe")]))
                except ValueError:
                    continue
        return out


class Candidates:
    """resolve(name, {dependent: Requirement}) -> PlatformRecipe, remembering each version's Candidate."""

    def __init__(self, client, store, device_platform):
        self.client = client
        self.store = store
        self.platform = device_platform
        self.chosen = {}   # (name, version text) -> Candidate

    def candidate(self, recipe):
        return self.chosen.get((recipe.name, str(recipe.version))) or self.store.load(recipe.name, recipe.version)

    def __call__(self, name, requirements):
        local = best(self.store.versions(name), requirements.values())
        try:
            got = self.client.resolve(name, {k: str(v) for k, v in requirements.items()}, self.platform)
        except CloudError as exc:
            if local is not None:
                log.warning("%s: the cloud did not resolve it (%s); using %s already on this device", name, exc, local)
                return self._platform_recipe(self.store.load(name, local), requirements)
            if emulated.is_emulated(name) and isinstance(exc, NoCandidate):
                return self._builtin(name, requirements)
            if isinstance(exc, NoCandidate):
                raise DeploymentError("no version of %s satisfies the requirements (%s)" % (name, describe(requirements)),
                                      "NO_AVAILABLE_COMPONENT_VERSION", "COMPONENT_VERSION_REQUIREMENTS_NOT_MET") from None
            raise
        recipe = self._platform_recipe(got, requirements)
        self.store.save(got)
        return recipe

    def local(self, name, requirements):
        """The newest version already on this device that satisfies the requirements (no cloud call)."""
        version = best(self.store.versions(name), requirements.values())
        if version is not None:
            return self._platform_recipe(self.store.load(name, version), requirements)
        if emulated.is_emulated(name):
            return self._builtin(name, requirements)
        raise DeploymentError("no version of %s on this device satisfies %s" % (name, describe(requirements)),
                              "NO_AVAILABLE_COMPONENT_VERSION")

    def _builtin(self, name, requirements):
        recipe = emulated.builtin_recipe(name)
        if not all(r.satisfied_by(recipe.version) for r in requirements.values()):
            raise DeploymentError("%s is provided by this core at %s, which does not satisfy %s"
                                  % (name, recipe.version, describe(requirements)),
                                  "NO_AVAILABLE_COMPONENT_VERSION", "COMPONENT_VERSION_REQUIREMENTS_NOT_MET")
        self.chosen[(name, str(recipe.version))] = Candidate(name, str(recipe.version), "", b"")
        return recipe

    def _platform_recipe(self, candidate, requirements):
        where = "%s-%s" % (candidate.name, candidate.version)
        recipe = parse_recipe(candidate.recipe, where)
        if recipe.name != candidate.name or str(recipe.version) != str(candidate.version):
            raise RecipeError(where, "names %s-%s, not the component version it was resolved as"
                              % (recipe.name, recipe.version))
        unmet = {k: v for k, v in requirements.items() if not v.satisfied_by(recipe.version)}
        if unmet:
            raise DeploymentError("%s resolved to %s, which does not satisfy %s" % (candidate.name, recipe.version,
                                                                                  describe(unmet)),
                                  "COMPONENT_VERSION_REQUIREMENTS_NOT_MET")
        selected = recipe.for_platform(self.platform)
        if selected is None:
            raise DeploymentError("%s has no manifest for this device's platform %s" % (
                where, json.dumps(self.platform, sort_keys=True)), "COMPONENT_PACKAGE_LOADING_ERROR")
        if emulated.is_emulated(recipe.name):   # the core does its work: nothing to fetch or run
            selected.dependencies, selected.artifacts, selected.lifecycle = {}, [], {}
        self.chosen[(recipe.name, str(recipe.version))] = candidate
        return selected
