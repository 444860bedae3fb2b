"""Core devices: their status reports, and ListCoreDevices, GetCoreDevice, DeleteCoreDevice,
ListEffectiveDeployments, ListInstalledComponents.

A core device exists once it reported its status (`apply_report`): the nucleus's
fleet-status message, sent on MQTT `$aws/things/<thing>/greengrassv2/health/json`
or posted to `/_sandbox/greengrassv2/coreDevices/<thing>/status` (health.py).
Effective deployments come from the IoT job executions of the thing: the
execution's status is `coreDeviceExecutionStatus`, its statusDetails
(`detailed-deployment-status`, `deployment-failure-cause`,
`deployment-error-stack`, `deployment-error-types`) give `reason` and
`statusDetails`; a report's deploymentInformation fills statusDetails the
execution lacks.
"""
import json

from .. import clock
from ..iot import jobs
from ..iot.job_targets import members
from . import arns, state
from .common import now, page
from .errors import not_found, validation

STATES = ("NEW", "INSTALLED", "STARTING", "RUNNING", "STOPPING", "ERRORED", "BROKEN", "FINISHED")
EXECUTION_STATUS = {"REMOVED": "CANCELED"}  # IoT execution status -> EffectiveDeploymentExecutionStatus


class ReportError(ValueError):
    """A status report that cannot be applied (the sandbox API answers 400)."""


def find(ctx, thing_name):
    found = state.of_ctx(ctx).core_devices.get(thing_name)
    if found is None:
        raise not_found("Core device %s does not exist." % thing_name,
                        arns.core_device(ctx.region, ctx.account, thing_name), "CORE_DEVICE")
    return found


# -- reports --------------------------------------------------------------------------------
def _check(payload, thing_name):
    if not isinstance(payload, dict):
        raise ReportError("a status report must be a JSON object")
    if payload.get("thing") not in (None, thing_name):
        raise ReportError("the report is for thing %s, not %s" % (payload.get("thing"), thing_name))
    if payload.get("overallDeviceStatus", "HEALTHY") not in ("HEALTHY", "UNHEALTHY"):
        raise ReportError("overallDeviceStatus must be HEALTHY or UNHEALTHY")
    if payload.get("messageType", "PARTIAL") not in ("COMPLETE", "PARTIAL"):
        raise ReportError("messageType must be COMPLETE or PARTIAL")
    components = payload.get("components") or []
    if not isinstance(components, list):
        raise ReportError("components must be a list")
    for i, item in enumerate(components):
        if not isinstance(item, dict) or not item.get("componentName") or not item.get("version"):
            raise ReportError("components[%d] needs componentName and version" % i)
        if item.get("status", "RUNNING") not in STATES:
            raise ReportError("components[%d].status must be one of %s" % (i, "|".join(STATES)))


def apply_report(st, region, account, thing_name, payload):
    """Record a core's status report; returns the CoreDevice (None when the report is older than the last)."""
    _check(payload, thing_name)
    device = st.core_devices.get(thing_name)
    if device is None:
        device = st.core_devices.setdefault(thing_name, state.CoreDevice(
            thing_name, arns.core_device(region, account, thing_name)))
    sequence = payload.get("sequenceNumber")
    if isinstance(sequence, int) and device.sequence is not None and sequence < device.sequence:
        return None
    device.sequence = sequence if isinstance(sequence, int) else device.sequence
    stamp = now()
    for attribute, field in (("core_version", "ggcVersion"), ("platform", "platform"),
                             ("architecture", "architecture"), ("runtime", "runtime")):
        setattr(device, attribute, payload.get(field) or getattr(device, attribute))
    device.status = payload.get("overallDeviceStatus", "HEALTHY")
    device.last_update = stamp
    if payload.get("messageType") == "COMPLETE":
        device.components.clear()
    for item in payload.get("components") or []:
        _component(device, item, stamp)
    info = payload.get("deploymentInformation")
    if isinstance(info, dict) and info.get("deploymentId"):
        device.deployment_info[info["deploymentId"]] = info
    return device


def _component(device, item, stamp):
    details = item.get("componentStatusDetails") or {}
    lifecycle = item.get("status", "RUNNING")
    previous = device.components.get(item["componentName"])
    changed = previous is None or previous["lifecycleState"] != lifecycle or previous["componentVersion"] != item[
        "version"]
    device.components[item["componentName"]] = {
        "componentName": item["componentName"], "componentVersion": item["version"], "lifecycleState": lifecycle,
        "lifecycleStateDetails": details.get("statusReason"), "lifecycleStatusCodes": details.get("statusCodes"),
        "isRoot": bool(item.get("isRoot", True)), "lastReportedTimestamp": stamp,
        "lastStatusChangeTimestamp": stamp if changed else previous["lastStatusChangeTimestamp"],
        "fleetConfigArns": list(item.get("fleetConfigArns") or []),
    }


# -- API ----------------------------------------------------------------------------------------
def summary(device):
    return {"coreDeviceThingName": device.thing_name, "status": device.status,
            "lastStatusUpdateTimestamp": device.last_update, "platform": device.platform,
            "architecture": device.architecture, "runtime": device.runtime}


def list_core_devices(ctx, params):
    st, iot = state.of_ctx(ctx), state.iot_backend(ctx.account, ctx.region)
    if params.get("status") not in (None, "HEALTHY", "UNHEALTHY"):
        raise validation("status must be HEALTHY or UNHEALTHY.")
    group = params.get("thingGroupArn")
    in_group = None if group is None else {name for _, name in members(iot, group)}
    items = [d for d in st.core_devices.values()
             if params.get("status") in (None, d.status) and params.get("runtime") in (None, d.runtime)
             and (in_group is None or d.thing_name in in_group)]
    found, token = page(items, params, render=summary)
    return {"coreDevices": found, "nextToken": token}


def get_core_device(ctx, params):
    device = find(ctx, params["coreDeviceThingName"])
    res = dict(summary(device), coreVersion=device.core_version)
    tags = state.of_ctx(ctx).tags.get(device.arn)
    if tags:
        res["tags"] = dict(tags)
    return res


def delete_core_device(ctx, params):
    st = state.of_ctx(ctx)
    device = find(ctx, params["coreDeviceThingName"])
    del st.core_devices[device.thing_name]
    st.tags.pop(device.arn, None)
    return {}


def _json_list(value):
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        parsed = json.loads(value) if value else []
    except ValueError:
        return [value]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def _effective(device, deployment, execution):
    details = execution.status_details_map
    info = (device.deployment_info.get(deployment.deployment_id) or {}).get("statusDetails") or {}
    stack = _json_list(details.get("deployment-error-stack")) or list(info.get("errorStack") or [])
    types = _json_list(details.get("deployment-error-types")) or list(info.get("errorTypes") or [])
    reason = details.get("deployment-failure-cause") or details.get("detailed-deployment-status") or info.get(
        "failureCause") or info.get("detailedStatus")
    entry = {"deploymentId": deployment.deployment_id, "deploymentName": deployment.name,
             "iotJobId": deployment.job_id, "iotJobArn": deployment.job_arn, "targetArn": deployment.target_arn,
             "coreDeviceExecutionStatus": EXECUTION_STATUS.get(execution.status, execution.status),
             "reason": reason, "creationTimestamp": deployment.created,
             "modifiedTimestamp": round(clock.epoch(execution.last_updated_at), 3)}
    if stack or types:
        entry["statusDetails"] = {"errorStack": stack, "errorTypes": types}
    return entry


def list_effective_deployments(ctx, params):
    st, iot = state.of_ctx(ctx), state.iot_backend(ctx.account, ctx.region)
    device = find(ctx, params["coreDeviceThingName"])
    by_job = {d.job_id: d for d in st.deployments.values()}
    items = [(by_job[job.job_id], execution)
             for job, execution in reversed(jobs.executions_of_thing(iot, device.thing_name))
             if job.job_id in by_job]
    found, token = page(items, params, render=lambda pair: _effective(device, *pair))
    return {"effectiveDeployments": found, "nextToken": token}


def _installed(device, component, by_config):
    item = {k: v for k, v in component.items() if k != "fleetConfigArns" and v is not None}
    sources = [by_config[arn] for arn in component["fleetConfigArns"] if arn in by_config]
    if sources:
        item["lastInstallationSource"] = sources[-1]
    return item


def list_installed_components(ctx, params):
    st = state.of_ctx(ctx)
    device = find(ctx, params["coreDeviceThingName"])
    topology = params.get("topologyFilter") or "ROOT"
    if topology not in ("ROOT", "ALL"):
        raise validation("topologyFilter must be ALL or ROOT.")
    by_config = {d.configuration_arn: d.deployment_id for d in st.deployments.values()}
    items = [c for c in device.components.values() if topology == "ALL" or c["isRoot"]]
    found, token = page(items, params, render=lambda c: _installed(device, c, by_config))
    return {"installedComponents": found, "nextToken": token}


HANDLERS = {
    "ListCoreDevices": list_core_devices,
    "GetCoreDevice": get_core_device,
    "DeleteCoreDevice": delete_core_device,
    "ListEffectiveDeployments": list_effective_deployments,
    "ListInstalledComponents": list_installed_components,
}
