"""The plan: a value to print, save, test and execute.

`changes` are what a person reads (+ create, ~ update with fields, - delete,
! redeploy); `steps` are what the executor runs, in order, shared first then per
group. `fingerprint` is a hash of what discovery saw, so a saved plan refuses to
run against an AWS that changed since.
"""
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Dict, List

from gg_manager.errors import GGError

FORMAT_VERSION = 1
SYMBOL = {"create": "+", "update": "~", "delete": "-", "redeploy": "!"}


@dataclass
class Change:
    action: str            # create | update | delete | redeploy
    kind: str              # e.g. "lambda", "iam role", "function definition"
    name: str
    group: str = ""        # "" for resources shared by the spec's groups
    fields: List[str] = field(default_factory=list)
    cause: str = "spec"    # spec: the spec asks for it; drift: AWS was changed outside gg


@dataclass
class Step:
    op: str
    args: dict
    group: str = ""


@dataclass
class Plan:
    spec_file: str
    account: str
    region: str
    fingerprint: str
    changes: List[Change] = field(default_factory=list)
    steps: List[Step] = field(default_factory=list)
    known: Dict[str, dict] = field(default_factory=dict)      # group -> ids discovery found
    groups: List[str] = field(default_factory=list)
    deploy_needed: List[str] = field(default_factory=list)
    digests: Dict[str, str] = field(default_factory=dict)     # local inputs the steps rebuild

    @property
    def empty(self):
        return not self.steps

    def counts(self):
        out = {"create": 0, "update": 0, "delete": 0}
        for c in self.changes:
            if c.action in out:
                out[c.action] += 1
        return out

    def shared_steps(self):
        return [s for s in self.steps if not s.group]

    def group_steps(self, group):
        return [s for s in self.steps if s.group == group]

    # --- persistence -------------------------------------------------------------
    def to_json(self):
        return dict(asdict(self), format=FORMAT_VERSION)

    def save(self, path):
        with open(path, "w") as f:
            json.dump(self.to_json(), f, indent=2, sort_keys=True)
            f.write("\n")

    @classmethod
    def load(cls, path):
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as exc:
            raise GGError("cannot read plan %s: %s" % (path, exc))
        if data.pop("format", None) != FORMAT_VERSION:
            raise GGError("%s is not a gg plan file (or was written by another gg version)" % path)
        data["changes"] = [Change(**c) for c in data["changes"]]
        data["steps"] = [Step(**s) for s in data["steps"]]
        return cls(**data)


def fingerprint(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


# --- rendering -----------------------------------------------------------------------
def _line(change):
    text = "  %s %-22s %s" % (SYMBOL[change.action], change.kind, change.name)
    if change.cause == "drift":
        text += "   (drift: changed outside gg; apply puts it back)"
    if change.fields:
        text += "\n" + "\n".join("        %s" % f for f in change.fields)
    return text


def _sections(plan):
    order = [""] + list(plan.groups)
    for group in order:
        changes = [c for c in plan.changes if c.group == group]
        if changes:
            yield group, changes


def _summary(plan):
    counts = plan.counts()
    text = "Plan: %d to create, %d to update, %d to delete." % (
        counts["create"], counts["update"], counts["delete"])
    drift = sum(1 for c in plan.changes if c.cause == "drift")
    if drift:
        text += " %d of them undo drift." % drift
    if plan.deploy_needed:
        text += " Deploy needed: %s." % ", ".join(plan.deploy_needed)
    return text


def render_text(plan) -> str:
    if not plan.changes:
        return "No changes. AWS matches %s (%d group%s)." % (
            plan.spec_file, len(plan.groups), "" if len(plan.groups) == 1 else "s")
    out = []
    for group, changes in _sections(plan):
        out.append("shared by the spec's groups:" if not group else "group %s:" % group)
        out.extend(_line(c) for c in changes)
        out.append("")
    out.append(_summary(plan))
    return "\n".join(out)


def render_markdown(plan) -> str:
    out = ["### gg plan for `%s` (%s, account %s)" % (plan.spec_file, plan.region, plan.account), ""]
    if not plan.changes:
        out.append("No changes.")
        return "\n".join(out) + "\n"
    out.append("**%s**" % _summary(plan))
    for group, changes in _sections(plan):
        out += ["", "#### %s" % ("shared" if not group else "group `%s`" % group), "",
                "| | kind | name | details |", "|---|---|---|---|"]
        for c in changes:
            details = "<br>".join(f.replace("|", "\\|") for f in c.fields)
            if c.cause == "drift":
                details = "**drift** (changed outside gg)" + ("<br>" + details if details else "")
            out.append("| `%s` | %s | `%s` | %s |" % (SYMBOL[c.action], c.kind, c.name, details))
    return "\n".join(out) + "\n"


def render_json(plan) -> str:
    return json.dumps({"spec": plan.spec_file, "account": plan.account, "region": plan.region,
                       "changes": [asdict(c) for c in plan.changes], "summary": plan.counts(),
                       "deploy_needed": plan.deploy_needed, "steps": len(plan.steps)},
                      indent=2, sort_keys=True)
