"""What the CLI prints, and how: colour only on a terminal (never when piped, with NO_COLOR set
or --no-color), JSON reports on stdout, errors once on stderr, --debug lines on stderr.

A plan's text is coloured by its change markers (`+ ~ - !`) as it is written, so the
renderers and the workflow stay free of terminal codes.
"""
import io
import json
import logging
import os
import re
import sys
from dataclasses import dataclass

import click

from gg_manager import logstamp


@dataclass
class Settings:
    no_color: bool = False
    debug: bool = False


settings = Settings()


def reset():
    """A fresh run of `main` (tests call it many times in one process)."""
    global settings
    settings = Settings()
    logger = logging.getLogger("gg.aws")
    logger.setLevel(logging.NOTSET)
    for handler in list(logger.handlers):
        if getattr(handler, "gg_debug", False):
            logger.removeHandler(handler)


def color_on(stream):
    """Colour for `stream` (stdout when None)? Only on a terminal, without NO_COLOR or --no-color."""
    stream = sys.stdout if stream is None else stream
    if settings.no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):
        return False


def enable_debug():
    """--debug: gg's AWS call log (gg_manager.aws.calls) to stderr, stamped; nothing of botocore's own
    (its debug log holds request headers, Authorization included)."""
    settings.debug = True
    logger = logging.getLogger("gg.aws")
    if any(getattr(h, "gg_debug", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logstamp.StampFormatter("%(message)s"))
    handler.gg_debug = True
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False


def echo(text="", file=None):
    """A line to stdout (or `file`). Not click.echo: it hides a closed pipe, and `gg plan | head` must
    end with the status of a process killed by SIGPIPE (cli.main returns 141)."""
    print(text, file=file or sys.stdout)


def error(message):
    """`error: MESSAGE` on stderr, once; red on a terminal."""
    prefix = click.style("error:", fg="red", bold=True) if color_on(sys.stderr) else "error:"
    echo("%s %s" % (prefix, message), file=sys.stderr)


def warn(message):
    prefix = click.style("warning:", fg="yellow", bold=True) if color_on(sys.stderr) else "warning:"
    echo("%s %s" % (prefix, message), file=sys.stderr)


def emit_json(report):
    """A JSON report on stdout: indented, keys sorted, nothing else on that stream."""
    echo(json.dumps(report, indent=2, sort_keys=True, default=str))


def progress(fmt):
    """Where progress lines go: stdout for text, stderr when stdout carries a JSON report."""
    return sys.stderr if fmt == "json" else sys.stdout


# -- plan text in colour -------------------------------------------------------------------
MARKERS = (
    (re.compile(r"^ {2}\+ "), "green"),
    (re.compile(r"^ {2}~ "), "yellow"),
    (re.compile(r"^ {2}- "), "red"),
    (re.compile(r"^ {2}! "), "cyan"),
    (re.compile(r"^(Plan|Destroy plan|Apply complete|Removed|Deployed)\b"), None),  # bold
    (re.compile(r"^group [^:]+: (Failure|Timeout|gave up)\b"), "red"),
    (re.compile(r"^group [^:]+: Success\b"), "green"),
)


def style_line(line):
    for pattern, colour in MARKERS:
        if pattern.search(line):
            return click.style(line, fg=colour, bold=colour is None)
    return line


class Styled(io.TextIOBase):
    """A text stream that colours whole lines by their marker, then writes them to `target`."""

    def __init__(self, target):
        super().__init__()
        self.target = target
        self._partial = ""

    def writable(self):
        return True

    def write(self, text):
        data = self._partial + text
        *lines, self._partial = data.split("\n")
        for line in lines:
            self.target.write(style_line(line) + "\n")
        return len(text)

    def flush(self):
        if self._partial:
            self.target.write(style_line(self._partial))
            self._partial = ""
        self.target.flush()

    def isatty(self):
        return color_on(self.target)


def stream(fmt="text"):
    """The stream progress and plans go to for this output format, coloured when it is a terminal."""
    target = progress(fmt)
    return Styled(target) if color_on(target) else target


def say(text, fmt="text"):
    """One line of progress or result, to the stream for `fmt`, coloured on a terminal."""
    out = stream(fmt)
    out.write(text + "\n")
    out.flush()
