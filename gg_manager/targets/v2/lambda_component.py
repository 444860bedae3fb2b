"""A Lambda as a Greengrass V2 component: CreateComponentVersion(lambdaFunction=...).

Input is the spec's typed Function (how a V1 core ran it: greengo's greengrassConfig,
with gg's defaults applied) and the group's resources by Id. The mapping:

| spec Function (V1 FunctionConfiguration)   | componentLambdaParameters                          |
|--------------------------------------------|----------------------------------------------------|
| pinned (V1 default false)                  | pinned (always written: V2's default is true)      |
| timeout_s                                  | timeoutInSeconds                                   |
| memory_kb (KB)                             | linuxProcessParams.containerParams.memorySizeInKB  |
| encoding                                   | inputPayloadEncodingType                           |
| exec_args (one string)                     | execArgs (split as a shell would)                  |
| variables (Environment.Variables)          | environmentVariables                               |
| access_sysfs                               | containerParams.mountROSysfs                       |
| isolation                                  | linuxProcessParams.isolationMode                   |
| run_as (Uid/Gid)                           | the deployment's runWith.posixUser ("uid:gid")     |
| access to a Volume                         | containerParams.volumes[]                          |
| access to a DeviceFile (`gpu: true` too)   | containerParams.devices[]                          |
| access to a Model                          | a read-only volume at the model's DestinationPath  |
|                                            | whose source is the model component's unpacked     |
|                                            | folder (model_component.source_path), and a HARD   |
|                                            | dependency on the model's component                |

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
from gg_manager.spec import model as m
from gg_manager.targets.v2 import names
from gg_manager.targets.v2.model_component import source_path
from gg_manager.targets.v2.public_components import ROUTER_REQUIREMENT, SUBSCRIPTION_ROUTER
from gg_manager.targets.v2.versioning import DIGEST_TAG, content_digest

AWS_DEFAULTS = {"maxQueueSize": 1000, "maxInstancesCount": 100, "maxIdleTimeInSeconds": 60,
                "statusTimeoutInSeconds": 60}
LINUX = [{"name": "Linux", "attributes": {"os": "linux"}}]
MODEL_REQUIREMENT = ">=1.0.0 <2.0.0"   # gg numbers model versions 1.0.N; the deployment pins one


def lambda_parameters(fn: m.Function, resources: Mapping[str, object],
                      event_sources: Iterable[Mapping] = ()) -> dict:
    """componentLambdaParameters for a spec Function. `resources`: the group's resources by Id
    (spec model values); `event_sources`: [{"topic", "type"}] from the subscriptions."""
    isolation = fn.isolation or m.CONTAINER
    params = {
        "pinned": bool(fn.pinned),
        "timeoutInSeconds": int(fn.timeout_s),
        "inputPayloadEncodingType": fn.encoding or "json",
        "environmentVariables": {str(k): str(v) for k, v in (fn.variables or {}).items()},
        "eventSources": _sorted_unique(event_sources, ("type", "topic")),
        "linuxProcessParams": {"isolationMode": isolation},
    }
    params.update(AWS_DEFAULTS)
    if fn.exec_args:
        params["execArgs"] = shlex.split(str(fn.exec_args))
    if isolation == m.CONTAINER:
        params["linuxProcessParams"]["containerParams"] = _container(fn, resources)
    return params


def _container(fn, resources):
    volumes, devices = [], []
    for policy in fn.resource_access or ():
        resource = _resource(resources, policy.resource_id)
        permission = policy.permission or "ro"
        if isinstance(resource, m.Volume):
            volumes.append({"sourcePath": resource.source_path, "destinationPath": resource.destination_path,
                            "permission": permission, "addGroupOwner": _group_owner(resource)})
        elif isinstance(resource, m.DeviceFile):
            devices.append({"path": resource.source_path, "permission": permission,
                            "addGroupOwner": _group_owner(resource)})
        elif isinstance(resource, m.Model):
            # component artifacts are read-only, whatever V1 allowed
            volumes.append({"sourcePath": source_path(resource.id),
                            "destinationPath": posixpath.normpath(resource.destination_path),
                            "permission": "ro", "addGroupOwner": False})
    return {"memorySizeInKB": int(fn.memory_kb or m.DEFAULT_MEMORY_KB),
            "mountROSysfs": bool(fn.access_sysfs),
            "volumes": _sorted_unique(volumes, ("destinationPath", "sourcePath")),
            "devices": _sorted_unique(devices, ("path",))}


def _resource(resources, resource_id):
    resource = resources.get(resource_id)
    if resource is None:
        raise GGError("no resource with Id %r in the group" % (resource_id,))
    return resource


def _group_owner(resource):
    return bool(resource.group_owner and resource.group_owner.auto_add)


def _sorted_unique(items, keys):
    seen, out = set(), []
    for item in sorted((dict(i) for i in items), key=lambda i: tuple(str(i.get(k)) for k in keys)):
        marker = tuple(sorted(item.items()))
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


def model_dependencies(fn: m.Function, resources: Mapping[str, object]) -> List[str]:
    """Model ids this Lambda reads (its access policies on models)."""
    return sorted({p.resource_id for p in fn.resource_access or ()
                   if isinstance(_resource(resources, p.resource_id), m.Model)})


def component_dependencies(models: Iterable[str], publishes: bool) -> Dict[str, dict]:
    """HARD dependencies: the models it reads (it restarts on a new model, and may name the model
    component in its configuration) and, if it publishes with the Core SDK, the legacy subscription
    router (AWS's V1 migration guide)."""
    deps = {names.model_component(mid): {"versionRequirement": MODEL_REQUIREMENT, "dependencyType": "HARD"}
            for mid in models}
    if publishes:
        deps[SUBSCRIPTION_ROUTER] = {"versionRequirement": ROUTER_REQUIREMENT,
                                     "dependencyType": "HARD"}
    return deps


def lambda_content(function_name: str, function_digest: str, parameters: Mapping,
                   dependencies: Mapping[str, Mapping]) -> dict:
    """What a Lambda component version holds, without its version number: the function (by the
    digest of its code and configuration, which names one published version), and what the
    lambdaFunction source carries. Its digest is the component's content digest."""
    return {"function": function_name, "function_digest": function_digest,
            "componentName": names.lambda_component(function_name), "componentPlatforms": LINUX,
            "componentDependencies": dict(dependencies), "componentLambdaParameters": dict(parameters)}


def lambda_source(content: Mapping, version_arn) -> dict:
    """The lambdaFunction source of a content, for one published version of its function (an ARN,
    or a plan Text/Ref to the version the plan publishes)."""
    if isinstance(version_arn, str) and not _is_version_arn(version_arn, content["function"]):
        raise GGError("%s is not a published version of Lambda %s (Greengrass refuses $LATEST "
                      "and aliases)" % (version_arn, content["function"]))
    return {"lambdaArn": version_arn, "componentName": content["componentName"],
            "componentPlatforms": content["componentPlatforms"],
            "componentDependencies": content["componentDependencies"],
            "componentLambdaParameters": content["componentLambdaParameters"]}


def _is_version_arn(arn, function_name):
    parts = (arn or "").split(":")
    return (len(parts) == 8 and parts[0] == "arn" and parts[2] == "lambda"
            and parts[5] == "function" and parts[6] == function_name and parts[7].isdigit())


def create_component_version_request(content: Mapping, version_arn, version: str,
                                     tags: Optional[Mapping[str, str]] = None) -> dict:
    """CreateComponentVersion parameters; the digest of `content` is tagged on the version."""
    return {"lambdaFunction": dict(lambda_source(content, version_arn), componentVersion=version),
            "tags": dict(tags or {}, **{DIGEST_TAG: content_digest(dict(content))})}


def run_with(fn: m.Function) -> Optional[dict]:
    """The deployment's runWith for this component when the spec says RunAs with a Uid, else None."""
    if not fn.run_as or fn.run_as.uid is None:
        return None
    gid = fn.run_as.gid
    return {"posixUser": "%s:%s" % (fn.run_as.uid, gid) if gid is not None else str(fn.run_as.uid)}
