"""Component configuration across deployments, with the nucleus's merge rules.

Each leaf remembers when it was set: recipe defaults at time 1, a deployment's merge at the
deployment's time. A new revision starts from the running configuration, removes the reset
paths (JSON pointers; "" resets everything), merges the recipe's DefaultConfiguration at time 1
(so it never overrides a value a deployment merged, but a newer version's default replaces an
older default), then merges the deployment's `merge` document. A tree is plain JSON:
a map is {"m": {key: node}, "t": time}, a leaf {"v": value, "t": time}; lists are leaves.
"""
import json
import logging

from .errors import DeploymentError

log = logging.getLogger("gg.core.v2.configuration")
DEFAULT_TIME = 1


class ConfigurationError(DeploymentError):
    def __init__(self, message):
        super().__init__(message, "COMPONENT_CONFIGURATION_NOT_VALID")


def parse_pointer(pointer):
    """RFC 6901: "" -> [], "/a/b~1c" -> ["a", "b/c"]."""
    if pointer == "":
        return []
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise ConfigurationError("%r is not a JSON pointer (it must be empty or start with '/')" % (pointer,))
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


_MISSING = object()


def lookup(document, pointer):
    """The value at a JSON pointer in a plain document, or MISSING."""
    node = document
    for token in parse_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


MISSING = _MISSING


def tree(value=None, time=DEFAULT_TIME):
    """A tree holding a plain mapping (empty when None)."""
    node = {"m": {}, "t": time}
    merge(node, value or {}, time)
    return node


def _leaf(value, time):
    if isinstance(value, dict):
        return tree(value, time)
    return {"v": value, "t": time}


def merge(node, value, time):
    """Merge a plain mapping into a map node: a newer-or-equal time replaces, an older one only fills gaps."""
    children = node["m"]
    for key, new in value.items():
        key = str(key)
        old = children.get(key)
        if old is None:
            children[key] = _leaf(new, time)
        elif isinstance(new, dict) and "m" in old:
            merge(old, new, time)
        elif time >= old["t"]:
            children[key] = _leaf(new, time)
    node["t"] = max(node["t"], time)
    return node


def to_plain(node):
    if "m" in node:
        return {k: to_plain(v) for k, v in node["m"].items()}
    return node["v"]


def reset(node, pointers):
    """Remove the configuration at each pointer. "" empties it all; a pointer with an array index
    is refused with a log line (the nucleus cannot reset an array element either)."""
    for pointer in pointers or ():
        path = parse_pointer(pointer)
        if not path:
            node["m"] = {}
            return node
        if any(p.isdigit() for p in path):
            log.error("cannot reset %s: it points to an array element", pointer)
            continue
        parent = node
        for token in path[:-1]:
            parent = parent.get("m", {}).get(token)
            if parent is None or "m" not in parent:
                break
        else:
            parent["m"].pop(path[-1], None)
    return node


def parse_merge(merge_value, component):
    """The merge document: a JSON object, given as a JSON string (CreateDeployment) or as an object."""
    if merge_value is None:
        return None
    if isinstance(merge_value, str):
        try:
            merge_value = json.loads(merge_value)
        except ValueError as exc:
            raise ConfigurationError("%s: configurationUpdate.merge is not JSON: %s" % (component, exc)) from None
    if not isinstance(merge_value, dict):
        raise ConfigurationError("%s: configurationUpdate.merge must be a JSON object" % component)
    return merge_value


def next_configuration(running, defaults, update, time):
    """The configuration tree a component gets from this deployment.

    running: the tree it has now (None for a new component); defaults: the recipe's
    DefaultConfiguration; update: {"reset": [...], "merge": {...}} or None; time: the
    deployment's timestamp (> 1)."""
    node = json.loads(json.dumps(running)) if running else tree()
    if update:
        reset(node, update.get("reset"))
    merge(node, defaults or {}, DEFAULT_TIME)
    if update and update.get("merge") is not None:
        merge(node, update["merge"], max(time, DEFAULT_TIME + 1))
    return node
