"""Ids are unique within their section (their pattern and length are in the schema)."""

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
            if value in seen:
                reporter.error(id_path(item, key), "duplicate %s %r in group %r (first at %s)"
                               % (key, value, view.name, _where(reporter, seen[value])))
            else:
                seen[value] = id_path(item, key)


def _where(reporter, path):
    line, col = reporter.locate(path)
    return "line %d" % line
