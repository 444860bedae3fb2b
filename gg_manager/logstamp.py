"""The one timestamp format of every log gg writes: ISO 8601, UTC, milliseconds
(`2026-11-30T12:00:00.123Z`), at the start of each line; and no terminal escapes in a log.

Used by the sandbox log, the local cores' system and Lambda logs, V2 component logs and
`gg --debug`.
"""
import logging
import re
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
LINE_START = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")


def timestamp(seconds=None):
    seconds = time.time() if seconds is None else seconds
    millis = int(round(seconds * 1000))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000)) + ".%03dZ" % (millis % 1000)


def clean(text):
    """`text` without terminal escape sequences (colours, cursor moves)."""
    return ANSI.sub("", text)


MAX_LINE = 64 * 1024


def stamp_line(line, seconds=None):
    return "%s %s" % (timestamp(seconds), clean(line))


class StampFormatter(logging.Formatter):
    """A logging formatter stamping every line of a record (a traceback's too):
    `STAMP [LEVEL] name: message` by default."""

    def __init__(self, fmt="[%(levelname)s] %(name)s: %(message)s"):
        super().__init__(fmt)

    def format(self, record):
        return "\n".join(stamp_line(line, record.created) for line in super().format(record).split("\n"))


def append_line(path, text):
    """Append `text` to the log at `path`, each of its lines stamped."""
    with open(path, "a", encoding="utf-8", errors="replace") as log:
        for line in str(text).split("\n"):
            log.write(stamp_line(line) + "\n")


def copy_stamped(stream, path):
    """Append each line of the binary `stream` (a process's output) to the log at `path`, stamped
    and without terminal escapes, until end of file."""
    with stream, open(path, "a", encoding="utf-8", errors="replace") as log:
        for raw in iter(lambda: stream.readline(MAX_LINE), b""):
            log.write(stamp_line(raw.decode("utf-8", "replace").rstrip("\r\n")) + "\n")
            log.flush()
