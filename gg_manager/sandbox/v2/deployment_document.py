"""The job document of a V2 deployment: the deployment configuration a core applies (no moto).

The same shape the nucleus reads from its IoT job (its `Configuration` class):

    {"deploymentId", "configurationArn": "arn:aws:greengrass:R:A:configuration:thinggroup/NAME:REVISION",
     "creationTimestamp": epoch ms, "components": {NAME: {"version", "configurationUpdate":
     {"reset": [JSON pointers], "merge": {object}}, "runWith": {...}}}, "failureHandlingPolicy",
     "componentUpdatePolicy": {"timeout", "action"}, "configurationValidationPolicy": {"timeout"},
     "requiredCapabilities": [...], "onBehalfOf": thing group ARN, "parentTargetArn": ...}

`merge` arrives as the JSON string CreateDeployment took and is parsed here;
`reset` is applied before `merge`, by the core.
"""
import json


def _component(spec):
    entry = {"version": spec["componentVersion"]}
    update = spec.get("configurationUpdate")
    if update:
        entry["configurationUpdate"] = {}
        if update.get("reset") is not None:
            entry["configurationUpdate"]["reset"] = list(update["reset"])
        if update.get("merge") is not None:
            entry["configurationUpdate"]["merge"] = json.loads(update["merge"])
    if spec.get("runWith"):
        entry["runWith"] = dict(spec["runWith"])
    return entry


def capabilities(deployment):
    found = []
    if any((s.get("runWith") or {}).get("systemResourceLimits") for s in deployment.components.values()):
        found.append("LINUX_RESOURCE_LIMITS")
    if deployment.parent_target_arn:
        found.append("SUB_DEPLOYMENTS")
    return found


def build(deployment):
    policies = deployment.policies
    document = {
        "deploymentId": deployment.deployment_id,
        "configurationArn": deployment.configuration_arn,
        "creationTimestamp": int(deployment.created * 1000),
        "components": {name: _component(spec) for name, spec in deployment.components.items()},
        "failureHandlingPolicy": policies["failureHandlingPolicy"],
        "componentUpdatePolicy": {"timeout": policies["componentUpdatePolicy"]["timeoutInSeconds"],
                                  "action": policies["componentUpdatePolicy"]["action"]},
        "configurationValidationPolicy": {"timeout": policies["configurationValidationPolicy"]["timeoutInSeconds"]},
        "requiredCapabilities": capabilities(deployment),
    }
    if ":thinggroup/" in deployment.target_arn:
        document["onBehalfOf"] = deployment.target_arn
    if deployment.parent_target_arn:
        document["parentTargetArn"] = deployment.parent_target_arn
    return document
