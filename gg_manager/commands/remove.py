"""`gg remove`: delete everything gg made for the spec."""
import sys

from gg_manager.commands.common import add_common_options, context, load_valid_spec
from gg_manager.errors import GGError


def register(sub):
    p = sub.add_parser("remove", help="delete the groups and everything gg made for them",
                       description="Reset deployments, delete groups, definitions, Lambdas, roles, "
                                   "the core thing, certificate and policy, and uploaded models.",
                       epilog="Example: gg remove --yes --purge-local")
    add_common_options(p)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--purge-local", action="store_true",
                   help="also delete the cores' keys/certificates in certs/ and config/config.json")
    p.set_defaults(func=run_remove)


def run_remove(args):
    from gg_manager.reconcile.remove import remove
    only = set(args.group) or None
    args.group = []           # the whole spec: Lambdas other groups still use are kept
    spec = load_valid_spec(args)
    names = ", ".join(g.name for g in spec.groups if not only or g.name in only)
    if not args.yes:
        if not sys.stdin.isatty():
            raise GGError("refusing to remove %s without --yes (no terminal to ask)" % names)
        answer = input("Remove %s and everything gg made for it? [y/N] " % names)
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing removed.")
            return 1
    ctx = context(args)
    remove(ctx, spec, sys.stdout, purge_local=args.purge_local, only_groups=only)
    print("Removed %s." % names)
    return 0
