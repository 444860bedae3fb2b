"""JSON Schema validation of the parsed spec, with messages a person can act on."""
import difflib
import json
import os
import re
from functools import lru_cache

import jsonschema

from gg_manager.spec.diagnostics import Reporter

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "schemas")

_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number",
               "boolean": "true or false", "object": "a mapping", "array": "a list",
               "null": "nothing"}


@lru_cache(maxsize=None)
def load_schema(name="greengrass.schema.json") -> dict:
    with open(os.path.join(SCHEMA_DIR, name)) as f:
        return json.load(f)


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
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def report_schema_errors(data, schema: dict, reporter: Reporter, base=()) -> None:
    """Validate `data` against `schema`; every violation becomes a located diagnostic."""
    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        _report(err, reporter, base)


def _report(err, reporter, base):
    path = base + tuple(err.absolute_path)
    kind, value = err.validator, err.instance
    if kind == "additionalProperties":
        allowed = set(err.schema.get("properties", {}))
        patterns = [re.compile(p) for p in err.schema.get("patternProperties", {})]
        for key in value:
            if key in allowed or any(p.search(key) for p in patterns):
                continue
            reporter.error(path + (key,), "unknown key %r%s" % (key, did_you_mean(key, allowed)),
                           key=True)
    elif kind == "required":
        missing = [k for k in err.validator_value if k not in value]
        for key in missing:
            reporter.error(path, "missing required key %r" % key, key=True)
    elif kind == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        names = " or ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        reporter.error(path, "expected %s, got %s %s" % (names, _TYPE_NAMES.get(_type_of(value), "?"),
                                                          _short(value)))
    elif kind == "enum":
        options = ", ".join(str(o) for o in err.validator_value)
        hint = did_you_mean(str(value), [str(o) for o in err.validator_value])
        reporter.error(path, "must be one of: %s; got %s%s" % (options, _short(value), hint))
    elif kind == "pattern":
        reporter.error(path, "%s does not match %s" % (_short(value), err.validator_value))
    elif kind in ("minimum", "exclusiveMinimum"):
        reporter.error(path, "must be at least %s, got %s" % (err.validator_value, value))
    elif kind == "minItems":
        reporter.error(path, "needs at least %d item(s)" % err.validator_value)
    elif kind == "minLength":
        reporter.error(path, "must not be empty")
    elif kind == "maxLength":
        reporter.error(path, "is longer than %d characters" % err.validator_value)
    else:
        reporter.error(path, err.message)
