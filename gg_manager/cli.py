"""The `gg` command line (click): the root group, shell completion, and errors mapped to exit codes.

Each command module exposes `register(cli)`, which adds its commands to the root group; a
command's function takes the parsed parameters and returns an exit code. `main(argv)`
returns the exit code: 0 ok, 1 error, 2 a usage error (or `--detailed-exitcode` changes),
130 interrupted, 141 the reader of the output went away.
"""
import importlib
import os
import sys

import botocore.exceptions
import click
from click.shell_completion import shell_complete

from gg_manager import __version__
from gg_manager.commands import output
from gg_manager.commands.base import GGGroup, command
from gg_manager.errors import GGError

COMPLETE_VAR = "_GG_COMPLETE"
SHELLS = ("bash", "zsh", "fish")

# Modules that add commands, in the order `gg --help` lists them.
COMMAND_MODULES = (
    "gg_manager.commands.init",
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


@click.group("gg", cls=GGGroup, examples="""
    gg init my-app && cd my-app     # the example app: greengrass.yaml and lambdas/
    gg validate                     # offline, no credentials
    gg plan                         # what would change in AWS
    gg apply                        # shows the plan, asks, applies
    gg completion bash > ~/.local/share/bash-completion/completions/gg
""")
@click.version_option(__version__, "--version", prog_name="gg", message="%(prog)s %(version)s")
def cli():
    """Declarative GitOps deployment manager for AWS IoT Greengrass edge ML."""


def build_cli():
    """The root group with every command registered (once)."""
    if not cli.commands:
        for name in COMMAND_MODULES:
            importlib.import_module(name).register(cli)
        _register_completion(cli)
    return cli


def _register_completion(group):
    @command(group, "completion", "print the shell completion script: bash, zsh or fish",
             "Print the script that makes your shell complete gg's commands, options and choices.",
             examples="""
                 gg completion bash > ~/.local/share/bash-completion/completions/gg
                 gg completion zsh > "${fpath[1]}/_gg"
                 gg completion fish > ~/.config/fish/completions/gg.fish
                 eval "$(gg completion bash)"          # this shell only
             """)
    @click.argument("shell", type=click.Choice(SHELLS))
    def completion(args):
        from click.shell_completion import get_completion_class
        script = get_completion_class(args.shell)(group, {}, "gg", COMPLETE_VAR).source()
        output.echo(script)
        return 0


def parse(argv):
    """The context of the command `argv` names, its parameters parsed (nothing runs); a
    click.UsageError when the line does not parse."""
    group = build_cli()
    ctx = group.make_context("gg", list(argv))
    while isinstance(ctx.command, click.Group):
        name, sub, rest = ctx.command.resolve_command(ctx, ctx.protected_args + ctx.args)
        ctx = sub.make_context(name, rest, parent=ctx)
    return ctx


def main(argv=None) -> int:
    output.reset()
    group = build_cli()
    if os.environ.get(COMPLETE_VAR):          # the shell asking for completions (gg completion SHELL)
        return shell_complete(group, {}, "gg", COMPLETE_VAR, os.environ[COMPLETE_VAR])
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with group.make_context("gg", args) as ctx:
            code = int(group.invoke(ctx) or 0)
        sys.stdout.flush()                  # a closed pipe shows here, not in the interpreter's exit
        return code
    except click.exceptions.Exit as exc:    # --help, --version, a group without its command
        return exc.exit_code
    except click.UsageError as exc:
        _usage_error(exc)
        return 2
    except click.ClickException as exc:
        output.error(exc.format_message())
        return exc.exit_code
    except GGError as exc:
        output.error(str(exc))
        return exc.exit_code
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        from gg_manager.aws.errors import describe_error
        output.error(describe_error(exc))
        return 1
    except (KeyboardInterrupt, click.Abort):
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _usage_error(exc):
    """The command's usage line, where to get help, and the error: `gg plan --formt` -> gg plan's usage."""
    ctx = exc.ctx
    if ctx is not None:
        output.echo(ctx.get_usage(), file=sys.stderr)
        output.echo("Try '%s -h' for help.\n" % ctx.command_path, file=sys.stderr)
    output.error(exc.format_message())


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
