"""Greengrass V1: groups, definition versions, deployments (and bulk deployments for rollouts).

kinds.py      the seven definition kinds, one table
lower.py      Spec -> DesiredGroup/Desired (the API's own shapes)
discover.py   what AWS holds (read-only); record.py: what gg applied, to read less
diff.py       desired vs actual -> the apply Plan
destroy.py, destroy_shared.py, removal.py, usage.py   the destroy Plan (what `gg remove` runs)
device_files.py   config.json for the core device (a local plan step)
deploy.py     deployments: start, wait; `gg status` rows
rollout/      `gg rollout`: waves of bulk deployments
"""
from gg_manager.resources import artifacts, iot, lambda_fn
from gg_manager.targets.base import Target
from gg_manager.targets.v1 import deploy as deployments
from gg_manager.targets.v1 import device_files


class V1Target(Target):
    name = "v1"
    local_handlers = dict(lambda_fn.LOCAL_HANDLERS, **artifacts.LOCAL_HANDLERS, **iot.LOCAL_HANDLERS,
                          **device_files.LOCAL_HANDLERS)

    def lower(self, spec, ctx, only=None):
        from gg_manager.targets.v1.lower import lower
        return lower(spec, ctx, only)

    def lock_names(self, desired):
        return [g.name for g in desired.groups]

    def discover(self, ctx, desired, deploy=False):
        from gg_manager.targets.v1.discover import discover
        return discover(ctx, desired, deploy)

    def diff(self, desired, actual, deploy=False):
        from gg_manager.targets.v1.diff import diff
        return diff(desired, actual, deploy)

    def still_current(self, ctx, desired, actual):
        from gg_manager.targets.v1.recheck import still_current
        return still_current(ctx, desired, actual)

    def existing(self, actual):
        return {name: bool(group.group) for name, group in actual.groups.items()}

    def discover_for_destroy(self, ctx, spec, only=None, purge_local=False, everything=False):
        from gg_manager.targets.v1.destroy import discover_for_destroy
        return discover_for_destroy(ctx, spec, only, purge_local, everything)

    def destroy_plan(self, spec, ctx, state):
        from gg_manager.targets.v1.destroy import destroy_plan
        return destroy_plan(spec, ctx, state)

    def started_deployments(self, plan, outcome):
        started = []
        for change in plan.changes:
            if change.action == "deploy" and change.steps[0].id in outcome.outputs:
                step = change.steps[0]
                from gg_manager.plan.execute import resolve
                group_id = resolve(step.params["GroupId"], outcome)
                started.append(deployments.DeployResult(change.group, outcome.outputs[step.id]["deployment_id"],
                                                        "Building", group_id=group_id))
        return started

    def wait_for(self, ctx, started, timeout, out):
        return deployments.wait_for(ctx, started, timeout, out)

    def deploy(self, ctx, group_names, out):
        return deployments.start_deployments(ctx, group_names, out)

    def status(self, ctx, desired, actual, plan):
        return deployments.status_rows(desired, actual, plan)


TARGET = V1Target()
