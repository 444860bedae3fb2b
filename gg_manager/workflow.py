"""plan / apply / destroy / deploy / status, usable from Python (the CLI's commands only parse
arguments and print what these return).

    ctx = connect(region="us-east-1")
    spec = load_spec("greengrass.yaml").spec
    planned = plan(ctx, spec)                       # Planned(desired, actual, plan)
    result = apply(ctx, spec, out=sys.stdout)       # plans, locks, re-checks, executes
    removed = destroy(ctx, spec, confirm=lambda plan: True)

`out` receives progress lines (the plan before it runs, each change as it is made,
deployment progress), with the spec's sensitive values redacted. Errors a user can act
on raise GGError.
"""
import sys
from dataclasses import dataclass, field
from typing import List, Optional

from gg_manager.errors import GGError
from gg_manager.locking import held_locks
from gg_manager.plan import saved as saved_plans
from gg_manager.plan.execute import Executor, Outcome
from gg_manager.plan.model import Plan
from gg_manager.plan.render import plan_json, render_text
from gg_manager.plan.sensitive import redact, redacting
from gg_manager.targets import DEFAULT, get_target


@dataclass
class Planned:
    desired: object
    actual: object
    plan: Plan


@dataclass
class ApplyResult:
    plan: Plan
    outcome: Optional[Outcome] = None
    deployments: List = field(default_factory=list)      # deployment results when deploying
    confirmed: bool = True

    @property
    def deployed(self):
        return [d for d in self.deployments if d.ok]


@dataclass
class DestroyResult:
    plan: Plan
    outcome: Optional[Outcome] = None
    confirmed: bool = True

    def counts(self):
        """(changes carried out, changes whose resources AWS said were already gone)."""
        if not self.outcome:
            return 0, 0
        gone = sum(1 for c in self.plan.changes if all(s.id in self.outcome.done for s in c.steps))
        return len(self.plan.changes) - gone, gone


def target_of(spec, only=None):
    """The target the spec's groups (those in `only`, when given) deploy to: one per run."""
    groups = [g for g in spec.groups if only is None or g.name in set(only)]
    found = sorted({g.target for g in groups})
    if len(found) > 1:
        by = {t: [g.name for g in groups if g.target == t] for t in found}
        raise GGError("one run deploys to one target: %s; run gg once per target with --group, or pass "
                      "--target" % "; ".join("%s target %s" % (", ".join(by[t][:3]) + (", ..." if len(by[t]) > 3
                                                                                      else ""), t) for t in found))
    return get_target(found[0] if found else DEFAULT)


class Failed(GGError):
    """An apply or remove that stopped part-way: the message, and `result` (what was done, what failed)."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


def change_results(plan_, outcome):
    """Per change of the plan, what became of it: result "done", "already done", "failed" or "not run"."""
    failed = {exc.step.id for exc in outcome.failures.values()} if outcome else set()
    rows = []
    for change in plan_.all_changes():
        ids = [s.id for s in change.steps]
        if outcome and all(i in outcome.done for i in ids):
            state = "already done"
        elif outcome and all(i in outcome.outputs or i in outcome.done for i in ids):
            state = "done"
        else:
            state = "failed" if failed.intersection(ids) else "not run"
        rows.append({"action": change.action, "kind": change.kind, "name": change.name, "group": change.group,
                     "result": state})
    return rows


def plan(ctx, spec, only=None, deploy=False, target=None, hold=False) -> Planned:
    """Read AWS (read-only) and compute what apply would do (`hold`: all but the deployments)."""
    target = target or target_of(spec, only)
    desired = target.lower(spec, ctx, only)
    actual = target.discover(ctx, desired, deploy)
    return Planned(desired, actual, _held(target.diff(desired, actual, deploy), hold))


def _held(plan_, hold):
    """`--no-deploy`: the plan without its deployments (Greengrass V2's new revisions, left to
    `gg rollout`); the groups that then need one are in deploy_needed."""
    deploys = [c for c in plan_.changes if c.action == "deploy"]
    if not (hold and deploys):
        return plan_
    plan_.changes = [c for c in plan_.changes if c.action != "deploy"]
    plan_.deploy_needed = sorted(set(plan_.deploy_needed) | {c.group or c.name for c in deploys})
    return plan_.number()


def _show(out, text):
    """Write a plan's text and its newline apart: `text + "\n"` copies it (MBs for a fleet's plan)."""
    out.write(text)
    out.write("\n")


def check_mode(mode, target, actual):
    """`gg create` refuses groups that exist, `gg update` groups that do not."""
    exists = target.existing(actual)
    present = sorted(n for n, e in exists.items() if e)
    absent = sorted(n for n, e in exists.items() if not e)
    if mode == "create" and present:
        raise GGError("already created: group %s; use `gg update` or `gg apply`" % ", ".join(present))
    if mode == "update" and absent:
        raise GGError("not created yet: group %s; use `gg create` or `gg apply`" % ", ".join(absent))


def apply(ctx, spec, only=None, deploy=False, saved=None, saved_path="", mode=None, lock_timeout=60,
          timeout=300, sensitive=frozenset(), out=sys.stdout, target=None, confirm=None, hold=False) -> ApplyResult:
    """Plan without a lock (a no-op apply writes nothing, not even a lock) and show the plan; when
    there is work, ask `confirm(plan)` (when given), take the groups' locks, re-check what the plan
    read, and execute exactly the plan shown. A saved plan (`saved`) must be the same as a fresh one.
    `hold`: everything but the deployments (`gg apply --no-deploy`, then `gg rollout`)."""
    if hold and deploy:
        raise GGError("--deploy and --no-deploy exclude each other")
    target = target or target_of(spec, only)
    out = redacting(out, sensitive)
    planned = plan(ctx, spec, only, deploy, target, hold)
    check_mode(mode, target, planned.actual)
    if saved is not None:
        saved_plans.check_same(saved, planned.plan, saved_path, sensitive)
    _show(out, render_text(planned.plan))
    if planned.plan.empty:
        return ApplyResult(planned.plan)
    if confirm is not None and not confirm(planned.plan):
        return ApplyResult(planned.plan, confirmed=False)
    approved = _compared(planned.plan, sensitive) if confirm is not None else None
    with held_locks(ctx, target.lock_names(planned.desired), "gg apply", lock_timeout, out=out):
        if not target.still_current(ctx, planned.desired, planned.actual):
            planned = _plan_again(ctx, target, planned, deploy, saved, saved_path, approved, sensitive, out, hold)
            if planned.plan.empty:
                return ApplyResult(planned.plan)
        result = _execute(ctx, target, planned.plan, out, "apply", sensitive)
    if deploy:
        started = target.started_deployments(result.plan, result.outcome) if result.outcome else []
        result.deployments = target.wait_for(ctx, started, timeout, out) if started else []
    return result


def _plan_again(ctx, target, planned, deploy, saved, saved_path, approved, sensitive, out, hold=False) -> Planned:
    """Under the locks, AWS having changed since the plan was read: the fresh plan, when it may run.
    A saved plan must still be the same; a plan the user approved (`approved`) too, unless there is
    nothing left to do."""
    actual = target.discover(ctx, planned.desired, deploy)
    fresh = Planned(planned.desired, actual, _held(target.diff(planned.desired, actual, deploy), hold))
    if saved is not None:
        saved_plans.check_same(saved, fresh.plan, saved_path, sensitive)
    elif approved is not None and not fresh.plan.empty and _compared(fresh.plan, sensitive) != approved:
        raise GGError("AWS changed while waiting for the lock, and the plan is no longer the one you approved; "
                      "nothing was done: run `gg apply` again to see the new plan")
    out.write("AWS changed while waiting for the lock; planned again:\n%s\n" % render_text(fresh.plan))
    return fresh


def _compared(plan_, sensitive):
    """What must not change between the plan shown and the plan run (AWS's fingerprint may)."""
    data = plan_json(plan_, sensitive)
    return {k: data[k] for k in saved_plans.COMPARED}


def _execute(ctx, target, plan_, out, verb, sensitive=frozenset()) -> ApplyResult:
    out.write("\n")
    outcome = Executor(ctx, target.local_handlers, out).run(plan_)
    if not outcome.ok:
        raise Failed(redact(failure_message(outcome, verb), sensitive), ApplyResult(plan_, outcome))
    out.write("Apply complete.%s\n" % (" Deploy with `gg deploy` or `gg rollout`." if plan_.deploy_needed and
                                        not any(c.action == "deploy" for c in plan_.changes) else ""))
    return ApplyResult(plan_, outcome)


def failure_message(outcome, verb):
    """What failed; "run it again" only when running again can help (every failure was transient)."""
    lines = ["%s: %s" % ("group %s" % scope if scope else "shared", exc) for scope, exc in
             sorted(outcome.failures.items())]
    if all(exc.transient for exc in outcome.failures.values()):
        head = ("apply failed; re-run `gg apply` to finish:" if verb == "apply" else
                "%s did not finish; run `gg %s` again to finish:" % (verb, verb))
    else:
        head = "%s stopped (nothing after these steps was done; running it again fails the same way " \
               "until the cause is fixed):" % verb
    return head + "\n  " + "\n  ".join(lines)


def destroy_plan(ctx, spec, only=None, purge_local=False, everything=False, target=None) -> Plan:
    """What `gg remove` would delete (read-only)."""
    target = target or target_of(spec, only)
    state = target.discover_for_destroy(ctx, spec, only, purge_local, everything)
    return target.destroy_plan(spec, ctx, state)


def destroy(ctx, spec, only=None, purge_local=False, everything=False, confirm=None, sensitive=frozenset(),
            out=sys.stdout, target=None) -> DestroyResult:
    """Plan the removal, show it, ask `confirm(plan)` (when given), and run exactly that plan."""
    target = target or target_of(spec, only)
    out = redacting(out, sensitive)
    plan_ = destroy_plan(ctx, spec, only, purge_local, everything, target)
    _show(out, render_text(plan_))
    if plan_.empty:
        return DestroyResult(plan_)
    if confirm is not None and not confirm(plan_):
        return DestroyResult(plan_, confirmed=False)
    out.write("\n")
    outcome = Executor(ctx, target.local_handlers, out).run(plan_)
    result = DestroyResult(plan_, outcome)
    if not outcome.ok:
        raise Failed(redact(failure_message(outcome, "remove"), sensitive), result)
    return result


def deploy(ctx, group_names, timeout=300, wait=True, lock_timeout=60, out=sys.stdout, target=None, spec=None):
    """Deploy the groups' latest versions (holding their locks) and wait; the results. The target is
    `target`, else the one `spec`'s groups name."""
    target = target or (target_of(spec, group_names) if spec is not None else get_target())
    with held_locks(ctx, group_names, "gg deploy", lock_timeout, out=out):
        started = target.deploy(ctx, group_names, out)
        return target.wait_for(ctx, started, timeout, out) if wait else started


def status(ctx, spec, target=None):
    """Per group: latest version, what is deployed, changes pending, drift."""
    target = target or target_of(spec)
    planned = plan(ctx, spec, deploy=True, target=target)
    return target.status(ctx, planned.desired, planned.actual, planned.plan)
