"""Values the spec marks sensitive, shown as "(sensitive)" wherever gg prints or saves a plan.

The spec front end knows which values are sensitive (`LoadResult.sensitive`: values that
came from allowed environment variables or were marked `| sensitive`) and owns the
redactor (`gg_manager.spec.sensitive.redact(text, values)`). Until that lands, a local
fallback does the same: every occurrence of every value, longest first, is replaced.
The executor never sees redacted values: it runs the freshly computed plan.
"""
import io

MARK = "(sensitive)"


def _fallback_redact(text, values):
    for value in sorted((v for v in values if v), key=len, reverse=True):
        text = text.replace(value, MARK)
    return text


try:  # the spec front end's redactor, when it exists
    from gg_manager.spec.sensitive import redact as _redact
except ImportError:  # pragma: no cover - until spec hardening is merged
    _redact = _fallback_redact


def sensitive_values(load_result) -> frozenset:
    """What a LoadResult marks sensitive (nothing, for a spec front end that marks nothing)."""
    return frozenset(getattr(load_result, "sensitive", frozenset()) or ())


def redact(text, values):
    return _redact(text, values) if values else text


def redact_value(value, values):
    """`value` (text or JSON-like data) with every sensitive value replaced, at any depth."""
    if not values:
        return value
    if isinstance(value, str):
        return redact(value, values)
    if isinstance(value, dict):
        return {redact_value(k, values): redact_value(v, values) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v, values) for v in value]
    return value


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
