"""Values the spec marks sensitive, shown as "(sensitive)" wherever gg prints or saves a plan.

The spec front end knows which values are sensitive (`LoadResult.sensitive`: values that
came from allowed environment variables or were marked `| sensitive`) and owns the
redactor (`gg_manager.spec.sensitive`). This module applies it to plans and log streams.
The executor never sees redacted values: it runs the freshly computed plan.
"""
import io

from gg_manager.spec.sensitive import redact as _redact
from gg_manager.spec.sensitive import redact_json


def redact(text, values):
    return _redact(text, values) if values else text


def redact_value(value, values):
    """`value` (text or JSON-like data) with every sensitive value replaced, at any depth."""
    return redact_json(value, values) if values else value


class RedactingWriter(io.TextIOBase):
    """A text stream that redacts what passes through it (apply and remove log lines)."""

    def __init__(self, out, values):
        self._out, self._values = out, frozenset(values)

    def write(self, text):
        self._out.write(redact(text, self._values))
        return len(text)

    def flush(self):
        self._out.flush()


def redacting(out, values):
    return RedactingWriter(out, values) if values else out
