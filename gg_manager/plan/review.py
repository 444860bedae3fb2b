"""What a reviewer reads of each change, derived from the structured `before`/`after` it carries.

- create: the new resource's attributes (`after`), nested values indented, lists of API
  entries by their Id;
- update: each field that differs, `path: old -> new`; for drift (AWS changed outside gg)
  `path: expected X, found Y`;
- IAM and IoT policy documents (any value holding a `Statement`): in full on create, as a line
  diff of their canonical pretty JSON on update;
- hashes (a SHA-256 as 64 hex digits or Lambda's 44-character base64) as 12 hex digits and "…".

Every line carries a mark the output can colour: the change's symbol (`+ ~ - !`), or `+`/`-`
for a line a policy document gains or loses (" " for the lines around it). Knows no resource
type and no target: only the shapes of values.
"""
import base64
import binascii
import difflib
import json
import re
from dataclasses import dataclass

from gg_manager.plan.model import SYMBOL, Ref, Text
from gg_manager.provision.policies import canonical_policy

INLINE_WIDTH = 100            # a flat mapping or entry fits on one line up to this
DIFF_CONTEXT = 2              # unchanged policy lines shown around a change
_HEX64 = re.compile(r"\b[0-9a-f]{64}\b")
_B64_SHA256 = re.compile(r"^[A-Za-z0-9+/]{43}=$")
_VIEW_KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")     # gg's own views: code_sha256 -> "code sha256"
NONE = "(none)"


@dataclass(frozen=True)
class Line:
    mark: str                 # "+", "-", "~", "!" or " " (context)
    depth: int                # nesting below the change
    text: str


# --- values as a person reads them -----------------------------------------------------------

def readable(value, shorten=True):
    """Refs as <step output>, Texts joined, hashes short (with `shorten`); containers kept."""
    if isinstance(value, Ref):
        return "<%s %s>" % (value.step_id, value.output)
    if isinstance(value, Text):
        return "".join(p if isinstance(p, str) else readable(p) for p in value.parts)
    if isinstance(value, dict):
        return {k: readable(v, shorten) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [readable(v, shorten) for v in value]
    if isinstance(value, str) and shorten:
        return short_hash(value)
    return value


def short_hash(text):
    """SHA-256 digests as their first 12 hex digits and "…": hex ones anywhere in `text` (an object
    key names one), a base64 one (Lambda's CodeSha256) when it is the whole value."""
    text = _HEX64.sub(lambda found: found.group()[:12] + "…", text)
    if _B64_SHA256.match(text):
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return text
        if len(raw) == 32:
            return raw.hex()[:12] + "…"
    return text


def scalar(value):
    if value is None:
        return NONE
    return value if isinstance(value, str) else json.dumps(value)


def label(key, depth):
    key = str(key)
    return key.replace("_", " ") if depth == 0 and _VIEW_KEY.match(key) else key


def is_policy(value):
    return isinstance(value, dict) and "Statement" in value


def canonical_lines(document):
    """A policy document as canonical pretty JSON lines: single values as lists, lists sorted, keys
    sorted; the document, its statements and each statement one key a line, smaller values on one
    line when they fit (so a diff shows the statement and key that changed)."""
    try:
        text = canonical_policy(document)
    except (TypeError, ValueError, AttributeError):
        text = json.dumps(document, sort_keys=True)
    return pretty_json(json.loads(text))


def pretty_json(value, depth=0, indent="", lead=""):
    """JSON lines: containers at depth < 3 open one item a line; deeper ones inline if they fit."""
    compact = json.dumps(value, sort_keys=True, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or not value or (depth >= 3 and len(indent + lead + compact) <= INLINE_WIDTH):
        return [indent + lead + compact]
    inner = indent + "  "
    if isinstance(value, dict):
        items = [pretty_json(v, depth + 1, inner, json.dumps(k, ensure_ascii=False) + ": ")
                 for k, v in sorted(value.items())]
        opening, closing = "{", "}"
    else:
        items = [pretty_json(v, depth + 1, inner) for v in value]
        opening, closing = "[", "]"
    lines = [indent + lead + opening]
    for i, item in enumerate(items):
        lines += item[:-1] + [item[-1] + ("," if i < len(items) - 1 else "")]
    return lines + [indent + closing]


def _flat(value):
    return isinstance(value, dict) and value and all(not isinstance(v, (dict, list)) for v in value.values())


def _inline(mapping, sep="="):
    return ", ".join("%s%s%s" % (k, sep, scalar(v)) for k, v in mapping.items())


def _entries(value):
    return isinstance(value, list) and value and all(isinstance(i, dict) and "Id" in i for i in value)


# --- create: attributes ---------------------------------------------------------------------

def attributes(value, mark, depth=0):
    """Lines for every attribute of `value` (a mapping, usually)."""
    value = readable(value)
    if not isinstance(value, dict):
        return [Line(mark, depth, scalar(value))] if value is not None else []
    lines = []
    for key, item in value.items():
        lines += _attribute(label(key, depth), item, mark, depth)
    return lines


def _attribute(name, value, mark, depth):
    if is_policy(value):
        return [Line(mark, depth, name + ":")] + [Line(mark, depth + 1, t) for t in canonical_lines(value)]
    if value in (None, {}, []):
        return [Line(mark, depth, "%s: %s" % (name, NONE))]
    if isinstance(value, dict):
        text = "%s: %s" % (name, _inline(value))
        if _flat(value) and len(text) <= INLINE_WIDTH:
            return [Line(mark, depth, text)]
        return [Line(mark, depth, name + ":")] + attributes(value, mark, depth + 1)
    if isinstance(value, list):
        return _list_attribute(name, value, mark, depth)
    return [Line(mark, depth, "%s: %s" % (name, scalar(value)))]


def _list_attribute(name, value, mark, depth):
    """API entries (dicts with an Id) by their Id; scalars on one line; other items one by one."""
    if _entries(value):
        return [line for entry in value
                for line in _attribute("%s[%s]" % (name, entry["Id"]),
                                       {k: v for k, v in entry.items() if k != "Id"}, mark, depth)]
    if all(not isinstance(v, (dict, list)) for v in value):
        return [Line(mark, depth, "%s: %s" % (name, ", ".join(scalar(v) for v in value)))]
    lines = [Line(mark, depth, name + ":")]
    for item in value:
        if _flat(item):
            lines.append(Line(mark, depth + 1, "- " + _inline(item, ": ")))
        else:
            lines += [Line(mark, depth + 1, "-")] + attributes(item, mark, depth + 2)
    return lines


# --- update: differences --------------------------------------------------------------------

def differences(before, after, drift=False):
    """Lines for what differs between `before` (what AWS holds) and `after` (what the spec asks).
    Values are compared whole; hashes are shortened only where the shortened texts still differ."""
    return _diff(_comparable(readable(before, False)), _comparable(readable(after, False)), "", 0, drift)


def _distinct(old, new):
    """The two texts with their hashes shortened, unless that would make them read the same."""
    short_old, short_new = short_hash(old), short_hash(new)
    return (old, new) if short_old == short_new and old != new else (short_old, short_new)


def difference_texts(before, after, drift=False):
    """The same differences as plain strings (policy documents as one line each)."""
    return [line.text for line in differences(before, after, drift) if line.depth == 0]


def _comparable(value):
    """None values absent; lists of API entries (dicts with an Id) as mappings keyed "[Id]", as AWS
    compares them and so that a difference is named by its entry's Id."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        items = [_comparable(v) for v in value]
        if _entries(items):
            return {"[%s]" % i["Id"]: {k: v for k, v in i.items() if k != "Id"} for i in items}
        return items
    return value


def _path(path, key, depth):
    key = label(key, depth if not path else 1)
    if not path:
        return key
    return path + key if key.startswith("[") else "%s.%s" % (path, key)


def _diff(old, new, path, depth, drift):
    if is_policy(old) or is_policy(new):
        return _policy_diff(old, new, path or "document", drift)
    if isinstance(old, dict) and isinstance(new, dict):
        lines = []
        for key in list(new) + [k for k in old if k not in new]:
            if old.get(key) != new.get(key) or (key in old) != (key in new):
                lines += _diff(old.get(key), new.get(key), _path(path, key, depth), depth + 1, drift)
        return lines
    return _leaf_diff(old, new, path or "value", drift) if old != new else []


def _leaf_diff(old, new, path, drift):
    """One line: a value added (+) or removed (-), or changed (~); for drift, expected and found."""
    old_text, new_text = _distinct(_text(old), _text(new))
    if drift:
        return [Line("~", 0, "%s: expected %s, found %s" % (path, new_text, old_text))]
    if old is None:
        return [Line("+", 0, "%s: %s" % (path, new_text))]
    if new is None:
        return [Line("-", 0, "%s: %s" % (path, old_text))]
    return [Line("~", 0, "%s: %s -> %s" % (path, old_text, new_text))]


def _text(value):
    if value in (None, {}, []):
        return NONE
    if isinstance(value, dict):
        return "{%s}" % _inline(value, ": ") if _flat(value) else json.dumps(value, sort_keys=True)
    if isinstance(value, list):
        return ", ".join(scalar(v) if not isinstance(v, (dict, list)) else json.dumps(v, sort_keys=True)
                         for v in value)
    return scalar(value)


def _policy_diff(old, new, path, drift):
    """A line diff of the canonical pretty JSON of two policy documents (either may be absent)."""
    before = canonical_lines(old) if is_policy(old) else []
    after = canonical_lines(new) if is_policy(new) else []
    if before == after:
        return []
    head = "%s:%s" % (path, " (changed outside gg; apply puts the spec's back)" if drift else "")
    if not before or not after:
        head = "%s: %s" % (path, "added" if not before else "removed")
    lines = [Line("~", 0, head)]
    for group in difflib.SequenceMatcher(None, before, after, autojunk=False).get_grouped_opcodes(DIFF_CONTEXT):
        if lines[-1].depth:
            lines.append(Line(" ", 1, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line(" ", 1, short_hash(t)) for t in before[i1:i2]]
                continue
            removed, added = _distinct("\n".join(before[i1:i2]), "\n".join(after[j1:j2]))
            lines += [Line("-", 1, t) for t in removed.splitlines()]
            lines += [Line("+", 1, t) for t in added.splitlines()]
    return lines


# --- one change ------------------------------------------------------------------------------

def change_lines(change):
    """The lines under a change's title: its reasons (`fields`), then its attributes or differences."""
    mark = SYMBOL[change.action]
    lines = [Line(mark, 0, str(f)) for f in change.fields]
    if change.action == "create":
        lines += attributes(change.after, mark)
    elif change.action == "update" and (change.before is not None or change.after is not None):
        lines += differences(change.before, change.after, change.cause == "drift")
    return lines


def drift_line(change):
    """`update logger definition g-loggers: Loggers[sys].Level: expected INFO, found DEBUG (...)`: one
    line of `gg status`'s drift (either target)."""
    found = difference_texts(change.before, change.after, drift=True) if change.action == "update" else []
    what = "; ".join(list(change.fields) + found)
    return "%s %s %s%s" % (change.action, change.kind, change.name, ": " + what if what else "")
