"""`gg unlock`: list group locks, or remove the lock a dead run left behind."""
import click

from gg_manager.commands import output
from gg_manager.commands.base import command, format_option
from gg_manager.commands.common import common_options, context, load_valid_spec
from gg_manager.locking import describe, force_unlock, list_locks


def register(cli):
    @command(cli, "unlock", "remove the locks of the spec's groups (a dead run's), or --list them",
             "Apply, deploy and rollout hold a lock per group in AWS (DynamoDB table gg-locks). A run that "
             "died keeps it until it expires; this removes it now.",
             examples="""
                 gg unlock --group store-1
                 gg unlock --list
                 gg unlock --list --format json
             """)
    @common_options()
    @click.option("--list", "list_only", is_flag=True, help="list every lock in the account instead")
    @format_option("text", "json")
    def unlock(args):
        return run_unlock(args)


def run_unlock(args):
    if args.list_only:
        items = list_locks(context(args))
        if args.format == "json":
            output.emit_json({"locks": [lock_json(item) for item in items]})
            return 0
        for item in items:
            output.echo("%s: %s" % (item["lock"]["S"], describe(item)))
        if not items:
            output.echo("no locks held")
        return 0
    spec = load_valid_spec(args)
    ctx = context(args)
    results = [(group.name, force_unlock(ctx, group.name)) for group in spec.groups]
    if args.format == "json":
        output.emit_json({"groups": [{"group": name, "unlocked": was} for name, was in results]})
        return 0
    for name, was in results:
        output.echo("group %s: %s" % (name, "unlocked" if was else "was not locked"))
    return 0


def lock_json(item):
    """A lock item of the table as plain values."""
    def value(key):
        cell = item.get(key) or {}
        return int(cell["N"]) if "N" in cell else cell.get("S")
    return {"lock": value("lock"), "owner": value("owner"), "purpose": value("purpose"),
            "since": value("since"), "expires_at": value("expires_at")}
