"""`gg validate`: every problem of a spec at once, offline, no credentials needed."""
import json
import sys

from gg_manager.spec import load_spec, load_variables
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


def register(sub):
    p = sub.add_parser("validate", help="check a spec offline and print every problem",
                       description="Check greengrass.yaml offline (schema and semantic rules); "
                                   "prints FILE:LINE:COL path: message for each problem.",
                       epilog="Example: gg validate -f greengrass.yaml --var stage=dev")
    p.add_argument("spec", nargs="?", help="the spec (same as -f)")
    add_spec_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args):
    path = args.spec or args.file
    result = load_spec(path, load_variables(args.var, args.values), env_names=args.env)
    say = _Printer(result.sensitive)
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


class _Printer:
    """Prints lines with every sensitive value of the spec redacted."""

    def __init__(self, sensitive):
        self.sensitive = sensitive

    def __call__(self, text, error=False):
        print(redact(text, self.sensitive), file=sys.stderr if error else sys.stdout)
