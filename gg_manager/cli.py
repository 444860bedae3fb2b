"""The `gg` command line: builds the parser from command modules and maps errors to exit codes.

Each command module exposes `register(subparsers)`, which adds its sub-parser
and sets `func` (taking the parsed args, returning an exit code).
"""
import argparse
import importlib
import os
import sys

import botocore.exceptions

from gg_manager import __version__
from gg_manager.errors import GGError

# Modules that add sub-commands, in the order `gg --help` lists them.
COMMAND_MODULES = (
    "gg_manager.commands.validate",
    "gg_manager.commands.plan_apply",
    "gg_manager.commands.deploy",
    "gg_manager.commands.remove",
    "gg_manager.commands.rollout",
    "gg_manager.commands.unlock",
    "gg_manager.commands.retrain",
    "gg_manager.sandbox.cli",
    "gg_manager.core.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gg",
        description="Declarative GitOps deployment manager for AWS IoT Greengrass (V1) edge ML.",
        epilog="Example: gg validate -f greengrass.yaml",
    )
    parser.add_argument("--version", action="version", version="gg " + __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()                  # a closed pipe shows here, not in the interpreter's exit
        return code
    except GGError as exc:
        print("error: %s" % exc, file=sys.stderr)
        return exc.exit_code
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        from gg_manager.aws.session import describe_error
        print("error: %s" % describe_error(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away():
    """`gg plan | head`: the reader closed the pipe; stop quietly (no traceback, nothing more to
    say), with the status a process killed by SIGPIPE has."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())      # the interpreter's last flush must not fail again
    except (OSError, ValueError):
        pass
    return 141


if __name__ == "__main__":
    sys.exit(main())
