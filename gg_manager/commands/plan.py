"""`gg plan`, `gg apply`, `gg create`, `gg update`: show and apply the difference."""
import sys

from gg_manager.commands.common import (add_common_options, add_lock_options, compute_plan, context,
                                        load_valid_spec)
from gg_manager.errors import GGError
from gg_manager.reconcile.plan import Plan, render_json, render_markdown, render_text

RENDER = {"text": render_text, "markdown": render_markdown, "json": render_json}


def register(sub):
    p = sub.add_parser("plan", help="show what apply would change",
                       description="Read AWS (read-only) and print the difference to the spec.",
                       epilog="Example: gg plan --format markdown --detailed-exitcode --out plan.json")
    add_common_options(p)
    p.add_argument("--format", choices=sorted(RENDER), default="text")
    p.add_argument("--detailed-exitcode", action="store_true",
                   help="exit 0 when nothing would change, 2 when something would, 1 on error")
    p.add_argument("--out", metavar="FILE", help="save the plan; `gg apply FILE` runs exactly it")
    p.set_defaults(func=run_plan)
    for name, help_text, mode in (
            ("apply", "make AWS match the spec (create or update)", None),
            ("create", "first provisioning: like apply, refuses groups that already exist", "create"),
            ("update", "like apply, refuses groups that do not exist yet", "update")):
        p = sub.add_parser(name, help=help_text, description=help_text.capitalize() + ".",
                           epilog="Example: gg %s -f greengrass.yaml%s" % (
                               name, " plan.json" if name == "apply" else ""))
        add_common_options(p)
        if name == "apply":
            p.add_argument("plan_file", nargs="?", metavar="PLAN",
                           help="a plan saved by `gg plan --out`; refused if AWS or the spec changed since")
        add_lock_options(p)
        p.add_argument("--deploy", action="store_true", help="deploy the changed groups and wait")
        p.add_argument("--timeout", type=int, default=300, help="deployment wait, seconds")
        p.set_defaults(func=run_apply, mode=mode)


def run_plan(args):
    spec = load_valid_spec(args)
    ctx = context(args)
    _, _, plan = compute_plan(ctx, spec)
    print(RENDER[args.format](plan))
    if args.out:
        plan.save(args.out)
        print("saved plan to %s" % args.out, file=sys.stderr)
    if args.detailed_exitcode and not plan.empty:
        return 2
    return 0


def run_apply(args):
    """Plan without a lock (a no-op apply writes nothing, not even a lock); when there is work,
    take the groups' locks, plan again under them, and execute that plan."""
    from gg_manager.locking import held_locks
    spec = load_valid_spec(args)
    ctx = context(args)
    desired, actual, plan = compute_plan(ctx, spec)
    _check_mode(args.mode, actual)
    saved = Plan.load(args.plan_file) if getattr(args, "plan_file", None) else None
    if saved:
        _check_saved(saved, plan, args.plan_file)
    if plan.empty:
        print(render_text(plan))
        _write_configs(ctx, desired)
        return _maybe_deploy(args, ctx, plan)
    with held_locks(ctx, [g.name for g in spec.groups], "gg apply", args.lock_timeout, out=sys.stdout):
        desired, actual, locked_plan = compute_plan(ctx, spec)
        if saved:
            _check_saved(saved, locked_plan, args.plan_file)
            locked_plan = saved
        elif locked_plan.fingerprint != plan.fingerprint:
            print("AWS changed while waiting for the lock; planned again.")
        plan = locked_plan
        print(render_text(plan))
        if not plan.empty:
            print("")
            from gg_manager.reconcile.execute import execute
            execute(ctx, plan)
        _write_configs(ctx, desired)
        if not plan.empty:
            print("Apply complete.%s" % (" Deploy with `gg deploy`." if plan.deploy_needed and not args.deploy
                                         else ""))
    return _maybe_deploy(args, ctx, plan)


def _check_saved(saved, plan, path):
    if saved.fingerprint != plan.fingerprint:
        raise GGError("AWS changed since %s was made; run `gg plan` again" % path)
    if [vars(s) for s in saved.steps] != [vars(s) for s in plan.steps] or saved.digests != plan.digests:
        raise GGError("the spec or the code it packages changed since %s was made; "
                      "run `gg plan` again" % path)


def _write_configs(ctx, desired):
    from gg_manager.reconcile.core_files import write_core_configs
    from gg_manager.reconcile.discover import iot_data_endpoint
    write_core_configs(ctx, desired, iot_data_endpoint(ctx), sys.stdout)


def _maybe_deploy(args, ctx, plan):
    if args.deploy and plan.deploy_needed:
        from gg_manager.commands.deploy import deploy_and_report
        return deploy_and_report(ctx, plan.deploy_needed, args.timeout, lock_timeout=args.lock_timeout)
    return 0


def _check_mode(mode, actual):
    existing = sorted(n for n, g in actual.groups.items() if g.group)
    absent = sorted(n for n, g in actual.groups.items() if not g.group)
    if mode == "create" and existing:
        raise GGError("already created: group %s; use `gg update` or `gg apply`" % ", ".join(existing))
    if mode == "update" and absent:
        raise GGError("not created yet: group %s; use `gg create` or `gg apply`" % ", ".join(absent))
