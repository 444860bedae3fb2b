"""What a target (Greengrass V1, Greengrass V2, ...) provides to the plan engine and the workflow.

A target turns the target-neutral Spec into its own resources and plans them; everything
else (rendering, saved plans, the executor, locks, sensitive values, the CLI) is shared.
Implement a subclass in gg_manager/targets/<name>/__init__.py as `TARGET = MyTarget()`.

    desired = target.lower(spec, ctx, only)            # local work only (zips, model digests)
    actual  = target.discover(ctx, desired, deploy)     # reads AWS, never writes
    plan    = target.diff(desired, actual, deploy)      # pure: a numbered Plan
    ...     = target.still_current(ctx, desired, actual)  # under the lock: cheap re-check
    state   = target.discover_for_destroy(ctx, spec, only, purge_local, everything)
    plan    = target.destroy_plan(spec, ctx, state)     # pure: a numbered Plan, mode "destroy"

Plans are made of gg_manager.plan.model Changes and Steps; a target's local operations
(e.g. local:GenerateKey) are registered in `local_handlers`. Helpers for what every target
shares (Lambda functions, IAM roles, S3 artifacts, IoT core devices) are in
gg_manager/resources/.
"""


class Target:
    name = ""
    local_handlers = {}               # {"local:Name": function(**params) -> {output: value}}

    def lower(self, spec, ctx, only=None):
        """Spec -> the target's desired state for the groups named in `only` (all when None)."""
        raise NotImplementedError

    def lock_names(self, desired):
        """The names to lock while applying (one lock per name)."""
        raise NotImplementedError

    def discover(self, ctx, desired, deploy=False):
        """What exists in AWS for `desired`; with `deploy`, also what each group runs now."""
        raise NotImplementedError

    def diff(self, desired, actual, deploy=False):
        """The apply Plan (numbered: plan.number(check=operations.check))."""
        raise NotImplementedError

    def still_current(self, ctx, desired, actual):
        """True when `actual` (read before the locks were taken) is still what AWS holds, as far as
        gg runs could have changed it; False makes the workflow discover and diff again."""
        raise NotImplementedError

    def existing(self, actual):
        """{group name: True when it exists in AWS} (for `gg create` / `gg update`)."""
        raise NotImplementedError

    def discover_for_destroy(self, ctx, spec, only=None, purge_local=False, everything=False):
        raise NotImplementedError

    def destroy_plan(self, spec, ctx, state):
        raise NotImplementedError

    def started_deployments(self, plan, outcome):
        """What the plan's deploy changes started (to wait for): target-specific values."""
        raise NotImplementedError

    def wait_for(self, ctx, started, timeout, out):
        """Wait for started deployments; results with .group, .ok, .status, .error."""
        raise NotImplementedError

    def deploy(self, ctx, group_names, out):
        """Start deploying the groups' current versions (`gg deploy`); returns started deployments."""
        raise NotImplementedError

    def status(self, ctx, desired, actual, plan):
        """Rows for `gg status`: dicts with group, exists, latest_version, deployed_version, ..."""
        raise NotImplementedError
