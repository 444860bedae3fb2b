"""The fleet-status message a Greengrass V2 core publishes, built from a DeviceStatus.

    {"ggcVersion", "platform", "architecture", "runtime", "thing", "sequenceNumber", "timestamp",
     "messageType": "COMPLETE", "trigger", "overallDeviceStatus": "HEALTHY"|"UNHEALTHY",
     "components": [{"componentName", "version", "isRoot", "status", "fleetConfigArns",
                     "componentStatusDetails": {"statusReason"}}],
     "deploymentInformation": {"deploymentId", "status", "fleetConfigurationArnForStatus",
                               "statusDetails": {"detailedStatus", "failureCause", "errorStack", "errorTypes"}}}

published on `$aws/things/<thing>/greengrassv2/health/json`; AWS (and the sandbox) turn it into
GetCoreDevice, ListCoreDevices and ListInstalledComponents. Sequence numbers are milliseconds,
so they keep growing across restarts of the core.
"""
import json
import time

RUNTIME = "aws_nucleus_classic"


def health_topic(thing_name):
    return "$aws/things/%s/greengrassv2/health/json" % thing_name


def _json_list(text):
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return [text]
    return value if isinstance(value, list) else [value]


def _deployment(status):
    details = status.status_details
    info = {"deploymentId": status.deployment_id, "status": status.deployment_status,
            "statusDetails": {"detailedStatus": details.get("detailed-deployment-status"),
                              "failureCause": details.get("deployment-failure-cause", ""),
                              "errorStack": _json_list(details.get("deployment-error-stack")),
                              "errorTypes": _json_list(details.get("deployment-error-types"))}}
    if status.configuration_arn:
        info["fleetConfigurationArnForStatus"] = status.configuration_arn
    return info


def fleet_status_message(status, nucleus_version="2.14.0", platform="linux", architecture="amd64", now=None):
    now = time.time() if now is None else now
    message = {
        "ggcVersion": nucleus_version, "platform": platform, "architecture": architecture, "runtime": RUNTIME,
        "thing": status.thing_name, "sequenceNumber": int(now * 1000), "timestamp": int(now * 1000),
        "messageType": "COMPLETE",
        "trigger": "THING_GROUP_DEPLOYMENT" if status.deployment_id else "COMPONENT_STATUS_CHANGE",
        "overallDeviceStatus": status.overall,
        "components": [{"componentName": c.name, "version": c.version, "isRoot": c.root, "status": c.state,
                        "fleetConfigArns": list(c.fleet_config_arns),
                        "componentStatusDetails": {"statusReason": c.status_reason}} for c in status.components],
    }
    if status.deployment_id:
        message["deploymentInformation"] = _deployment(status)
    return message
