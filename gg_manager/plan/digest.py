"""The digest of what a plan read (its fingerprint), computed without copying what was read.

sha256 of `json.dumps(dataclasses.asdict(state), sort_keys=True, default=str)`, as before, so a
saved plan's fingerprint still matches; but asdict deep-copies the whole state and dumps
builds its whole text (at 1000 groups, ~20 MB held at once for a plan whose state is ~20 MB).
Here the outer levels (the state, its dicts of groups, each group) are written piece by piece
into the hash, each piece with the same encoder, so only one group's text exists at a time.
"""
import dataclasses
import hashlib
import json

LEVELS = 3          # state -> dict of groups -> a group's fields; below that, one json.dumps


def _fields(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return str(value)


def _dumps(value):
    return json.dumps(value, sort_keys=True, default=_fields)


def _chunks(value, levels):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = _fields(value)
    if not levels or not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        yield _dumps(value)
        return
    yield "{"
    for i, key in enumerate(sorted(value)):
        yield (", " if i else "") + _dumps(key) + ": "
        yield from _chunks(value[key], levels - 1)
    yield "}"


def state_digest(state) -> str:
    """Hex sha256 of the state's JSON (dataclasses as their fields, anything else JSON can't say as str)."""
    digest = hashlib.sha256()
    for chunk in _chunks(state, LEVELS):
        digest.update(chunk.encode())
    return digest.hexdigest()
