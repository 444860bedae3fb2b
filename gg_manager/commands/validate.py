"""`gg validate`: every problem of a spec at once, offline, no credentials needed."""
import json
import sys

from gg_manager.errors import GGError
from gg_manager.spec import load_spec, load_variables
from gg_manager.spec.schema import did_you_mean
from gg_manager.spec.sensitive import redact, redact_json


def add_spec_options(parser):
    """-f/--file and templating options, shared by every command that reads the spec."""
    parser.add_argument("-f", "--file", default="greengrass.yaml",
                        help="the spec (default: greengrass.yaml)")
    parser.add_argument("--var", action="append", default=[], metavar="KEY=VALUE",
                        help="a template variable (repeatable); wins over --values")
    parser.add_argument("--values", action="append", default=[], metavar="FILE",
                        help="a YAML file of template variables (repeatable, later files win)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME",
                        help="let the template read environment variable NAME as env.NAME "
                             "(repeatable); its value is sensitive: never shown in output")
    parser.add_argument("--target", choices=("v1", "v2"), default=None,
                        help="deploy every group to Greengrass V1 or V2, whatever the file's `Target:` says "
                             "(default: the file's, else v2); `gg plan --target v2` on a V1 file shows its V2 plan")


def register(sub):
    p = sub.add_parser("validate", help="check a spec offline and print every problem",
                       description="Check greengrass.yaml offline (schema and semantic rules); "
                                   "prints FILE:LINE:COL path: message for each problem.",
                       epilog="Example: gg validate -f greengrass.yaml --var stage=dev")
    p.add_argument("spec", nargs="?", help="the spec (same as -f)")
    add_spec_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--show-package", metavar="NAME",
                   help="list what the zip of Lambda NAME will hold (path, size, sha256) and what "
                        "is left out and why, offline")
    p.set_defaults(func=run)


def run(args):
    path = args.spec or args.file
    result = load_spec(path, load_variables(args.var, args.values), env_names=args.env, target=args.target)
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
