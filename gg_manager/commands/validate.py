"""`gg validate`: every problem of a spec at once, offline, no credentials needed."""
import json
import sys

from gg_manager.spec import load_spec, load_variables


def add_spec_options(parser):
    """-f/--file and templating options, shared by every command that reads the spec."""
    parser.add_argument("-f", "--file", default="greengrass.yaml",
                        help="the spec (default: greengrass.yaml)")
    parser.add_argument("--var", action="append", default=[], metavar="KEY=VALUE",
                        help="a template variable (repeatable); wins over --values")
    parser.add_argument("--values", action="append", default=[], metavar="FILE",
                        help="a YAML file of template variables (repeatable, later files win)")


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
    result = load_spec(path, load_variables(args.var, args.values))
    errors = result.errors
    if args.format == "json":
        json.dump({"file": path, "valid": result.ok,
                   "groups": [g.name for g in result.spec.groups] if result.ok else [],
                   "problems": [d.as_json() for d in result.diagnostics]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for diag in result.diagnostics:
            print(diag.format(), file=sys.stderr if diag.severity == "error" else sys.stdout)
        if result.ok:
            groups = result.spec.groups
            print("%s: valid (%d group%s: %s)" % (path, len(groups), "" if len(groups) == 1 else "s",
                                                  ", ".join(g.name for g in groups)))
        else:
            print("%s: %d error%s" % (path, len(errors), "" if len(errors) == 1 else "s"),
                  file=sys.stderr)
    return 0 if result.ok else 1
