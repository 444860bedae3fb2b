"""Deploy groups and wait: progress as it happens, non-zero unless every deployment succeeded."""
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gg_manager.aws.session import MAX_WORKERS, paginate
from gg_manager.errors import GGError

FINAL = ("Success", "Failure")


@dataclass
class DeployResult:
    group: str
    deployment_id: str = ""
    status: str = ""
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self):
        return self.status == "Success"


def find_groups(ctx, group_names):
    by_name = {}
    for group in paginate(ctx.client("greengrass"), "list_groups", "Groups"):
        by_name.setdefault(group["Name"], group)
    missing = [n for n in group_names if n not in by_name]
    if missing:
        raise GGError("not in AWS yet: group %s; run `gg apply` first" % ", ".join(missing))
    return {n: by_name[n] for n in group_names}


def deploy(ctx, group_names, timeout=300, wait=True, out=None, poll=2.0):
    groups = find_groups(ctx, group_names)
    for name, group in groups.items():
        if not group.get("LatestVersion"):
            raise GGError("group %s has no group version to deploy; run `gg apply` first" % name)

    def one(name):
        group = groups[name]
        gg = ctx.client("greengrass")
        started = time.monotonic()
        dep = gg.create_deployment(GroupId=group["Id"], GroupVersionId=group["LatestVersion"],
                                   DeploymentType="NewDeployment")
        result = DeployResult(name, dep["DeploymentId"], "Building")
        _say(out, "group %s: deployment %s of version %s started" % (
            name, dep["DeploymentId"], group["LatestVersion"]))
        if not wait:
            return result
        last = None
        while True:
            status = gg.get_deployment_status(GroupId=group["Id"], DeploymentId=dep["DeploymentId"])
            result.status = status.get("DeploymentStatus", "")
            result.seconds = time.monotonic() - started
            if result.status != last:
                _say(out, "group %s: %s (%.0fs)" % (name, result.status, result.seconds))
                last = result.status
            if result.status in FINAL:
                if result.status == "Failure":
                    details = "; ".join("%s: %s" % (d.get("DetailedErrorCode", ""), d.get("DetailedErrorMessage", ""))
                                        for d in status.get("ErrorDetails") or [])
                    result.error = " ".join(x for x in (status.get("ErrorMessage"), details) if x)
                    _say(out, "group %s: deployment failed: %s" % (name, result.error or "(no details)"))
                return result
            if result.seconds > timeout:
                result.status, result.error = "Timeout", "still %s after %ds" % (last, timeout)
                _say(out, "group %s: gave up waiting: %s" % (name, result.error))
                return result
            time.sleep(poll)

    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(group_names)))) as pool:
        return list(pool.map(one, group_names))


def latest_deployment(ctx, group_id):
    deps = list(paginate(ctx.client("greengrass"), "list_deployments", "Deployments", GroupId=group_id))
    if not deps:
        return None
    dep = max(deps, key=lambda d: d.get("CreatedAt", ""))
    status = ctx.client("greengrass").get_deployment_status(GroupId=group_id,
                                                            DeploymentId=dep["DeploymentId"])
    return {"id": dep["DeploymentId"], "version": dep.get("GroupArn", "").rsplit("/", 1)[-1],
            "created": dep.get("CreatedAt"), "status": status.get("DeploymentStatus"),
            "error": status.get("ErrorMessage")}


def _say(out, text):
    if out is not None:
        out.write(text + "\n")
        out.flush()
