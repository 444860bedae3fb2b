"""gg's click classes: every command has a description and examples shown verbatim, takes
--debug and --no-color wherever they are written, and a typo gets a suggestion.

    @command(group, "deploy", "deploy the groups' latest versions and wait",
             "Create a deployment per group ...", examples="gg deploy --group store-1")
    @common_options()
    def deploy(args):           # args: the parsed parameters as attributes (args.group, args.timeout)
        ...
        return 0                # the exit code
"""
import difflib
import functools
import inspect
import textwrap
import types

import click

from gg_manager.commands import output

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _set_debug(ctx, param, value):
    if value:
        output.enable_debug()


def _set_no_color(ctx, param, value):
    if value:
        output.settings.no_color = True


GLOBAL_FLAGS = (
    ("--debug", _set_debug, "log every AWS call (operation, duration, retries) to stderr; never secrets"),
    ("--no-color", _set_no_color, "no colour (also when NO_COLOR is set, or output is not a terminal)"),
)


def global_options():
    """--debug and --no-color: accepted by the root and by every command, before or after its arguments."""
    return [click.Option([flag], is_flag=True, expose_value=False, is_eager=True, callback=callback, help=text)
            for flag, callback, text in GLOBAL_FLAGS]


def _write_description(formatter, text):
    """The description as paragraphs, wrapped between words only (`gg-locks`, `--max-failures` stay whole)."""
    if not text:
        return
    width = max(40, formatter.width - formatter.current_indent - 2)
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        formatter.write("\n" + textwrap.fill(" ".join(paragraph.split()), width, initial_indent="  ",
                                             subsequent_indent="  ", break_on_hyphens=False,
                                             break_long_words=False) + "\n")


def _write_examples(formatter, examples):
    """Examples exactly as written: click rewraps help text, which mangles command lines."""
    if not examples:
        return
    formatter.write("\nExamples:\n")
    for line in inspect.cleandoc(examples).splitlines():
        formatter.write(("  " + line).rstrip() + "\n")


def _best_guess(parse, ctx, args):
    """click's parse, with one suggestion for an unknown option (the closest), not a list."""
    try:
        return parse(ctx, args)
    except click.NoSuchOption as exc:
        if exc.possibilities:
            exc.possibilities = list(exc.possibilities)[:1]      # click lists them closest first
        raise


class GGCommand(click.Command):
    def parse_args(self, ctx, args):
        return _best_guess(super().parse_args, ctx, args)

    def __init__(self, *args, examples="", **kwargs):
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)
        self.examples = examples
        self.params.extend(global_options())

    def format_help_text(self, ctx, formatter):
        _write_description(formatter, self.help)

    def format_epilog(self, ctx, formatter):
        _write_examples(formatter, self.examples)


class GGGroup(click.Group):
    """Commands listed in the order they were added; `gg plna` -> did you mean 'plan'?; no
    command: the help, exit 2 (a usage error, as before)."""

    def __init__(self, *args, examples="", **kwargs):
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)
        self.examples = examples
        self.params.extend(global_options())

    def list_commands(self, ctx):
        return list(self.commands)

    def format_help_text(self, ctx, formatter):
        _write_description(formatter, self.help)

    def format_epilog(self, ctx, formatter):
        _write_examples(formatter, self.examples)

    def parse_args(self, ctx, args):
        if not args and not ctx.resilient_parsing:
            output.echo(ctx.get_help())
            ctx.exit(2)
        return _best_guess(super().parse_args, ctx, args)

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.5)
            ctx.fail("No such command %r.%s" % (name, " Did you mean %r?" % close[0] if close else ""))
        return super().resolve_command(ctx, args)


def command(group, name, short_help, description="", examples="", **kwargs):
    """Register `fn(args) -> exit code` as `gg ... NAME`; args holds the parsed parameters."""
    def decorate(fn):
        @functools.wraps(fn)
        def callback(**params):
            return fn(types.SimpleNamespace(**params))
        return group.command(name, cls=GGCommand, short_help=short_help,
                             help=description or short_help[0].upper() + short_help[1:] + ".",
                             examples=examples, **kwargs)(callback)
    return decorate


def subgroup(group, name, short_help, description="", examples=""):
    """A command with actions (`gg sandbox start`); options given to the group reach each action."""
    def decorate(fn):
        return group.group(name, cls=GGGroup, short_help=short_help,
                           help=description or short_help[0].upper() + short_help[1:] + ".",
                           examples=examples)(fn)
    return decorate


def options(*decorators):
    """Several click decorators as one, applied in the order written (the first is listed first)."""
    def apply(fn):
        for decorate in reversed(decorators):
            fn = decorate(fn)
        return fn
    return apply


def format_option(*choices, default="text", help_text=None):
    return click.option("--format", "format", type=click.Choice(choices), default=default, show_default=True,
                        help=help_text or "output format; json: a stable report on stdout (see docs/CLI.md)")
