"""What the commands share: the options (declared once, here), loading the spec, connecting.

SPEC_OPTIONS is the one place the options of every command that reads the spec are declared;
AWS_OPTIONS those of every command that talks to AWS.
"""
import sys

import click

from gg_manager import workflow
from gg_manager.aws.session import connect
from gg_manager.commands import output
from gg_manager.commands.base import options
from gg_manager.errors import GGError
from gg_manager.plan.render import plan_json
from gg_manager.spec import load_spec, load_variables

SPEC_OPTIONS = options(
    click.option("-f", "--file", default="greengrass.yaml", show_default=True, help="the spec"),
    click.option("--var", multiple=True, metavar="KEY=VALUE",
                 help="a template variable (repeatable); wins over --values"),
    click.option("--values", multiple=True, metavar="FILE",
                 help="a YAML file of template variables (repeatable, later files win)"),
    click.option("--env", multiple=True, metavar="NAME",
                 help="let the template read environment variable NAME as env.NAME (repeatable); its value "
                      "is sensitive: never shown in output"),
    click.option("--target", type=click.Choice(["v1", "v2"]), default=None,
                 help="deploy every group to Greengrass V1 or V2, whatever the file's `Target:` says (default: the "
                      "file's, else v2); `gg plan --target v2` on a V1 file shows its V2 plan"),
)

AWS_OPTIONS = options(
    click.option("--profile", help="AWS profile (default: AWS_PROFILE, else the default chain)"),
    click.option("--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, else the profile's)"),
    click.option("--endpoint-url", help="send every AWS call to this endpoint (default: AWS_ENDPOINT_URL; "
                                        "e.g. the sandbox's)"),
    click.option("--permissions-boundary", metavar="ARN",
                 help="attach this IAM policy as the permissions boundary of every role gg makes (default: "
                      "GG_PERMISSIONS_BOUNDARY; never read from the spec)"),
)

GROUP_OPTION = click.option("--group", multiple=True, metavar="NAME", help="only this group of the spec (repeatable)")

LOCK_OPTION = click.option("--lock-timeout", type=float, default=60, show_default=True, metavar="S",
                           help="wait this long for another run's lock on a group (0: fail at once)")


def common_options(groups=True):
    """The spec's, AWS's and (groups=True) --group: what every command working on the spec's groups takes."""
    return options(SPEC_OPTIONS, AWS_OPTIONS, *((GROUP_OPTION,) if groups else ()))


def load_valid(args):
    """(the whole spec, the group names --group selects or None, the spec's sensitive values)."""
    result = load_spec(args.file, load_variables(list(args.var), list(args.values)), env_names=list(args.env),
                       target=getattr(args, "target", None))
    for diag in result.diagnostics:
        print(diag.format(), file=sys.stderr)
    if not result.ok:
        raise GGError("%s has %d error(s); nothing was done" % (args.file, len(result.errors)))
    spec = result.spec
    wanted = list(getattr(args, "group", None) or ()) or None
    if wanted:
        unknown = [g for g in wanted if g not in {x.name for x in spec.groups}]
        if unknown:
            raise GGError("no group %s in %s" % (", ".join(unknown), args.file))
    return spec, wanted, result.sensitive


def load_valid_spec(args):
    """The spec narrowed to --group (for commands that act on the selected groups only)."""
    spec, wanted, _ = load_valid(args)
    return spec.only(wanted) if wanted else spec


def context(args):
    return connect(args.profile, args.region, args.endpoint_url, getattr(args, "permissions_boundary", None))


def confirm(question, out, assume_yes, flag="--yes"):
    """Terraform's contract: `assume_yes` goes ahead; on a terminal the user must type 'yes'; without
    a terminal there is no one to ask: a one-line error naming the flag."""
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise GGError("no terminal to ask for confirmation: review the plan (`gg plan`) and pass %s" % flag)
    out.write("\n%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: " % question)
    out.flush()
    try:
        answer = input()
    except EOFError:                # end of input (Ctrl-D): no
        out.write("\n")
        return False
    return answer.strip() == "yes"


def deployment_json(results):
    """Each deployment's report; a V2 one also names its IoT job and each core device's status."""
    reports = []
    for r in results:
        report = {"group": r.group, "deployment_id": r.deployment_id, "status": r.status, "error": r.error,
                  "seconds": round(r.seconds, 1)}
        if hasattr(r, "job_id"):
            report.update(job_id=r.job_id, devices=dict(r.devices))
        reports.append(report)
    return reports


def deployment_failure(results):
    """The one error line for deployments that did not succeed (their messages were shown as they came)."""
    bad = [r for r in results if not r.ok]
    if bad:
        raise GGError("%d of %d deployment%s did not succeed: %s" % (
            len(bad), len(results), "" if len(results) == 1 else "s",
            ", ".join("%s (%s)" % (r.group, r.status) for r in bad)))



def reporting(args, run, report, sensitive):
    """`run()`'s result (an apply or a remove); with --format json, `report(result, sensitive, error)` on
    stdout, also when it stopped part-way (then the error follows on stderr, once)."""
    try:
        result = run()
    except workflow.Failed as exc:
        if args.format == "json":
            output.emit_json(report(exc.result, sensitive, str(exc)))
        raise
    if args.format == "json":
        output.emit_json(report(result, sensitive, ""))
    return result


def outcome_json(result, sensitive, error):
    """What apply and remove reports share: the plan, the answer, what became of each change."""
    return {"plan": plan_json(result.plan, sensitive), "confirmed": result.confirmed,
            "changes": workflow.change_results(result.plan, result.outcome), "error": error}
