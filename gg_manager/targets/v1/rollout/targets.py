"""Which group version each group gets: its latest (rollout) or its previous (rollback).

The previous version of a group is the one it ran before its latest group version was
deployed: walking the group's deployments (ListDeployments) back from the newest, the
newest *successful* deployment of another version. A group is only rolled back when its
newest deployment is of its latest group version, i.e. when the rollout reached it (a
group a halted rollout never reached is left alone, and a second `--rollback` does
nothing). A group with no earlier successful deployment of another version is skipped,
with the reason.
"""
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gg_manager.aws.session import MAX_WORKERS, paginate
from gg_manager.errors import GGError
from gg_manager.targets.v1.deploy import find_groups

_VERSION = re.compile(r"/groups/([^/]+)/versions/([^/]+)$")
DEPLOY_TYPES = ("NewDeployment", "Redeployment")


@dataclass
class Target:
    group: str
    group_id: str
    version: str = ""      # the group version to deploy; empty when skipped
    skipped: str = ""      # why there is nothing to deploy


def rollout_targets(ctx, names):
    found = find_groups(ctx, names)
    missing = [n for n in names if not found[n].get("LatestVersion")]
    if missing:
        raise GGError("group %s has no group version to deploy; run `gg apply` first" % ", ".join(missing))
    return [Target(n, found[n]["Id"], found[n]["LatestVersion"]) for n in names]


def version_of(deployment):
    match = _VERSION.search(deployment.get("GroupArn") or "")
    return match.group(2) if match else ""


def rollback_target(ctx, name, group):
    gg = ctx.client("greengrass")
    deps = list(paginate(gg, "list_deployments", "Deployments", GroupId=group["Id"]))
    deps = [d for _, d in sorted(enumerate(deps), key=lambda p: (p[1].get("CreatedAt", ""), p[0]))
            if d.get("DeploymentType") in DEPLOY_TYPES]
    target = Target(name, group["Id"])
    if not deps:
        target.skipped = "never deployed"
        return target
    current = version_of(deps[-1])
    if current != group.get("LatestVersion"):
        target.skipped = "its latest version %s is not deployed (deployed: %s); nothing to roll back" % (
            group.get("LatestVersion"), current or "?")
        return target
    for dep in reversed(deps[:-1]):
        version = version_of(dep)
        if not version or version == current:
            continue
        status = gg.get_deployment_status(GroupId=group["Id"], DeploymentId=dep["DeploymentId"])
        if status.get("DeploymentStatus") == "Success":
            target.version = version
            return target
    target.skipped = "no earlier successful deployment of another version"
    return target


def rollback_targets(ctx, names):
    found = find_groups(ctx, names)
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(names)))) as pool:
        return list(pool.map(lambda n: rollback_target(ctx, n, found[n]), names))
