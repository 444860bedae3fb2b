"""Where each resource lives on this machine, and the Lambda environment that points at it.

A real core mounts each resource at its DestinationPath inside the Lambda's
namespace. Here there is no namespace, so:
  - ML models extract to <work>/ml/<resource id>;
  - a volume uses its SourcePath when that folder exists or can be created,
    else <work>/volumes/<resource id>;
  - device files are passed through at their own path;
and every environment variable VALUE of a Lambda that equals, or starts with
"<DestinationPath>/", for a resource that Lambda may access, is rewritten to
the local folder. GG_PATH_MAP (JSON {DestinationPath: local path}) is set too,
for code that builds paths itself.
"""
import json
import os
from dataclasses import dataclass
from typing import Dict

ML_KINDS = ("S3MachineLearningModelResourceData", "SageMakerMachineLearningModelResourceData")
VOLUME = "LocalVolumeResourceData"
DEVICE = "LocalDeviceResourceData"


@dataclass(frozen=True)
class LocalResource:
    id: str
    kind: str
    data: dict
    destination: str  # the path the Lambda was written against
    local: str        # where it is on this machine


def resource_kind(resource):
    container = resource.get("ResourceDataContainer", {})
    kind = next(iter(container), None)
    return kind, container.get(kind, {}) if kind else {}


def _usable_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def map_resources(resources, work_dir):
    """{resource id: LocalResource} for every resource the local core can place."""
    out = {}
    for res in resources:
        kind, data = resource_kind(res)
        rid = res.get("Id")
        if kind in ML_KINDS:
            local = os.path.join(work_dir, "ml", rid)
            dest = data.get("DestinationPath", "")
        elif kind == VOLUME:
            source = data.get("SourcePath", "")
            local = source if source and _usable_dir(source) else os.path.join(work_dir, "volumes", rid)
            os.makedirs(local, exist_ok=True)
            dest = data.get("DestinationPath", "")
        elif kind == DEVICE:
            local = dest = data.get("SourcePath", "")
        else:  # secrets and anything newer: nothing on disk
            continue
        out[rid] = LocalResource(rid, kind, data, dest.rstrip("/") or "/", local)
    return out


def accessible(function, mapped):
    """The LocalResources a function's ResourceAccessPolicies grant it."""
    env = function.get("FunctionConfiguration", {}).get("Environment", {})
    ids = [p.get("ResourceId") for p in env.get("ResourceAccessPolicies", [])]
    return [mapped[i] for i in ids if i in mapped]


def rewrite_value(value, path_map):
    """value with its leading DestinationPath replaced by the local folder (longest match wins)."""
    for dest in sorted(path_map, key=len, reverse=True):
        if dest == "/":
            continue
        if value == dest or value.startswith(dest + "/"):
            return path_map[dest] + value[len(dest):]
    return value


def lambda_environment(function, mapped) -> Dict[str, str]:
    """The function's Environment.Variables with resource paths made local, plus GG_PATH_MAP."""
    variables = function.get("FunctionConfiguration", {}).get("Environment", {}).get("Variables", {}) or {}
    path_map = {r.destination: r.local for r in accessible(function, mapped) if r.kind != DEVICE}
    env = {key: rewrite_value(str(value), path_map) for key, value in variables.items()}
    env["GG_PATH_MAP"] = json.dumps(path_map, sort_keys=True)
    return env
