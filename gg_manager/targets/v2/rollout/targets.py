"""Which revision each V2 group gets: the spec's new one (rollout) or its previous one (rollback).

Rollout: gg's own plan of the groups (`gg plan --deploy`), which must hold nothing but
deployments (`gg apply --no-deploy` made the rest): each group's pending CreateDeployment is
what the rollout sends, under the same name (the digest of the document), so `gg plan`
afterwards finds every reached group current. A group with no pending deployment is skipped
("revision N is current").

Rollback: the previous revision of a group is found in its deployment history
(ListDeployments targetArn=its thing group, historyFilter=ALL): walking back from the current
revision by revisionId, the newest deployment gg made (its name) of another document (the
digest in the name) that SUCCEEDED on each member device that ran it
(ListEffectiveDeployments); GetDeployment gives its components and policies, deployed again as
a new revision. A group is rolled back only when its current revision is the spec's (the
rollout reached it), so a second --rollback does nothing; other groups are skipped with the
reason.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

from gg_manager import workflow
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.errors import GGError
from gg_manager.plan.operations import paginate, read
from gg_manager.targets.v2 import TARGET, names
from gg_manager.targets.v2.deploy import SUCCEEDED
from gg_manager.targets.v2.discover import effective_deployments
from gg_manager.targets.v2.versioning import digest_in_description

KEPT = ("targetArn", "deploymentName", "components", "deploymentPolicies")


@dataclass
class Target:
    group: str
    thing_group_arn: str = ""
    request: Optional[dict] = None    # the CreateDeployment to send; None when skipped
    skipped: str = ""                 # why there is nothing to deploy
    revision: str = ""                # what the request deploys, for the report

    @property
    def version(self):
        """What the wave loop deploys (the V1 loop's name for it); empty when skipped."""
        return self.revision if self.request else ""


def rollout_targets(ctx, spec, group_names):
    planned = workflow.plan(ctx, spec, group_names, deploy=True, target=TARGET)
    pending = [c for c in planned.plan.changes if c.action != "deploy"]
    if pending:
        shown = ["%s %s %s" % (c.action, c.kind, c.name) for c in pending[:3]]
        raise GGError("%d change%s besides deployments pending (%s%s); run `gg apply --no-deploy` first, then "
                      "`gg rollout`" % (len(pending), "" if len(pending) == 1 else "s", "; ".join(shown),
                                        "; ..." if len(pending) > 3 else ""))
    deploys = {c.group: c.steps[0].params for c in planned.plan.changes if c.action == "deploy"}
    targets = []
    for group in planned.desired.groups:
        current = planned.actual.groups[group.name].deployment or {}
        target = Target(group.name, group.thing_group_arn)
        if group.name in deploys:
            target.request = dict(deploys[group.name])
            target.revision = "new revision (%s)" % _short(target.request["deploymentName"])
        else:
            target.skipped = "revision %s is current" % current.get("revisionId", "?")
        targets.append(target)
    return targets


def rollback_targets(ctx, spec, group_names):
    planned = workflow.plan(ctx, spec, group_names, target=TARGET)
    wanted = {c.group: digest_in_description(c.steps[0].params["deploymentName"])
              for c in planned.plan.changes if c.action == "deploy"}

    def one(group):
        current = planned.actual.groups[group.name].deployment
        target = Target(group.name, group.thing_group_arn)
        if not current:
            target.skipped = "never deployed"
            return target
        found = digest_in_description(current.get("deploymentName"))
        if group.name in wanted and found != wanted[group.name]:
            target.skipped = "its revision %s is not the spec's (the rollout did not reach it); nothing to roll " \
                             "back" % current.get("revisionId")
            return target
        return previous_revision(ctx, target, current, found)

    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(planned.desired.groups)))) as pool:
        return list(pool.map(one, planned.desired.groups))


def history(ctx, thing_group_arn):
    """Every deployment of the thing group, newest revision first."""
    found = paginate(ctx, "greengrassv2:ListDeployments", "deployments", targetArn=thing_group_arn,
                     historyFilter="ALL")
    return sorted(found, key=lambda d: int(d.get("revisionId") or 0), reverse=True)


def previous_revision(ctx, target, current, current_digest):
    prefix = names.deployment_prefix(target.group)
    things = sorted(paginate(ctx, "iot:ListThingsInThingGroup", "things",
                             thingGroupName=target.thing_group_arn.rsplit("/", 1)[-1]))
    for dep in history(ctx, target.thing_group_arn):
        if int(dep.get("revisionId") or 0) >= int(current.get("revisionId") or 0):
            continue
        name = dep.get("deploymentName") or ""
        if not name.startswith(prefix) or digest_in_description(name) in (None, current_digest):
            continue
        if succeeded(ctx, things, dep["deploymentId"]):
            found = read(ctx, "greengrassv2:GetDeployment", deploymentId=dep["deploymentId"])
            target.request = {k: found[k] for k in KEPT if found.get(k)}
            target.request["tags"] = {k: v for k, v in (found.get("tags") or {}).items() if k != "gg:rollout"}
            target.revision = "revision %s again (%s)" % (dep.get("revisionId"), _short(name))
            return target
    target.skipped = "no earlier revision gg made that succeeded on its devices"
    return target


def succeeded(ctx, things, deployment_id):
    """The deployment SUCCEEDED on every member that ran it, and ran on at least one."""
    ran = effective_deployments(ctx, things, deployment_id)
    return bool(ran) and all(e.get("coreDeviceExecutionStatus") in SUCCEEDED for e in ran.values())


def _short(deployment_name):
    digest = digest_in_description(deployment_name)
    return "sha256:%s" % digest[:12] if digest else deployment_name
