"""What the AWS-facing commands share: loading the spec, connecting."""
import sys

from gg_manager.aws.session import add_aws_options, connect
from gg_manager.commands.validate import add_spec_options
from gg_manager.errors import GGError
from gg_manager.spec import load_spec, load_variables


def add_common_options(parser, groups=True):
    add_spec_options(parser)
    add_aws_options(parser)
    if groups:
        parser.add_argument("--group", action="append", default=[], metavar="NAME",
                            help="only this group of the spec (repeatable)")


def add_lock_options(parser):
    parser.add_argument("--lock-timeout", type=float, default=60, metavar="S",
                        help="wait this long for another run's lock on a group (default 60; 0: fail at once)")


def load_valid(args):
    """(the whole spec, the group names --group selects or None, the spec's sensitive values)."""
    result = load_spec(args.file, load_variables(args.var, args.values), env_names=args.env)
    for diag in result.diagnostics:
        print(diag.format(), file=sys.stderr)
    if not result.ok:
        raise GGError("%s has %d error(s); nothing was done" % (args.file, len(result.errors)))
    spec = result.spec
    wanted = getattr(args, "group", None) or None
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
