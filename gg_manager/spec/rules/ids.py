"""Ids match [a-zA-Z0-9:_-]+ and are unique within their section."""
import re

ID_RE = re.compile(r"^[a-zA-Z0-9:_-]+$")

# section -> the key holding the item's identity
ID_KEYS = {"Resources": "Id", "Subscriptions": "Id", "Loggers": "Id", "Connectors": "Id",
           "Lambdas": "name", "Devices": "name", "Cores": "name"}


def id_path(item, key):
    return item.path if "Models" in item.path else item.path + (key,)


def check_ids(view, reporter, spec_dir):
    for section, key in ID_KEYS.items():
        seen = {}
        for item in view.items(section):
            value = item.data.get(key)
            if not isinstance(value, str):
                continue
            if key == "Id" and not ID_RE.match(value):
                reporter.error(id_path(item, key), "Id %r may only hold letters, digits, ':', '_' "
                               "and '-'" % value)
            if value in seen:
                reporter.error(id_path(item, key), "duplicate %s %r in group %r (first at %s)"
                               % (key, value, view.name, _where(reporter, seen[value])))
            else:
                seen[value] = id_path(item, key)


def _where(reporter, path):
    line, col = reporter.locate(path)
    return "line %d" % line
