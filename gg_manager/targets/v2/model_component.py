"""A model (local folder, S3 tarball, SageMaker job) as a Greengrass V2 component.

V2 has no ML resource. A model becomes a component whose only artifact is the
model as a ZIP in gg's artifact bucket (`gg-models/<stem>/<sha256>/<stem>.zip`,
see names.model_zip_key), unpacked by Greengrass itself (`Unarchive: ZIP`) into
`{artifacts:decompressedPath}/<stem>/`, a folder of *this* component version. The
component has no lifecycle: nothing runs, nothing is written outside Greengrass's
own folders.

Where the Lambda finds it: at the spec's DestinationPath, as on V1, through a
read-only volume of the Lambda component (lambda_component.py) whose source is
`{gg.model.<stem>:artifacts:decompressedPath}/<stem>`. The nucleus fills that in
because the deployment turns on `interpolateComponentConfiguration` (nucleus >=
2.6, deployment.py and config.yaml), and the cross-component placeholder is legal
because the Lambda component depends on the model component (HARD). Nothing in
the Lambda component names the model's version, so a model change is a new model
component version only (plus the deployment revision), and the HARD dependency
restarts the Lambda on it, with the volume pointing at the new folder.

The DestinationPath is still checked (`destination_problem`): an absolute, plain
path (it is a mount point inside the Lambda's container), not '/', and not in the
container's own /proc, /sys or /dev.
"""
import json
import posixpath
import re
from typing import Optional

from gg_manager.targets.v2 import names
from gg_manager.targets.v2.versioning import DIGEST_TAG, content_digest, describe

PUBLISHER = "gg"
_PATH_CHARS = re.compile(r"^/[A-Za-z0-9._/-]+$")
CONTAINER_ROOTS = ("/proc", "/sys", "/dev")


def destination_problem(path: str) -> Optional[str]:
    """Why a model DestinationPath cannot be used on V2, or None."""
    if not isinstance(path, str) or not _PATH_CHARS.match(path):
        return ("a model DestinationPath must be an absolute path of letters, digits, '.', '_', "
                "'-' and '/', got %r" % (path,))
    norm = posixpath.normpath(path)
    if "//" in path or any(part in (".", "..") for part in path.split("/")):
        return "a model DestinationPath must be a plain path without '.', '..' or '//', got %r" % path
    if norm == "/":
        return "a model DestinationPath cannot be '/'"
    for root in CONTAINER_ROOTS:
        if norm == root or norm.startswith(root + "/"):
            return ("a model DestinationPath cannot be under %s (the Lambda's container mounts its own "
                    "there), got %r; use a folder such as /ml/<name>" % (root, path))
    return None


def source_path(model_id: str) -> str:
    """Where a Lambda component's volume finds the model's unpacked folder (a recipe variable of the
    model component, interpolated by the nucleus for the version deployed)."""
    return "{%s:artifacts:decompressedPath}/%s" % (names.model_component(model_id), names.model_stem(model_id))


def model_recipe(model_id: str, artifact_uri: str, version: str = "0.0.0") -> dict:
    """The recipe (JSON-ready) of the component that serves one model version: the ZIP, nothing
    to run. The version is a placeholder until allocated: use `with_version`."""
    recipe = {
        "RecipeFormatVersion": "2020-01-25",
        "ComponentName": names.model_component(model_id),
        "ComponentVersion": version,
        "ComponentPublisher": PUBLISHER,
        "ComponentDescription": "",
        "Manifests": [{
            "Platform": {"os": "linux"},
            "Artifacts": [{"URI": artifact_uri, "Unarchive": "ZIP",
                           "Permission": {"Read": "ALL", "Execute": "NONE"}}],
        }],
    }
    recipe["ComponentDescription"] = describe("model %s" % model_id, recipe_digest(recipe))
    return recipe


def recipe_digest(recipe: dict) -> str:
    """Digest of a recipe's content: everything but its version and description."""
    return content_digest({k: v for k, v in recipe.items()
                           if k not in ("ComponentVersion", "ComponentDescription")})


def with_version(recipe: dict, version: str) -> dict:
    return dict(recipe, ComponentVersion=version)


def create_component_version_request(recipe: dict, tags=None) -> dict:
    """CreateComponentVersion parameters for a recipe gg wrote (inline JSON recipe: a dict here, sent
    as JSON text, plan/operations.coerce)."""
    return {"inlineRecipe": recipe, "tags": dict(tags or {}, **{DIGEST_TAG: recipe_digest(recipe)})}


def recipe_bytes(recipe: dict) -> bytes:
    return json.dumps(recipe, sort_keys=True).encode("utf-8")
