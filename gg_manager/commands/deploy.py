"""`gg deploy` and `gg status`."""
import json
import sys

from gg_manager import workflow
from gg_manager.commands.common import add_common_options, add_lock_options, context, load_valid_spec
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


def run_deploy(args):
    spec = load_valid_spec(args)
    ctx = context(args)
    results = workflow.deploy(ctx, [g.name for g in spec.groups], args.timeout, not args.no_wait,
                              args.lock_timeout, sys.stdout, spec=spec)
    if args.no_wait:
        return 0
    bad = [r for r in results if not r.ok]
    if bad:
        raise GGError("deployment did not succeed for %s" % ", ".join(
            "%s (%s%s)" % (r.group, r.status, ": " + r.error if r.error else "") for r in bad))
    print("Deployed %d group%s." % (len(results), "" if len(results) == 1 else "s"))
    return 0


def run_status(args):
    spec = load_valid_spec(args)
    rows = workflow.status(context(args), spec)
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        if not r["exists"]:
            print("%s: not created (run gg apply)" % r["group"])
            continue
        if "devices" in r:
            _print_v2_status(r)
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


def _print_v2_status(r):
    """A Greengrass V2 group: its revision, then each core device and the components it runs."""
    print("%s: revision %s (%s); spec: %s%s" % (
        r["group"], r["deployed_version"] or "none", r["deployment_status"] or "-",
        "in sync" if not r["spec_changes_pending"] else "%d change(s) pending" % r["spec_changes_pending"],
        ", deploy needed" if r["deploy_needed"] else ""))
    for d in r["devices"]:
        print("  core %s %s, deployment %s%s" % (d["thing"], d["status"] or "(never reported)", d["deployment"] or "-",
                                              ": " + d["reason"] if d.get("reason") else ""))
        for c in d["components"]:
            print("    %s %s %s" % (c["name"], c["version"], c["state"]))
    if r["drift"]:
        print("  drift (changed outside gg; `gg apply` puts it back): %s" % "; ".join(r["drift"]))
