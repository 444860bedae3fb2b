"""`gg deploy` and `gg status`."""
import json
import sys

from gg_manager.commands.common import (add_common_options, add_lock_options, compute_plan, context,
                                        load_valid_spec)
from gg_manager.errors import GGError


def register(sub):
    p = sub.add_parser("deploy", help="deploy the groups' latest versions and wait",
                       description="Create a deployment per group and show progress until Success, "
                                   "Failure (with its ErrorDetails) or the timeout.",
                       epilog="Example: gg deploy --group store-1 --timeout 600")
    add_common_options(p)
    p.add_argument("--timeout", type=int, default=300, help="seconds to wait (default 300)")
    p.add_argument("--no-wait", action="store_true", help="start the deployments and return")
    add_lock_options(p)
    p.set_defaults(func=run_deploy)
    p = sub.add_parser("status", help="deployed version vs spec vs latest, per group",
                       epilog="Example: gg status --format json")
    add_common_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_status)


def deploy_and_report(ctx, group_names, timeout, wait=True, lock_timeout=60):
    from gg_manager.locking import held_locks
    from gg_manager.reconcile.deploy import deploy
    with held_locks(ctx, group_names, "gg deploy", lock_timeout, out=sys.stdout):
        results = deploy(ctx, group_names, timeout=timeout, wait=wait, out=sys.stdout)
    if not wait:
        return 0
    bad = [r for r in results if not r.ok]
    if bad:
        raise GGError("deployment did not succeed for %s" % ", ".join(
            "%s (%s%s)" % (r.group, r.status, ": " + r.error if r.error else "") for r in bad))
    print("Deployed %d group%s." % (len(results), "" if len(results) == 1 else "s"))
    return 0


def run_deploy(args):
    spec = load_valid_spec(args)
    ctx = context(args)
    return deploy_and_report(ctx, [g.name for g in spec.groups], args.timeout, not args.no_wait,
                             args.lock_timeout)


def run_status(args):
    from gg_manager.reconcile.deploy import latest_deployment
    spec = load_valid_spec(args)
    ctx = context(args)
    _, actual, plan = compute_plan(ctx, spec)
    rows = []
    for group in spec.groups:
        found = actual.groups[group.name].group
        pending = [c for c in plan.changes if c.group == group.name]
        dep = latest_deployment(ctx, found["Id"]) if found else None
        rows.append({
            "group": group.name, "exists": bool(found),
            "latest_version": found.get("LatestVersion") if found else None,
            "deployed_version": dep["version"] if dep else None,
            "deployment_status": dep["status"] if dep else None,
            "deployment_error": dep["error"] if dep else None,
            "spec_changes_pending": len([c for c in pending if c.cause == "spec"]),
            "drift": ["%s %s %s" % (c.action, c.kind, c.name) for c in pending if c.cause == "drift"],
            "deploy_needed": group.name in plan.deploy_needed or bool(
                found and dep and dep["version"] != found.get("LatestVersion")) or bool(found and not dep),
        })
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        if not r["exists"]:
            print("%s: not created (run gg apply)" % r["group"])
            continue
        print("%s: latest version %s, deployed %s (%s)%s; spec: %s%s" % (
            r["group"], r["latest_version"], r["deployed_version"] or "never",
            r["deployment_status"] or "-",
            (" " + r["deployment_error"]) if r["deployment_error"] else "",
            "in sync" if not r["spec_changes_pending"] else "%d change(s) pending" % r["spec_changes_pending"],
            ", deploy needed" if r["deploy_needed"] else ""))
        if r["drift"]:
            print("  drift (changed outside gg; `gg apply` puts it back): %s" % "; ".join(r["drift"]))
    return 0
