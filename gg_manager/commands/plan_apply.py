"""`gg plan`, `gg apply`, `gg create`, `gg update`: show and apply the difference."""
import sys

from gg_manager import workflow
from gg_manager.commands.common import add_common_options, add_lock_options, context, load_valid
from gg_manager.errors import GGError
from gg_manager.plan import saved as saved_plans
from gg_manager.plan.render import RENDERERS


def register(sub):
    p = sub.add_parser("plan", help="show what apply (or, with --destroy, remove) would change",
                       description="Read AWS (read-only) and print the difference to the spec: every change "
                                   "with the AWS calls that carry it out.",
                       epilog="Example: gg plan --format markdown --detailed-exitcode --out plan.json")
    add_common_options(p)
    p.add_argument("--format", choices=sorted(RENDERERS), default="text")
    p.add_argument("--detailed-exitcode", action="store_true",
                   help="exit 0 when nothing would change, 2 when something would, 1 on error")
    p.add_argument("--out", metavar="FILE", help="save the plan; `gg apply FILE` runs exactly it")
    p.add_argument("--deploy", action="store_true",
                   help="plan the deployments `gg apply --deploy` would start too")
    p.add_argument("--destroy", action="store_true", help="show what `gg remove` would delete")
    p.add_argument("--purge-local", action="store_true", help="with --destroy: as `gg remove --purge-local`")
    p.add_argument("--all", action="store_true", dest="everything",
                   help="with --destroy: as `gg remove --all`")
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
        p.add_argument("--yes", action="store_true", help="apply without asking for confirmation (CI)")
        p.add_argument("--deploy", action="store_true",
                       help="deploy every group whose latest version is not running (changed, never deployed, "
                            "or whose last deployment failed) and wait")
        p.add_argument("--timeout", type=int, default=300, help="deployment wait, seconds")
        p.set_defaults(func=run_apply, mode=mode)


def run_plan(args):
    spec, only, sensitive = load_valid(args)
    ctx = context(args)
    if args.destroy:
        plan = workflow.destroy_plan(ctx, spec, only, args.purge_local, args.everything)
    else:
        plan = workflow.plan(ctx, spec, only, args.deploy).plan
    print(RENDERERS[args.format](plan, sensitive))
    if args.out:
        saved_plans.save(plan, args.out, sensitive)
        print("saved plan to %s" % args.out, file=sys.stderr)
    if args.detailed_exitcode and not plan.empty:
        return 2
    return 0


def run_apply(args):
    spec, only, sensitive = load_valid(args)
    ctx = context(args)
    plan_file = getattr(args, "plan_file", None)
    saved = saved_plans.load(plan_file) if plan_file else None
    if saved is not None and saved.get("mode") != "apply":
        raise GGError("%s is a %s plan; run it with `gg remove`" % (plan_file, saved.get("mode")))
    result = workflow.apply(ctx, spec, only, args.deploy, saved, plan_file or "", args.mode, args.lock_timeout,
                            args.timeout, sensitive, sys.stdout)
    if args.deploy and result.deployments:
        bad = [r for r in result.deployments if not r.ok]
        if bad:
            raise GGError("deployment did not succeed for %s" % ", ".join(
                "%s (%s%s)" % (r.group, r.status, ": " + r.error if r.error else "") for r in bad))
        print("Deployed %d group%s." % (len(result.deployments), "" if len(result.deployments) == 1 else "s"))
    return 0
