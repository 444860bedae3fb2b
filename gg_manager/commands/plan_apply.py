"""`gg plan`, `gg apply`, `gg create`, `gg update`: show and apply the difference."""
import sys

import click

from gg_manager import workflow
from gg_manager.commands import output
from gg_manager.commands.base import command, format_option
from gg_manager.commands.common import (LOCK_OPTION, common_options, confirm, context, deployment_failure,
                                        deployment_json, load_valid, outcome_json, reporting)
from gg_manager.errors import GGError
from gg_manager.plan import saved as saved_plans
from gg_manager.plan.render import RENDERERS

APPLY_MODES = (
    ("apply", None, "make AWS match the spec (create or update)",
     "Plan, show the plan, ask (on a terminal; elsewhere --yes is required), then carry out exactly "
     "that plan. With PLAN (saved by `gg plan --out`), apply that reviewed plan without asking; it is "
     "refused if AWS or the spec changed since.",
     """
     gg apply                              # shows the plan, asks: type yes
     gg apply --yes --deploy               # CI: no question; deploy what changed and wait
     gg plan --out plan.json && gg apply plan.json
     """),
    ("create", "create", "first provisioning: like apply, refuses groups that already exist",
     "Like `gg apply`, for groups that do not exist yet: refuses any that does.",
     """
     gg create
     gg create --yes -f greengrass.yaml --var group=store-42
     """),
    ("update", "update", "like apply, refuses groups that do not exist yet",
     "Like `gg apply`, for groups that exist: refuses any that does not yet.",
     """
     gg update
     gg update --yes --group store-1 --deploy
     """),
)


def register(cli):
    @command(cli, "plan", "show what apply (or, with --destroy, remove) would change",
             "Read AWS (read-only) and print the difference to the spec: every change with the AWS calls "
             "that carry it out.",
             examples="""
                 gg plan
                 gg plan --format markdown --detailed-exitcode --out plan.json
                 gg plan --destroy --purge-local
             """)
    @common_options()
    @format_option(*sorted(RENDERERS))
    @click.option("--detailed-exitcode", is_flag=True,
                  help="exit 0 when nothing would change, 2 when something would, 1 on error")
    @click.option("--out", metavar="FILE", help="save the plan; `gg apply FILE` runs exactly it")
    @click.option("--deploy", is_flag=True, help="plan the deployments `gg apply --deploy` would start too")
    @click.option("--no-deploy", is_flag=True, help="as `gg apply --no-deploy`: all but the deployments (V2)")
    @click.option("--destroy", is_flag=True, help="show what `gg remove` would delete")
    @click.option("--purge-local", is_flag=True, help="with --destroy: as `gg remove --purge-local`")
    @click.option("--all", "everything", is_flag=True, help="with --destroy: as `gg remove --all`")
    def plan(args):
        return run_plan(args)

    for name, mode, short_help, description, examples in APPLY_MODES:
        _apply_command(cli, name, mode, short_help, description, examples)


def _apply_command(cli, name, mode, short_help, description, examples):
    plan_argument = (click.argument("plan_file", metavar="[PLAN]", required=False),) if name == "apply" else ()

    def decorate(fn):
        for option in reversed(plan_argument + (
                common_options(),
                click.option("--yes", "-y", is_flag=True,
                             help="apply without asking (required without a terminal, as in CI)"),
                LOCK_OPTION,
                click.option("--deploy", is_flag=True,
                             help="deploy every group whose latest version is not running (changed, never "
                                  "deployed, or whose last deployment failed) and wait"),
                click.option("--no-deploy", is_flag=True,
                             help="Greengrass V2: make everything but the new revisions (deployments), "
                                  "which `gg rollout` then deploys in waves"),
                click.option("--timeout", type=int, default=300, show_default=True, help="deployment wait, seconds"),
                format_option("text", "json"))):
            fn = option(fn)
        return command(cli, name, short_help, description, examples)(fn)

    decorate(lambda args: run_apply(args, mode))


def run_plan(args):
    spec, only, sensitive = load_valid(args)
    ctx = context(args)
    if args.destroy:
        plan = workflow.destroy_plan(ctx, spec, only, args.purge_local, args.everything)
    else:
        plan = workflow.plan(ctx, spec, only, args.deploy, hold=args.no_deploy).plan
    text = RENDERERS[args.format](plan, sensitive)
    if args.format == "text":
        output.stream().write(text + "\n")
    else:
        output.echo(text.rstrip("\n"))
    if args.out:
        saved_plans.save(plan, args.out, sensitive)
        print("saved plan to %s" % args.out, file=sys.stderr)
    if args.detailed_exitcode and not plan.empty:
        return 2
    return 0


def run_apply(args, mode):
    plan_file = getattr(args, "plan_file", None)
    if not (args.yes or plan_file or sys.stdin.isatty()):
        raise GGError("gg %s asks before it changes anything, and there is no terminal to ask: pass --yes "
                      "(or apply a reviewed plan: gg plan --out plan.json, then gg apply plan.json)"
                      % (mode or "apply"))
    spec, only, sensitive = load_valid(args)
    ctx = context(args)
    saved = _saved_plan(plan_file)
    out = output.stream(args.format)
    ask = None if (args.yes or plan_file) else (
        lambda plan: confirm("Do you want to apply these changes? gg will carry out exactly the plan above.",
                             out, False))
    result = reporting(args, lambda: workflow.apply(ctx, spec, only, args.deploy, saved, plan_file or "", mode,
                                                    args.lock_timeout, args.timeout, sensitive, out, confirm=ask,
                                                    hold=args.no_deploy),
                       apply_report, sensitive)
    return _finish(args, result)


def _saved_plan(plan_file):
    saved = saved_plans.load(plan_file) if plan_file else None
    if saved is not None and saved.get("mode") != "apply":
        raise GGError("%s is a %s plan; run it with `gg remove`" % (plan_file, saved.get("mode")))
    return saved


def _finish(args, result):
    """The exit code, and the last line: cancelled, or the deployments' outcome."""
    if not result.confirmed:
        output.say("Apply cancelled: nothing was changed.", args.format)
        return 1
    if args.deploy and result.deployments:
        deployment_failure(result.deployments)
        count = len(result.deployments)
        output.say("Deployed %d group%s." % (count, "" if count == 1 else "s"), args.format)
    return 0


def apply_report(result, sensitive, error=""):
    """`gg apply --format json`: the plan, what became of each change, the deployments."""
    return dict(outcome_json(result, sensitive, error), deployments=deployment_json(result.deployments),
                applied=result.confirmed and (result.plan.empty or bool(result.outcome and result.outcome.ok)))
