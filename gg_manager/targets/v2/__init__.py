"""Greengrass V2: the same greengrass.yaml as components, deployments to thing groups, client devices.

Pure translations (plain values in, AWS request shapes out, no AWS calls):
  lambda_component, model_component, subscriptions, logs, shadows, connectors, client_devices,
  core_policy, device_role, nucleus_config, deployment, versioning, public_components, runtimes,
  names; rules.py (what `gg validate` checks for a group on V2).
The target, on gg's plan engine:
  lower.py (Spec -> desired.py), listing.py + discover.py (read-only; record.py: the apply record),
  resolve.py (component contents and versions, deployment documents), diff.py (the apply Plan),
  device_files.py (config.yaml), model_artifacts.py (model ZIPs), deploy.py (wait, `gg deploy`,
  `gg status`), destroy.py (`gg remove` as a Plan).

Imports stay lazy here: validating a spec imports this package for rules.py, and must not
import AWS or the plan engine.
"""
from gg_manager.targets.base import Target


class V2Target(Target):
    name = "v2"

    @property
    def local_handlers(self):
        from gg_manager.resources import artifacts, iot, lambda_fn
        from gg_manager.targets.v2 import destroy, device_files, model_artifacts
        return dict(lambda_fn.LOCAL_HANDLERS, **artifacts.LOCAL_HANDLERS, **iot.LOCAL_HANDLERS,
                    **device_files.LOCAL_HANDLERS, **model_artifacts.LOCAL_HANDLERS, **destroy.LOCAL_HANDLERS)

    def lower(self, spec, ctx, only=None):
        from gg_manager.targets.v2.lower import lower
        return lower(spec, ctx, only)

    def lock_names(self, desired):
        return [g.name for g in desired.groups]

    def discover(self, ctx, desired, deploy=False):
        from gg_manager.targets.v2.discover import discover
        return discover(ctx, desired, deploy)

    def diff(self, desired, actual, deploy=False):
        from gg_manager.targets.v2.diff import diff
        return diff(desired, actual, deploy)

    def still_current(self, ctx, desired, actual):
        from gg_manager.targets.v2.recheck import still_current
        return still_current(ctx, desired, actual)

    def existing(self, actual):
        return {name: group.thing_group for name, group in actual.groups.items()}

    def discover_for_destroy(self, ctx, spec, only=None, purge_local=False, everything=False):
        from gg_manager.targets.v2.destroy import discover_for_destroy
        return discover_for_destroy(ctx, spec, only, purge_local, everything)

    def destroy_plan(self, spec, ctx, state):
        from gg_manager.targets.v2.destroy import destroy_plan
        return destroy_plan(spec, ctx, state)

    def started_deployments(self, plan, outcome):
        from gg_manager.targets.v2.deploy import started_deployments
        return started_deployments(plan, outcome)

    def wait_for(self, ctx, started, timeout, out):
        from gg_manager.targets.v2.deploy import wait_for
        return wait_for(ctx, started, timeout, out)

    def deploy(self, ctx, group_names, out):
        from gg_manager.targets.v2.deploy import start_deployments
        return start_deployments(ctx, group_names, out)

    def status(self, ctx, desired, actual, plan):
        from gg_manager.targets.v2.deploy import status_rows
        return status_rows(ctx, desired, actual, plan)


TARGET = V2Target()
