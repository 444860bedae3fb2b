"""`gg remove`: delete what gg made for the spec, as a plan (`gg plan --destroy` shows the same)."""
import sys

from gg_manager import workflow
from gg_manager.commands.common import add_common_options, context, load_valid
from gg_manager.errors import GGError


def register(sub):
    p = sub.add_parser("remove", help="delete the groups and everything gg made for them (a plan: see "
                                      "`gg plan --destroy`)",
                       description="Plan the removal (what gg made for the spec's groups and nothing that "
                                   "another group still uses), show it, ask, and run exactly it: deployments "
                                   "reset, groups, definitions, the core things, certificates and policies, "
                                   "roles, Lambdas, uploaded models.",
                       epilog="Example: gg remove --yes --purge-local")
    add_common_options(p)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--purge-local", action="store_true",
                   help="also delete the files gg wrote for the cores: <core>.key, <core>.cert.pem, config.json")
    p.add_argument("--all", action="store_true", dest="everything",
                   help="also what every gg app of the account shares (artifact bucket, rollout role, lock "
                        "table), once no gg group is left")
    p.set_defaults(func=run_remove)


def _confirm(args):
    def ask(plan):
        if args.yes:
            return True
        if not sys.stdin.isatty():
            raise GGError("refusing to remove without --yes (no terminal to ask)")
        answer = input("Delete the %d resource(s) above? [y/N] " % len(plan.changes))
        return answer.strip().lower() in ("y", "yes")
    return ask


def run_remove(args):
    spec, only, sensitive = load_valid(args)
    ctx = context(args)
    result = workflow.destroy(ctx, spec, only, args.purge_local, args.everything, _confirm(args), sensitive,
                              sys.stdout)
    if result.plan.empty:
        return 0
    if not result.confirmed:
        print("Nothing removed.")
        return 1
    done, gone = result.counts()
    print("Removed %d resource%s of %s%s." % (done, "" if done == 1 else "s",
                                             ", ".join(result.plan.groups) or spec.file,
                                             "; %d %s already gone" % (gone, "was" if gone == 1 else "were")
                                             if gone else ""))
    return 0
