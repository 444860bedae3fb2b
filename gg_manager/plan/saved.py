"""Saved plans (`gg plan --out FILE`, `gg apply FILE`): refused when AWS or the spec moved on.

A saved plan is the JSON rendering, sensitive values redacted. `gg apply FILE` never
executes what it reads: it plans again, compares the fresh plan's redacted JSON with the
file, and runs the fresh plan (whose values are real) only when they are the same.
"""
import json

from gg_manager.errors import GGError
from gg_manager.plan.model import FORMAT_VERSION
from gg_manager.plan.render import plan_json

COMPARED = ("target", "mode", "changes", "bookkeeping")


def save(plan, path, sensitive=frozenset()):
    with open(path, "w") as f:
        json.dump(plan_json(plan, sensitive), f, indent=2, sort_keys=True)
        f.write("\n")


def load(path) -> dict:
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise GGError("cannot read plan %s: %s" % (path, exc))
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise GGError("%s is not a gg plan file (or was written by another gg version)" % path)
    return data


def check_same(saved: dict, plan, path, sensitive=frozenset()):
    """Raise unless `plan` (fresh) is exactly what `saved` shows."""
    fresh = plan_json(plan, sensitive)
    if saved.get("fingerprint") != fresh["fingerprint"]:
        raise GGError("AWS changed since %s was made; run `gg plan` again" % path)
    if any(saved.get(k) != fresh[k] for k in COMPARED):
        if _what(saved, False) == _what(fresh, False) and _what(saved, True) != _what(fresh, True):
            raise GGError("%s was made %s --no-deploy and this apply runs %s it: nothing was done; apply it "
                          "as it was planned" % (path, *(("with", "without") if not _what(saved, True) else
                                                        ("without", "with"))))
        raise GGError("the spec or the code it packages changed since %s was made; "
                      "run `gg plan` again" % path)


def _what(data, deploys):
    """The (action, kind, name, group) of the plan's deployments (deploys=True) or of its other changes."""
    return [(c["action"], c["kind"], c["name"], c["group"]) for c in data.get("changes") or []
            if (c["action"] == "deploy") == deploys]
