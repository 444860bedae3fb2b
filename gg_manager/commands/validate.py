"""`gg validate`: every problem of a spec at once, offline, no credentials needed."""
import json
import sys

import click

from gg_manager.commands.base import command, format_option
from gg_manager.commands.common import SPEC_OPTIONS
from gg_manager.errors import GGError
from gg_manager.spec import load_spec, load_variables
from gg_manager.spec.schema import did_you_mean
from gg_manager.spec.sensitive import redact, redact_json


def register(cli):
    @command(cli, "validate", "check a spec offline and print every problem",
             "Check greengrass.yaml offline (schema and semantic rules), no credentials needed; prints "
             "FILE:LINE:COL path: message for each problem. Exit 0 when valid (warnings allowed), 1 when not.",
             examples="""
                 gg validate
                 gg validate -f greengrass.yaml --var stage=dev --values values/prod.yaml
                 gg validate --format json
                 gg validate --show-package inference      # what the Lambda's zip will hold
             """)
    @click.argument("spec", required=False)
    @SPEC_OPTIONS
    @format_option("text", "json")
    @click.option("--show-package", metavar="NAME",
                  help="list what the zip of Lambda NAME will hold (path, size, sha256) and what is left out "
                       "and why, offline")
    def validate(args):
        return run(args)


def run(args):
    path = args.spec or args.file
    result = load_spec(path, load_variables(list(args.var), list(args.values)), env_names=list(args.env),
                       target=args.target)
    say = _Printer(result.sensitive)
    if args.show_package:
        return _show_package(args, path, result, say)
    if args.format == "json":
        report = {"file": path, "valid": result.ok,
                  "groups": [g.name for g in result.spec.groups] if result.ok else [],
                  "problems": [d.as_json() for d in result.diagnostics]}
        say(json.dumps(redact_json(report, result.sensitive), indent=2))
        return 0 if result.ok else 1
    for diag in result.diagnostics:
        say(diag.format(), error=diag.severity == "error")
    errors = result.errors
    if result.ok:
        groups = result.spec.groups
        say("%s: valid (%d group%s: %s)" % (path, len(groups), "" if len(groups) == 1 else "s",
                                            ", ".join(g.name for g in groups)))
    else:
        say("%s: %d error%s" % (path, len(errors), "" if len(errors) == 1 else "s"), error=True)
    return 0 if result.ok else 1


def _show_package(args, path, result, say):
    from gg_manager.package.listing import describe_package, format_description
    from gg_manager.spec.packaging import never_packed
    if not result.ok:
        for diag in result.diagnostics:
            say(diag.format(), error=diag.severity == "error")
        say("%s: %d error(s); fix them to see the package" % (path, len(result.errors)), error=True)
        return 1
    functions = {f.name: f for g in result.spec.groups for f in g.functions}
    function = functions.get(args.show_package)
    if function is None or not function.managed:
        known = sorted(n for n, f in functions.items() if f.managed)
        why = "has no package (an existing Lambda: gg builds no zip for it)" if function else \
            "is not in %s%s" % (path, did_you_mean(args.show_package, known))
        raise GGError("Lambda %r %s; Lambdas gg packages: %s"
                      % (args.show_package, why, ", ".join(known) or "none"))
    report = describe_package(function, never_packed(result.spec))
    if args.format == "json":
        say(json.dumps(redact_json(report, result.sensitive), indent=2))
    else:
        say(format_description(report))
    return 1 if report["refused"] else 0


class _Printer:
    """Prints lines with every sensitive value of the spec redacted."""

    def __init__(self, sensitive):
        self.sensitive = sensitive

    def __call__(self, text, error=False):
        print(redact(text, self.sensitive), file=sys.stderr if error else sys.stdout)
