"""`gg deploy` and `gg status`."""
import click

from gg_manager import workflow
from gg_manager.commands import output
from gg_manager.commands.base import command, format_option
from gg_manager.commands.common import (LOCK_OPTION, common_options, context, deployment_failure, deployment_json,
                                        load_valid_spec)


def register(cli):
    @command(cli, "deploy", "deploy the groups' latest versions and wait",
             "Create a deployment per group and show progress until Success, Failure (with its ErrorDetails, "
             "shown once) or the timeout. Exit 1 unless every deployment succeeded.",
             examples="""
                 gg deploy
                 gg deploy --group store-1 --timeout 600
                 gg deploy --no-wait --format json
             """)
    @common_options()
    @click.option("--timeout", type=int, default=300, show_default=True, help="seconds to wait")
    @click.option("--no-wait", is_flag=True, help="start the deployments and return")
    @LOCK_OPTION
    @format_option("text", "json")
    def deploy(args):
        return run_deploy(args)

    @command(cli, "status", "deployed version vs spec vs latest, per group",
             "Per group: its latest group version (V1) or revision (V2), what is deployed and how that deployment "
             "ended (on V2, per core device with its installed components), changes of the spec not applied "
             "yet, and drift (changed outside gg).",
             examples="""
                 gg status
                 gg status --format json
             """)
    @common_options()
    @format_option("text", "json")
    def status(args):
        return run_status(args)


def run_deploy(args):
    spec = load_valid_spec(args)
    ctx = context(args)
    results = workflow.deploy(ctx, [g.name for g in spec.groups], args.timeout, not args.no_wait,
                              args.lock_timeout, output.stream(args.format), spec=spec)
    if args.format == "json":
        output.emit_json({"deployments": deployment_json(results), "waited": not args.no_wait,
                          "ok": args.no_wait or all(r.ok for r in results)})
    if args.no_wait:
        return 0
    deployment_failure(results)
    if args.format != "json":
        output.say("Deployed %d group%s." % (len(results), "" if len(results) == 1 else "s"))
    return 0


def run_status(args):
    spec = load_valid_spec(args)
    rows = workflow.status(context(args), spec)
    if args.format == "json":
        output.emit_json(rows)
        return 0
    for r in rows:
        if not r["exists"]:
            output.echo("%s: not created (run gg apply)" % r["group"])
            continue
        if "devices" in r:
            _print_v2_status(r)
            continue
        output.echo("%s: latest version %s, deployed %s (%s)%s; spec: %s%s" % (
            r["group"], r["latest_version"], r["deployed_version"] or "never",
            r["deployment_status"] or "-",
            (" " + r["deployment_error"]) if r["deployment_error"] else "",
            "in sync" if not r["spec_changes_pending"] else "%d change(s) pending" % r["spec_changes_pending"],
            ", deploy needed" if r["deploy_needed"] else ""))
        if r["drift"]:
            output.echo("  drift (changed outside gg; `gg apply` puts it back): %s" % "; ".join(r["drift"]))
    return 0


def _print_v2_status(r):
    """A Greengrass V2 group: its revision, then each core device and the components it runs."""
    output.echo("%s: revision %s (%s); spec: %s%s" % (
        r["group"], r["deployed_version"] or "none", r["deployment_status"] or "-",
        "in sync" if not r["spec_changes_pending"] else "%d change(s) pending" % r["spec_changes_pending"],
        ", deploy needed" if r["deploy_needed"] else ""))
    for d in r["devices"]:
        output.echo("  core %s %s, deployment %s%s" % (
            d["thing"], d["status"] or "(never reported)", d["deployment"] or "-",
            ": " + d["reason"] if d.get("reason") else ""))
        for c in d["components"]:
            output.echo("    %s %s %s" % (c["name"], c["version"], c["state"]))
    if r["drift"]:
        output.echo("  drift (changed outside gg; `gg apply` puts it back): %s" % "; ".join(r["drift"]))
