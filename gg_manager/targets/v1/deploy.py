"""Deployments of V1 groups: start them (`gg deploy`), wait for each until Success, Failure (with
the ErrorDetails its core reported) or the timeout, showing progress as it comes; `gg status` rows."""
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gg_manager.aws.session import MAX_WORKERS
from gg_manager.errors import GGError
from gg_manager.plan.operations import call, paginate, read
from gg_manager.plan.review import drift_line

FINAL = ("Success", "Failure")


@dataclass
class DeployResult:
    group: str
    deployment_id: str = ""
    status: str = ""
    error: str = ""
    seconds: float = 0.0
    group_id: str = ""

    @property
    def ok(self):
        return self.status == "Success"


def find_groups(ctx, group_names):
    by_name = {}
    for group in paginate(ctx, "greengrass:ListGroups", "Groups"):
        by_name.setdefault(group["Name"], group)
    missing = [n for n in group_names if n not in by_name]
    if missing:
        raise GGError("not in AWS yet: group %s; run `gg apply` first" % ", ".join(missing))
    return {n: by_name[n] for n in group_names}


def start_deployments(ctx, group_names, out=None):
    """A NewDeployment of each group's latest version (what `gg deploy` does)."""
    groups = find_groups(ctx, group_names)
    for name, group in groups.items():
        if not group.get("LatestVersion"):
            raise GGError("group %s has no group version to deploy; run `gg apply` first" % name)

    def one(name):
        group = groups[name]
        dep = call(ctx, "greengrass:CreateDeployment", {"GroupId": group["Id"], "GroupVersionId": group["LatestVersion"],
                                                        "DeploymentType": "NewDeployment"})
        say(out, "group %s: deployment %s of version %s started" % (name, dep["DeploymentId"], group["LatestVersion"]))
        return DeployResult(name, dep["DeploymentId"], "Building", group_id=group["Id"])

    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(group_names)))) as pool:
        return list(pool.map(one, group_names))


def wait_for(ctx, started, timeout=300, out=None, poll=2.0):
    """Poll each started deployment (DeployResult) until it is final or `timeout` seconds passed."""
    def one(result):
        began, last = time.monotonic(), None
        while True:
            status = read(ctx, "greengrass:GetDeploymentStatus", GroupId=result.group_id,
                          DeploymentId=result.deployment_id)
            result.status = status.get("DeploymentStatus", "")
            result.seconds = time.monotonic() - began
            if result.status == "Failure":
                result.error = _error_text(status) or "(no details)"
                say(out, "group %s: Failure (%.0fs): %s" % (result.group, result.seconds, result.error))
                return result
            if result.status != last:
                say(out, "group %s: %s (%.0fs)" % (result.group, result.status, result.seconds))
                last = result.status
            if result.status in FINAL:
                return result
            if result.seconds > timeout:
                result.status, result.error = "Timeout", "still %s after %ds" % (last, timeout)
                say(out, "group %s: gave up waiting: %s" % (result.group, result.error))
                return result
            time.sleep(poll)

    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(started)))) as pool:
        return list(pool.map(one, started))


def _error_text(status):
    """ErrorMessage with its ErrorDetails, each text once: a core often repeats the message as the
    detail (`cannot read s3://... [ArtifactDownloadFailure]`)."""
    message = status.get("ErrorMessage") or ""
    details = []
    for d in status.get("ErrorDetails") or []:
        code, text = d.get("DetailedErrorCode", ""), d.get("DetailedErrorMessage", "")
        if text and text in message:
            text = ""
        details.append(": ".join(x for x in (code, text) if x))
    details = [d for d in details if d]
    if not message:
        return "; ".join(details)
    return message + (" [%s]" % "; ".join(details) if details else "")


def say(out, text):
    if out is not None:
        out.write(text + "\n")
        out.flush()

def status_rows(desired, actual, plan):
    rows = []
    for group in desired.groups:
        found = actual.groups[group.name]
        dep = found.deployment
        pending = [c for c in plan.changes if c.group == group.name and c.action != "deploy"]
        rows.append({
            "group": group.name, "exists": bool(found.group),
            "latest_version": found.group.get("LatestVersion") if found.group else None,
            "deployed_version": dep["version"] if dep else None,
            "deployment_status": dep["status"] if dep else None,
            "deployment_error": dep["error"] if dep else None,
            "spec_changes_pending": len([c for c in pending if c.cause == "spec"]),
            "drift": [drift_line(c) for c in pending if c.cause == "drift"],
            "deploy_needed": bool(found.group) and group.name in plan.deploy_needed,
        })
    return rows
