"""Under the lock: is what discovery read before the lock still what AWS holds, as far as another gg
run could have changed it? Every gg apply that changes a group writes a deployment revision (or
the apply record), and every new component version shows in the component list, so those lists
and the record answer it without discovering the fleet again."""
from gg_manager.plan.operations import paginate
from gg_manager.resources.artifacts import read_record


def still_current(ctx, desired, actual) -> bool:
    if read_record(ctx, desired.record_bucket, desired.record_key) != actual.record:
        return False
    deployments = {d["targetArn"]: d.get("deploymentId") for d in paginate(
        ctx, "greengrassv2:ListDeployments", "deployments", historyFilter="LATEST_ONLY")}
    for group in desired.groups:
        before = actual.groups[group.name].deployment
        if deployments.get(group.thing_group_arn) != (before or {}).get("deploymentId"):
            return False
    latest = {c["componentName"]: (c.get("latestVersion") or {}).get("componentVersion")
              for c in paginate(ctx, "greengrassv2:ListComponents", "components", scope="PRIVATE")}
    for name, found in actual.components.items():
        if latest.get(name) not in found.versions:
            return False
    return all(name not in latest for name in _wanted(desired) if name not in actual.components)


def _wanted(desired):
    from gg_manager.targets.v2 import names
    return set(desired.functions) | set(desired.unmanaged) | {names.model_component(k) for k in desired.models}
