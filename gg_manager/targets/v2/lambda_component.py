"""A Lambda as a Greengrass V2 component: CreateComponentVersion(lambdaFunction=...).

Input is what a greengo/gg spec says of a Lambda on V1: its FunctionConfiguration
(greengrassConfig, with gg's defaults applied) and the group's resources its
ResourceAccessPolicies name. The mapping:

| V1 FunctionConfiguration            | componentLambdaParameters                          |
|-------------------------------------|----------------------------------------------------|
| Pinned (V1 default false)           | pinned (always written: V2's default is true)      |
| Timeout                             | timeoutInSeconds                                   |
| MemorySize (KB)                     | linuxProcessParams.containerParams.memorySizeInKB  |
| EncodingType                        | inputPayloadEncodingType                           |
| ExecArgs (one string)               | execArgs (split as a shell would)                  |
| Environment.Variables               | environmentVariables                               |
| Environment.AccessSysfs             | containerParams.mountROSysfs                       |
| Environment.Execution.IsolationMode | linuxProcessParams.isolationMode                   |
| Environment.Execution.RunAs         | the deployment's runWith.posixUser ("uid:gid")     |
| policy on a LocalVolumeResource     | containerParams.volumes[]                          |
| policy on a LocalDeviceResource     | containerParams.devices[] (`gpu: true` included)   |
| policy on an ML model resource      | a volume of the model's DestinationPath, read-only,|
|                                     | and a HARD dependency on the model's component     |

Queue and scaling settings V1 does not have are written with the defaults AWS
documents (maxQueueSize 1000, maxInstancesCount 100, maxIdleTimeInSeconds 60,
statusTimeoutInSeconds 60), so a plan shows every value the device will use.
Lists are sorted, so the content digest does not depend on the order a spec
lists things in.
"""
import posixpath
import shlex
from typing import Dict, Iterable, List, Mapping, Optional

from gg_manager.errors import GGError
from gg_manager.targets.v2 import names
from gg_manager.targets.v2.public_components import ROUTER_REQUIREMENT, SUBSCRIPTION_ROUTER
from gg_manager.targets.v2.versioning import DIGEST_TAG, content_digest

AWS_DEFAULTS = {"maxQueueSize": 1000, "maxInstancesCount": 100, "maxIdleTimeInSeconds": 60,
                "statusTimeoutInSeconds": 60}
LINUX = [{"name": "Linux", "attributes": {"os": "linux"}}]
MODEL_REQUIREMENT = ">=1.0.0 <2.0.0"   # gg numbers model versions 1.0.N; the deployment pins one
ML_CONTAINERS = ("S3MachineLearningModelResourceData", "SageMakerMachineLearningModelResourceData")
CONTAINER = "GreengrassContainer"


def lambda_parameters(configuration: Mapping, resources: Mapping[str, Mapping],
                      event_sources: Iterable[Mapping] = ()) -> dict:
    """componentLambdaParameters for a V1 FunctionConfiguration.

    `resources`: the group's resources by Id, each shaped as in the spec
    ({"Id", "Name", <ResourceDataContainer key>: body}). `event_sources`:
    [{"topic", "type"}] from the subscriptions (see subscriptions.py).
    """
    env = configuration.get("Environment") or {}
    execution = env.get("Execution") or {}
    isolation = execution.get("IsolationMode") or CONTAINER
    params = {
        "pinned": bool(configuration.get("Pinned", False)),
        "timeoutInSeconds": int(configuration.get("Timeout", 3)),
        "inputPayloadEncodingType": configuration.get("EncodingType", "json"),
        "environmentVariables": {str(k): str(v) for k, v in (env.get("Variables") or {}).items()},
        "eventSources": _sorted_unique(event_sources, ("type", "topic")),
        "linuxProcessParams": {"isolationMode": isolation},
    }
    params.update(AWS_DEFAULTS)
    if configuration.get("ExecArgs"):
        params["execArgs"] = shlex.split(str(configuration["ExecArgs"]))
    if isolation == CONTAINER:
        params["linuxProcessParams"]["containerParams"] = _container(configuration, env, resources)
    return params


def _container(configuration, env, resources):
    volumes, devices = [], []
    for policy in env.get("ResourceAccessPolicies") or []:
        resource = _resource(resources, policy.get("ResourceId"))
        permission = policy.get("Permission", "ro")
        for kind, body in resource.items():
            if kind == "LocalVolumeResourceData":
                volumes.append({"sourcePath": body["SourcePath"],
                                "destinationPath": body["DestinationPath"],
                                "permission": permission, "addGroupOwner": _group_owner(body)})
            elif kind == "LocalDeviceResourceData":
                devices.append({"path": body["SourcePath"], "permission": permission,
                                "addGroupOwner": _group_owner(body)})
            elif kind in ML_CONTAINERS:
                # the model component links its unpacked artifact at DestinationPath on the
                # device (model_component.py); artifacts are read-only, whatever V1 allowed
                path = posixpath.normpath(body["DestinationPath"])
                volumes.append({"sourcePath": path, "destinationPath": path,
                                "permission": "ro", "addGroupOwner": False})
    return {"memorySizeInKB": int(configuration.get("MemorySize", 16384)),
            "mountROSysfs": bool(env.get("AccessSysfs", False)),
            "volumes": _sorted_unique(volumes, ("destinationPath", "sourcePath")),
            "devices": _sorted_unique(devices, ("path",))}


def _resource(resources, resource_id):
    resource = resources.get(resource_id)
    if resource is None:
        raise GGError("no resource with Id %r in the group" % (resource_id,))
    return {k: v for k, v in resource.items() if k not in ("Id", "Name") and isinstance(v, dict)}


def _group_owner(body):
    return bool((body.get("GroupOwnerSetting") or {}).get("AutoAddGroupOwner", False))


def _sorted_unique(items, keys):
    seen, out = set(), []
    for item in sorted((dict(i) for i in items), key=lambda i: tuple(str(i.get(k)) for k in keys)):
        marker = tuple(sorted(item.items()))
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


def model_dependencies(configuration: Mapping, resources: Mapping[str, Mapping]) -> List[str]:
    """Component names of the models this Lambda reads (its policies on ML resources)."""
    env = configuration.get("Environment") or {}
    found = []
    for policy in env.get("ResourceAccessPolicies") or []:
        resource = _resource(resources, policy.get("ResourceId"))
        if any(kind in ML_CONTAINERS for kind in resource):
            found.append(names.model_component(policy["ResourceId"]))
    return sorted(set(found))


def component_dependencies(models: Iterable[str], publishes: bool) -> Dict[str, dict]:
    """HARD dependencies: the models it reads (it restarts on a new model) and, if it
    publishes with the Core SDK, the legacy subscription router (AWS's V1 migration guide)."""
    deps = {m: {"versionRequirement": MODEL_REQUIREMENT, "dependencyType": "HARD"} for m in models}
    if publishes:
        deps[SUBSCRIPTION_ROUTER] = {"versionRequirement": ROUTER_REQUIREMENT,
                                     "dependencyType": "HARD"}
    return deps


def lambda_source(function_name: str, version_arn: str, parameters: Mapping,
                  dependencies: Mapping[str, Mapping]) -> dict:
    """The lambdaFunction source without its componentVersion: what the content digest covers."""
    if not _is_version_arn(version_arn, function_name):
        raise GGError("%s is not a published version of Lambda %s (Greengrass refuses $LATEST "
                      "and aliases)" % (version_arn, function_name))
    return {"lambdaArn": version_arn, "componentName": names.lambda_component(function_name),
            "componentPlatforms": LINUX, "componentDependencies": dict(dependencies),
            "componentLambdaParameters": dict(parameters)}


def _is_version_arn(arn, function_name):
    parts = (arn or "").split(":")
    return (len(parts) == 8 and parts[0] == "arn" and parts[2] == "lambda"
            and parts[5] == "function" and parts[6] == function_name and parts[7].isdigit())


def create_component_version_request(source: Mapping, version: str,
                                     tags: Optional[Mapping[str, str]] = None) -> dict:
    """CreateComponentVersion parameters; the digest of `source` is tagged on the version."""
    request = {"lambdaFunction": dict(source, componentVersion=version)}
    request["tags"] = dict(tags or {}, **{DIGEST_TAG: content_digest(dict(source))})
    return request


def run_with(configuration: Mapping) -> Optional[dict]:
    """The deployment's runWith for this component when V1 said RunAs (Uid/Gid), else None."""
    run_as = ((configuration.get("Environment") or {}).get("Execution") or {}).get("RunAs")
    if not run_as:
        return None
    uid, gid = run_as.get("Uid"), run_as.get("Gid")
    if uid is None:
        return None
    return {"posixUser": "%s:%s" % (uid, gid) if gid is not None else str(uid)}
