"""A model (local folder, S3 tarball, SageMaker job) as a Greengrass V2 component.

V2 has no ML resource. A model becomes a component whose only artifact is the
model as a ZIP in gg's artifact bucket (content-addressed, see
package/model_zip.py), unpacked by Greengrass itself (`Unarchive: ZIP`) into
`{artifacts:decompressedPath}/<sha256>/`, a folder that changes with every
version.

Where the Lambda finds it, and why there: at the spec's DestinationPath, as
on V1. The component's Install step (run as root, because DestinationPath is
usually in a root-owned folder such as /ml) points a symlink at
DestinationPath to the unpacked folder of *this* version:

- a NoContainer Lambda reads DestinationPath directly;
- a containerized Lambda gets DestinationPath as a read-only volume whose source
  is that same host path (lambda_component.py); a bind mount resolves the link
  when the container starts;
- the Lambda component depends on the model component (HARD), so a new model
  version restarts it, and its container mounts the new folder; nothing in the
  Lambda component mentions the model version, so a model change makes a new
  model component version only (plus the deployment revision).

The alternative, a volume whose source is the versioned artifact folder, would
tie every Lambda version to one model version and need the device's root path
in the Lambda's parameters; the link keeps the two apart.

Install runs at every start of the nucleus too, so the link is re-made after a
device restart. It refuses to replace anything at DestinationPath that is not a
symlink (a real folder or file stays untouched), and DestinationPath itself is
checked (`destination_problem`): an absolute, plain path outside system folders,
since the script runs as root and the path comes from the spec, that is, from a
pull request.
"""
import json
import posixpath
import re
from typing import Optional

from gg_manager.errors import GGError
from gg_manager.targets.v2 import names
from gg_manager.targets.v2.versioning import DIGEST_TAG, content_digest, describe

PUBLISHER = "gg"
_PATH_CHARS = re.compile(r"^/[A-Za-z0-9._/-]+$")
SYSTEM_ROOTS = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
                "/root", "/run", "/sbin", "/sys", "/usr", "/var/run", "/greengrass")

INSTALL_SCRIPT = """set -eu
src='{{artifacts:decompressedPath}}/{stem}'
dest='{dest}'
mkdir -p "$(dirname "$dest")"
if [ -e "$dest" ] && [ ! -L "$dest" ]; then
  echo "gg: $dest exists and is not a link gg made; not replacing it" >&2
  exit 1
fi
ln -sfn "$src" "$dest"
"""


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
    for root in SYSTEM_ROOTS:
        if norm == root or norm.startswith(root + "/"):
            return ("a model DestinationPath cannot be under %s (gg links the model there as root "
                    "on the device), got %r; use a folder such as /ml/<name>" % (root, path))
    return None


def model_recipe(model_id: str, destination_path: str, artifact_uri: str, zip_sha256: str,
                 version: str = "0.0.0") -> dict:
    """The recipe (JSON-ready) of the component that serves one model version.

    `artifact_uri` is the model ZIP's s3:// URI (its file name is `<zip_sha256>.zip`).
    The version is a placeholder until allocated: use `with_version`.
    """
    problem = destination_problem(destination_path)
    if problem:
        raise GGError(problem)
    stem = _zip_stem(artifact_uri)
    if stem != zip_sha256:
        raise GGError("model artifact %s is not named after its digest %s" % (artifact_uri, zip_sha256))
    name = names.model_component(model_id)
    dest = posixpath.normpath(destination_path)
    recipe = {
        "RecipeFormatVersion": "2020-01-25",
        "ComponentName": name,
        "ComponentVersion": version,
        "ComponentPublisher": PUBLISHER,
        "ComponentDescription": "",
        "Manifests": [{
            "Platform": {"os": "linux"},
            "Artifacts": [{"URI": artifact_uri, "Unarchive": "ZIP",
                           "Permission": {"Read": "ALL", "Execute": "NONE"}}],
            "Lifecycle": {"Install": {"Script": INSTALL_SCRIPT.format(stem=stem, dest=dest),
                                      "RequiresPrivilege": True, "Timeout": 120}},
        }],
    }
    recipe["ComponentDescription"] = describe("model %s at %s" % (model_id, dest),
                                              recipe_digest(recipe))
    return recipe


def _zip_stem(uri):
    if not uri.startswith("s3://") or not uri.endswith(".zip"):
        raise GGError("a model artifact must be an s3:// URI of a .zip, got %r" % (uri,))
    return uri.rsplit("/", 1)[-1][:-len(".zip")]


def recipe_digest(recipe: dict) -> str:
    """Digest of a recipe's content: everything but its version and description."""
    return content_digest({k: v for k, v in recipe.items()
                           if k not in ("ComponentVersion", "ComponentDescription")})


def with_version(recipe: dict, version: str) -> dict:
    return dict(recipe, ComponentVersion=version)


def create_component_version_request(recipe: dict, tags=None) -> dict:
    """CreateComponentVersion parameters for a recipe gg wrote (inline JSON recipe)."""
    return {"inlineRecipe": json.dumps(recipe, sort_keys=True).encode("utf-8"),
            "tags": dict(tags or {}, **{DIGEST_TAG: recipe_digest(recipe)})}
