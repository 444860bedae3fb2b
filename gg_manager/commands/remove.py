"""`gg remove`: delete what gg made for the spec, as a plan (`gg plan --destroy` shows the same)."""
import sys

import click

from gg_manager import workflow
from gg_manager.commands import output
from gg_manager.commands.base import command, format_option
from gg_manager.commands.common import common_options, confirm, context, load_valid, outcome_json, reporting
from gg_manager.errors import GGError


def register(cli):
    @command(cli, "remove", "delete the groups and everything gg made for them (a plan: see `gg plan --destroy`)",
             "Plan the removal (what gg made for the spec's groups and nothing that another group still uses), "
             "show it, ask (on a terminal; elsewhere --yes is required), and run exactly it: deployments reset, "
             "groups, definitions, the core things, certificates and policies, roles, Lambdas, uploaded models.",
             examples="""
                 gg plan --destroy                   # what would go, call by call
                 gg remove                           # shows it, asks: type yes
                 gg remove --yes --purge-local
             """)
    @common_options()
    @click.option("--yes", "-y", is_flag=True, help="do not ask for confirmation (required without a terminal)")
    @click.option("--purge-local", is_flag=True,
                  help="also delete the files gg wrote for the cores: <core>.key, <core>.cert.pem, config.json")
    @click.option("--all", "everything", is_flag=True,
                  help="also what every gg app of the account shares (artifact bucket, rollout role, lock table), "
                       "once no gg group is left")
    @format_option("text", "json")
    def remove(args):
        return run_remove(args)


def run_remove(args):
    if not (args.yes or sys.stdin.isatty()):
        raise GGError("gg remove asks before it deletes anything, and there is no terminal to ask: pass --yes")
    spec, only, sensitive = load_valid(args)
    ctx = context(args)
    out = output.stream(args.format)

    def ask(plan):
        return confirm("Do you really want to delete the %d resource(s) above?" % len(plan.changes), out, args.yes)
    result = reporting(args, lambda: workflow.destroy(ctx, spec, only, args.purge_local, args.everything, ask,
                                                      sensitive, out), remove_report, sensitive)
    if result.plan.empty:
        return 0
    if not result.confirmed:
        output.say("Nothing removed.", args.format)
        return 1
    done, gone = result.counts()
    output.say("Removed %d resource%s of %s%s." % (
        done, "" if done == 1 else "s", ", ".join(result.plan.groups) or spec.file,
        "; %d %s already gone" % (gone, "was" if gone == 1 else "were") if gone else ""), args.format)
    return 0


def remove_report(result, sensitive, error=""):
    """`gg remove --format json`: the destroy plan, what became of each change, the counts."""
    done, gone = result.counts()
    return dict(outcome_json(result, sensitive, error), removed=done, already_gone=gone)
