"""Resource rules: one data container each, safe and absolute paths, access policies that resolve."""
import os
import posixpath
import re

from gg_manager.spec.groups import model_source_kind
from gg_manager.spec.rules.packages import folder_inside
from gg_manager.spec.schema import did_you_mean

CONTAINERS = ("LocalDeviceResourceData", "LocalVolumeResourceData",
              "S3MachineLearningModelResourceData", "SageMakerMachineLearningModelResourceData",
              "SecretsManagerSecretResourceData")
ML_CONTAINERS = CONTAINERS[2:4]
FORBIDDEN_ROOTS = ("/sys", "/proc")


def field_path(item, container, key):
    """Where a resource field was written: Models entries name it directly."""
    if "Models" in item.path:
        return item.path + (key if key != "SageMakerJobArn" and key != "S3Uri" else "Source",)
    return item.path + (container, key)


def container_of(data):
    found = [c for c in CONTAINERS if c in data]
    return found[0] if len(found) == 1 else None


def _touches_forbidden(path):
    norm = posixpath.normpath(path)
    if norm == "/":
        return "/"
    for root in FORBIDDEN_ROOTS:
        if norm == root or norm.startswith(root + "/"):
            return root
    return None


def check_resources(view, reporter, spec_dir):
    names = {}
    for item in view.items("Resources"):
        data = item.data
        found = [c for c in CONTAINERS if c in data]
        if len(found) != 1 and "Models" not in item.path:
            what = "none" if not found else ", ".join(found)
            reporter.error(item.path, "a resource needs exactly one of %s; found %s"
                           % (", ".join(CONTAINERS), what))
            continue
        name = data.get("Name")
        if isinstance(name, str) and "Models" not in item.path:
            if name in names:
                reporter.error(item.path + ("Name",), "duplicate resource Name %r" % name)
            names[name] = item
        body = data.get(found[0])
        if isinstance(body, dict):
            BODY_CHECKS.get(found[0], _check_ml_body)(item, found[0], body, reporter)
    for item in view.items("Models"):
        _check_model_source(item, reporter, spec_dir)


def _check_device_body(item, container, body, reporter):
    src = body.get("SourcePath")
    if isinstance(src, str) and not (src == "/dev" or src.startswith("/dev/")):
        reporter.error(field_path(item, container, "SourcePath"),
                       "a device resource's SourcePath must be under /dev, got %r" % src)


def _check_volume_body(item, container, body, reporter):
    for key in ("SourcePath", "DestinationPath"):
        value = body.get(key)
        if not isinstance(value, str):
            continue
        if not value.startswith("/"):
            reporter.error(field_path(item, container, key),
                           "%s must be an absolute path, got %r" % (key, value))
            continue
        root = _touches_forbidden(value)
        if root:
            reporter.error(field_path(item, container, key),
                           "a volume must not expose %s (%r); Greengrass forbids it" % (root, value))


def _check_ml_body(item, container, body, reporter):
    if container not in ML_CONTAINERS:
        return
    dest = body.get("DestinationPath")
    if isinstance(dest, str) and not dest.startswith("/"):
        reporter.error(field_path(item, container, "DestinationPath"),
                       "DestinationPath must be an absolute path, got %r" % dest)


BODY_CHECKS = {"LocalDeviceResourceData": _check_device_body,
               "LocalVolumeResourceData": _check_volume_body}


def _check_model_source(item, reporter, spec_dir):
    source = item.data.get("Source")
    if not isinstance(source, str):
        return
    kind = model_source_kind(source)
    path = item.path + ("Source",)
    if kind == "s3":
        if not (source.endswith(".tar.gz") or source.endswith(".tgz") or source.endswith(".zip")):
            reporter.error(path, "an S3 model must be a .tar.gz or .zip archive, got %r" % source)
        if source.count("/") < 3 or source.endswith("/"):
            reporter.error(path, "expected s3://BUCKET/KEY, got %r" % source)
    elif kind == "sagemaker":
        if not re.match(r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:training-job/"
                        r"[a-zA-Z0-9][a-zA-Z0-9-]*$", source):
            reporter.error(path, "not a SageMaker training job ARN "
                           "(arn:aws:sagemaker:REGION:ACCOUNT:training-job/NAME): %r" % source)
    else:
        folder = folder_inside(source, spec_dir, "a model folder", reporter, path)
        if folder is None:
            return
        if not os.path.isdir(folder):
            reporter.error(path, "model folder %r does not exist (a local Source is a folder gg packs "
                           "and uploads; use s3://... or a training job ARN otherwise)" % source)
        elif not os.listdir(folder):
            reporter.error(path, "model folder %r is empty" % source)


def check_access_policies(view, reporter, spec_dir):
    ids = {r.data.get("Id") for r in view.items("Resources")}
    for item in view.items("Lambdas"):
        env = (item.data.get("greengrassConfig") or {}).get("Environment") or {}
        policies = env.get("ResourceAccessPolicies") or []
        isolation = ((env.get("Execution") or {}).get("IsolationMode"))
        base = item.path + ("greengrassConfig", "Environment", "ResourceAccessPolicies")
        if policies and isolation == "NoContainer":
            reporter.error(base, "ResourceAccessPolicies need IsolationMode GreengrassContainer; "
                           "a NoContainer Lambda cannot be granted resources")
        for i, policy in enumerate(policies):
            if not isinstance(policy, dict):
                continue
            rid = policy.get("ResourceId")
            if isinstance(rid, str) and rid not in ids:
                reporter.error(base + (i, "ResourceId"), "no resource with Id %r in group %r%s"
                               % (rid, view.name, did_you_mean(rid, [i for i in ids if i])))
