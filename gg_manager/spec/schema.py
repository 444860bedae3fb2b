"""JSON Schema validation of the parsed spec, with messages a person can act on."""
import difflib
import json
import re
from functools import lru_cache

import jsonschema

from gg_manager import bundled
from gg_manager.spec.diagnostics import Reporter


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number",
               "boolean": "true or false", "object": "a mapping", "array": "a list",
               "null": "nothing"}


@lru_cache(maxsize=None)
def load_schema(name="greengrass.schema.json") -> dict:
    """A schema of schemas/ (gg_manager.bundled: package data when installed)."""
    return json.loads(bundled.schema_text(name))


def _type_of(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null" if value is None else type(value).__name__


def did_you_mean(word, choices):
    cutoff = 0.5 if len(word) <= 4 else 0.6  # 'fm' -> 'fn' is one letter of two
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return " (did you mean %r?)" % close[0] if close else ""


def _short(value, limit=60):
    if isinstance(value, str):
        text = repr(value[:limit])
    else:
        text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def report_schema_errors(data, schema: dict, reporter: Reporter, base=()) -> None:
    """Validate `data` against `schema`; every violation becomes a located diagnostic."""
    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        _report(err, reporter, base)


def _report(err, reporter, base):
    path = base + tuple(err.absolute_path)
    if "propertyNames" in err.schema_path:
        _report_key(err, reporter, path)
        return
    kind = err.validator
    handler = _HANDLERS.get(kind)
    if handler is not None:
        handler(err, reporter, path)
    else:
        message = _SIMPLE.get(kind)
        reporter.error(path, message(err) if message else err.message)


def _report_key(err, reporter, path):
    """A mapping key breaking `propertyNames` (tag keys, environment variable names)."""
    key = err.instance
    helper = err.schema.get("x-help")
    if err.validator == "maxLength":
        message = "key %s is longer than %d characters" % (_short(key), err.validator_value)
    elif err.validator == "minLength":
        message = "a key must not be empty"
    elif helper:
        message = helper % _short(key)
    else:
        message = "key %s: %s" % (_short(key), err.message)
    reporter.error(path + (key,), message, key=True)


def _unknown_keys(err, reporter, path):
    allowed = set(err.schema.get("properties", {}))
    patterns = [re.compile(p) for p in err.schema.get("patternProperties", {})]
    for key in err.instance:
        if key in allowed or any(p.search(key) for p in patterns):
            continue
        reporter.error(path + (key,), "unknown key %r%s" % (key, did_you_mean(key, allowed)),
                       key=True)


def _missing_keys(err, reporter, path):
    for key in [k for k in err.validator_value if k not in err.instance]:
        reporter.error(path, "missing required key %r" % key, key=True)


def _wrong_type(err, reporter, path):
    wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
    names = " or ".join(_TYPE_NAMES.get(t, t) for t in wanted)
    reporter.error(path, "expected %s, got %s %s" % (names, _TYPE_NAMES.get(_type_of(err.instance), "?"),
                                                      _short(err.instance)))


def _not_in_enum(err, reporter, path):
    options = ", ".join(str(o) for o in err.validator_value)
    hint = did_you_mean(str(err.instance), [str(o) for o in err.validator_value])
    reporter.error(path, "must be one of: %s; got %s%s" % (options, _short(err.instance), hint))


def _no_match(err, reporter, path):
    helper = err.schema.get("x-help")
    if helper:
        reporter.error(path, helper % _short(err.instance))
    else:
        reporter.error(path, "%s does not match %s" % (_short(err.instance), err.validator_value))


_HANDLERS = {"additionalProperties": _unknown_keys, "required": _missing_keys, "type": _wrong_type,
             "enum": _not_in_enum, "pattern": _no_match}

_SIMPLE = {
    "minimum": lambda e: "must be at least %s, got %s" % (e.validator_value, _short(e.instance)),
    "exclusiveMinimum": lambda e: "must be more than %s, got %s" % (e.validator_value, _short(e.instance)),
    "maximum": lambda e: "must be at most %s, got %s" % (e.validator_value, _short(e.instance)),
    "minItems": lambda e: "needs at least %d item(s)" % e.validator_value,
    "maxItems": lambda e: "has %d items; at most %d are allowed" % (len(e.instance), e.validator_value),
    "maxProperties": lambda e: "has %d entries; at most %d are allowed" % (len(e.instance),
                                                                         e.validator_value),
    "minLength": lambda e: "must not be empty",
    "maxLength": lambda e: "is %d characters long; at most %d are allowed" % (len(e.instance),
                                                                            e.validator_value),
}
