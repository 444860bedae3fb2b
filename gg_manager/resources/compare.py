"""Comparing API-shaped values: order-insensitive where AWS is (what differs, as a reviewer reads it:
gg_manager/plan/review.py)."""
import hashlib
import json

from gg_manager.plan.model import Text
from gg_manager.provision.policies import canonical_policy


def normalize(value):
    """Lists of entries with an Id compare as sets keyed by Id; None values are absent."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        items = [normalize(v) for v in value]
        if items and all(isinstance(i, dict) and "Id" in i for i in items):
            return sorted(items, key=lambda i: str(i["Id"]))
        return items
    return value


def same(a, b) -> bool:
    return normalize(a) == normalize(b)


def same_policy(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return canonical_policy(a) == canonical_policy(b)


def substitute(value, mapping):
    """Replace placeholder strings (e.g. ${group_id}) wherever they occur, by their value once
    known, or by a Ref (a Text inside a longer string) to the step that will produce it."""
    if isinstance(value, dict):
        return {k: substitute(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, mapping) for v in value]
    if not isinstance(value, str):
        return value
    parts = [value]
    for key, real in mapping.items():
        if real is not None:
            parts = [piece for part in parts for piece in _split(part, key, real)]
    parts = _join_strings(p for p in parts if p != "")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else Text(tuple(parts))


def _split(part, key, real):
    """`part` with every `key` in it replaced by `real`, as a list of pieces."""
    if not isinstance(part, str) or key not in part:
        return [part]
    pieces = []
    for i, piece in enumerate(part.split(key)):
        if i:
            pieces.append(real)
        pieces.append(piece)
    return pieces


def _join_strings(parts):
    out = []
    for part in parts:
        if out and isinstance(part, str) and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return out


def content_hash(value) -> str:
    """A short stable digest of an API-shaped value, order-insensitive like `same`."""
    text = json.dumps(normalize(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def policy_document(doc):
    """A policy document as AWS returns it (a dict, JSON text, or URL-encoded JSON text) -> dict."""
    if doc is None:
        return None
    if isinstance(doc, str):
        from urllib.parse import unquote
        return json.loads(unquote(doc) if doc.startswith("%7B") else doc)
    return doc
