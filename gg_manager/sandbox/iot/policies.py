"""Does a thing's certificate allow an IoT action on a resource? (Allow/Deny statements, wildcards,
the `${iot:Connection.Thing.ThingName}` and `${iot:ClientId}` variables; Deny wins.) No moto import."""
import fnmatch
import json


def _listed(value):
    return [value] if isinstance(value, str) else list(value or [])


def _expand(pattern, thing_name):
    return (pattern.replace("${iot:Connection.Thing.ThingName}", thing_name)
            .replace("${iot:ClientId}", thing_name))


def _matches(patterns, value, thing_name, case=True):
    for pattern in _listed(patterns):
        pattern = _expand(pattern, thing_name)
        if fnmatch.fnmatchcase(value if case else value.lower(), pattern if case else pattern.lower()):
            return True
    return False


def decision(documents, action, resource, thing_name):
    """'allow', 'deny' or 'none' over policy documents (JSON text or dicts)."""
    allowed = False
    for document in documents:
        data = json.loads(document) if isinstance(document, str) else document
        for statement in _listed(data.get("Statement")):
            if not (_matches(statement.get("Action"), action, thing_name, case=False)
                    and _matches(statement.get("Resource", "*"), resource, thing_name)):
                continue
            if statement.get("Effect") == "Deny":
                return "deny"
            allowed = allowed or statement.get("Effect") == "Allow"
    return "allow" if allowed else "none"
