"""Deployments of V2 groups: wait for each core device to take a revision, `gg deploy`, `gg status` rows.

A deployment to a thing group is a continuous IoT job that stays IN_PROGRESS while it is the
current revision, so "done" is per device: each member of the thing group has a job
execution (iot:DescribeJobExecution: QUEUED, IN_PROGRESS, then SUCCEEDED, FAILED, REJECTED,
TIMED_OUT, CANCELED or REMOVED) and, once its nucleus reported, an effective deployment
(greengrassv2:ListEffectiveDeployments: coreDeviceExecutionStatus, with `reason` and
statusDetails errorStack/errorTypes). A group succeeds when every member's execution
succeeded; it fails with the first device's reason; it times out with what each device
still shows.
"""
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import List

from gg_manager.aws.errors import missing
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.errors import GGError
from gg_manager.plan.execute import resolve
from gg_manager.plan.operations import call, paginate, read
from gg_manager.plan.review import drift_line
from gg_manager.targets.v2 import names
from gg_manager.targets.v2.discover import effective_deployments
from gg_manager.targets.v2.listing import Listing

SUCCEEDED = ("SUCCEEDED",)
FAILED = ("FAILED", "REJECTED", "TIMED_OUT", "CANCELED", "REMOVED")


@dataclass
class DeployResult:
    group: str
    deployment_id: str = ""
    status: str = ""
    error: str = ""
    seconds: float = 0.0
    job_id: str = ""
    thing_group_arn: str = ""
    devices: dict = field(default_factory=dict)      # thing -> its execution status

    @property
    def ok(self):
        return self.status == "SUCCEEDED"


def started_deployments(plan, outcome) -> List[DeployResult]:
    started = []
    for change in plan.changes:
        step = change.steps[0]
        if change.action == "deploy" and step.id in outcome.outputs:
            answer = outcome.outputs[step.id]
            started.append(DeployResult(change.group, answer["deployment_id"], "IN_PROGRESS", job_id=answer["job_id"],
                                        thing_group_arn=resolve(step.params["targetArn"], outcome)))
    return started


def members(ctx, result):
    name = result.thing_group_arn.rsplit("/", 1)[-1]
    return sorted(paginate(ctx, "iot:ListThingsInThingGroup", "things", thingGroupName=name))


def device_state(ctx, result, thing):
    """(execution status, the device's reason) of one member for the deployment: what the nucleus reported
    on its job execution, and what ListEffectiveDeployments says once the device is a core device."""
    execution = missing(read, ctx, "iot:DescribeJobExecution", jobId=result.job_id, thingName=thing)
    status = ((execution or {}).get("execution") or {}).get("status", "QUEUED")
    if status not in FAILED:
        return status, ""
    details = ((execution.get("execution") or {}).get("statusDetails") or {}).get("detailsMap") or {}
    effective = effective_deployments(ctx, [thing], result.deployment_id).get(thing) or {}
    return status, failure_reason(details, effective) or status


def failure_reason(details, effective):
    """The device's words: detailed status and cause (job execution), reason and error stack/types
    (effective deployment, else the execution's JSON lists)."""
    reason = [details.get(k) for k in ("detailed-deployment-status", "deployment-failure-cause") if details.get(k)]
    if effective.get("reason") and effective["reason"] not in reason:
        reason.append(effective["reason"])
    status_details = effective.get("statusDetails") or {}
    errors = (status_details.get("errorStack") or _json_list(details.get("deployment-error-stack")))
    errors += (status_details.get("errorTypes") or _json_list(details.get("deployment-error-types")))
    if errors:
        reason.append("errors: %s" % ", ".join(errors))
    return "; ".join(reason)


def _json_list(text):
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return [text]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def wait_for(ctx, started, timeout=300, out=None, poll=2.0):
    if not started:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(started))) as pool:
        return list(pool.map(lambda result: wait_one(ctx, result, timeout, out, poll), started))


def wait_one(ctx, result, timeout, out, poll):
    """Poll each member of the group's thing group until all succeeded, one failed, or `timeout`."""
    began, shown = time.monotonic(), {}
    things = members(ctx, result)
    if not things:
        result.status, result.error = "NO_DEVICE", "thing group %s has no member" % result.group
        say(out, "group %s: %s" % (result.group, result.error))
        return result
    while True:
        states = {t: device_state(ctx, result, t) for t in things}
        result.devices = {t: s for t, (s, _) in states.items()}
        result.seconds = time.monotonic() - began
        _show_changes(out, result, states, shown)
        if _finished(result, states, timeout):
            if result.error:
                say(out, "group %s: %s: %s" % (result.group, "deployment failed" if result.status == "FAILED"
                                               else "gave up waiting", result.error))
            return result
        time.sleep(poll)


def _show_changes(out, result, states, shown):
    for thing, (status, _) in sorted(states.items()):
        if shown.get(thing) != status:
            say(out, "group %s: core %s %s (%.0fs)" % (result.group, thing, status, result.seconds))
            shown[thing] = status


def _finished(result, states, timeout):
    failed = [(t, r) for t, (s, r) in sorted(states.items()) if s in FAILED]
    if failed:
        result.status, result.error = "FAILED", "; ".join("core %s: %s" % (t, r) for t, r in failed)
    elif all(s in SUCCEEDED for s, _ in states.values()):
        result.status = "SUCCEEDED"
    elif result.seconds > timeout:
        result.status = "TIMEOUT"
        result.error = "after %ds: %s" % (timeout, ", ".join("%s %s" % (t, s) for t, (s, _) in sorted(states.items())))
    else:
        return False
    return True


def start_deployments(ctx, group_names, out=None):
    """`gg deploy`: each group's current revision (what `gg apply` made), deployed again as a new revision
    when it is not running (canceled, or failed on a device), else waited for as it is."""
    listing = Listing.read(ctx, roles=False)

    def one(name):
        arn = listing.thing_groups.get(names.thing_group(name))
        current = listing.deployment(arn) if arn else None
        if current is None:
            raise GGError("group %s has no deployment yet; run `gg apply` first" % name)
        found = read(ctx, "greengrassv2:GetDeployment", deploymentId=current["deploymentId"])
        result = DeployResult(name, current["deploymentId"], "IN_PROGRESS", job_id=found.get("iotJobId", ""),
                              thing_group_arn=arn)
        failed = [t for t, s in ((t, device_state(ctx, result, t)[0]) for t in members(ctx, result)) if s in FAILED]
        if found.get("deploymentStatus") == "ACTIVE" and not failed:
            say(out, "group %s: revision %s is current; waiting for its devices" % (name, current.get("revisionId")))
            return result
        params = {k: found[k] for k in ("targetArn", "deploymentName", "components", "deploymentPolicies",
                                        "iotJobConfiguration", "tags") if found.get(k)}
        made = call(ctx, "greengrassv2:CreateDeployment", params)
        say(out, "group %s: deployment %s started (revision %s again%s)" % (
            name, made["deploymentId"], current.get("revisionId"), ", it failed on %s" % ", ".join(failed)
            if failed else ""))
        return DeployResult(name, made["deploymentId"], "IN_PROGRESS", job_id=made["iotJobId"], thing_group_arn=arn)

    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(group_names)))) as pool:
        return list(pool.map(one, group_names))


def say(out, text):
    if out is not None:
        out.write(text + "\n")
        out.flush()


def status_rows(ctx, desired, actual, plan):
    """Per group: its revision, each core device's status and effective deployment, installed components."""
    rows = []
    for group in desired.groups:
        found = actual.groups[group.name]
        dep = found.deployment or {}
        changes = [c for c in plan.changes if c.group == group.name]
        rows.append({
            "group": group.name, "exists": found.thing_group, "target": "v2",
            "latest_version": dep.get("revisionId"), "deployed_version": dep.get("revisionId"),
            "deployment_status": dep.get("deploymentStatus"), "deployment_error": None,
            "spec_changes_pending": len([c for c in changes if c.cause == "spec"]),
            "drift": [drift_line(c) for c in changes if c.cause == "drift"],
            "deploy_needed": any(c.action == "deploy" for c in changes),
            "devices": [device_row(ctx, actual, found, group.core.thing)]})
    return rows


def device_row(ctx, actual, found, thing):
    effective = found.effective.get(thing) or {}
    installed = missing(lambda: list(paginate(ctx, "greengrassv2:ListInstalledComponents", "installedComponents",
                                              coreDeviceThingName=thing))) or []
    return {"thing": thing, "status": (actual.core_devices.get(thing) or {}).get("status"),
            "deployment": effective.get("coreDeviceExecutionStatus"), "reason": effective.get("reason"),
            "components": [{"name": c.get("componentName"), "version": c.get("componentVersion"),
                            "state": c.get("lifecycleState")} for c in installed]}
