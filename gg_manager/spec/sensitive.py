"""Sensitive values: what a spec got from the environment or marked `| sensitive`.

`load_spec` returns them as `LoadResult.sensitive`; every output that may echo a
spec value (diagnostics, `gg validate --format json`, plans, saved plans, logs)
passes its text through `redact(text, sensitive)`, the way Terraform shows
`(sensitive value)`.

How values are matched:
- Longest first, so a value that contains a shorter one is replaced whole.
- A value of MIN_ANYWHERE (4) characters or more is replaced wherever it appears,
  also inside a longer word ("gg-s3cr3t-group" -> "gg-(sensitive)-group").
- A shorter value (1 to 3 characters, say a port "80" or a flag "on") is replaced
  only where it stands as a whole token (not next to a letter, digit or '_'):
  replacing it inside every word would make the output unreadable, and a value
  that short is no secret worth the name. It is still never shown on its own.
- Empty values are ignored.
"""
import re
from functools import lru_cache

PLACEHOLDER = "(sensitive)"
MIN_ANYWHERE = 4


class SensitiveStr(str):
    """A str that remembers it is sensitive while a template renders; its slices and
    characters stay sensitive (template calls, filters and operators are tainted by the
    sandbox, see template_sandbox.py)."""

    __slots__ = ()

    def __getitem__(self, index):
        return SensitiveStr(str.__getitem__(self, index))

    def __iter__(self):
        return (SensitiveStr(c) for c in str.__iter__(self))


def is_sensitive(value) -> bool:
    return isinstance(value, SensitiveStr)


def mark(value):
    """`value` as a SensitiveStr (str() of it for non-strings)."""
    return value if isinstance(value, SensitiveStr) else SensitiveStr(value)


def _words(values):
    return frozenset(str(v) for v in values if v is not None and str(v) != "")


@lru_cache(maxsize=32)
def _pattern(words):
    words = sorted(words, key=lambda v: (-len(v), v))
    if not words:
        return None
    parts = []
    for word in words:
        escaped = re.escape(word)
        if len(word) < MIN_ANYWHERE:
            escaped = r"(?<![0-9A-Za-z_])%s(?![0-9A-Za-z_])" % escaped
        parts.append(escaped)
    return re.compile("|".join(parts))


def redact(text: str, values) -> str:
    """`text` with every sensitive value in `values` replaced by '(sensitive)'."""
    if not text or not values:
        return text
    pattern = _pattern(_words(values))
    return pattern.sub(PLACEHOLDER, text) if pattern is not None else text


def redact_json(data, values):
    """A JSON-shaped value with every string (keys too) passed through redact(); a number
    whose text is a sensitive value becomes the placeholder string."""
    if not values:
        return data
    if isinstance(data, str):
        return redact(data, values)
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return PLACEHOLDER if str(data) in _words(values) else data
    if isinstance(data, dict):
        return {redact_json(k, values): redact_json(v, values) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_json(v, values) for v in data]
    return data
