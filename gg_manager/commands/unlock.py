"""`gg unlock`: list group locks, or remove the lock a dead run left behind."""
from gg_manager.commands.common import add_common_options, context, load_valid_spec
from gg_manager.locking import describe, force_unlock, list_locks


def register(sub):
    p = sub.add_parser("unlock", help="remove the locks of the spec's groups (a dead run's), or --list them",
                       description="Apply, deploy and rollout hold a lock per group in AWS (DynamoDB "
                                   "table gg-locks). A run that died keeps it until it expires; this "
                                   "removes it now.",
                       epilog="Example: gg unlock --group store-1      gg unlock --list")
    add_common_options(p)
    p.add_argument("--list", action="store_true", help="list every lock in the account instead")
    p.set_defaults(func=run_unlock)


def run_unlock(args):
    if args.list:
        ctx = context(args)
        items = list_locks(ctx)
        for item in items:
            print("%s: %s" % (item["lock"]["S"], describe(item)))
        if not items:
            print("no locks held")
        return 0
    spec = load_valid_spec(args)
    ctx = context(args)
    for group in spec.groups:
        print("group %s: %s" % (group.name, "unlocked" if force_unlock(ctx, group.name) else "was not locked"))
    return 0
