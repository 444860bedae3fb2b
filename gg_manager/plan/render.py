"""A plan as text (terminal), markdown (a PR comment) or JSON: all three read the same steps.

Every string that reaches the reader goes through `redact` first, so values marked
sensitive in the spec print as "(sensitive)" in every form (saved plans included).
"""
import json

from gg_manager.plan.model import SYMBOL, Ref, Text
from gg_manager.plan.sensitive import redact_value

DRIFT_NOTE = "(drift: changed outside gg; apply puts it back)"
STEP_PARAM_WIDTH = 48


def _sections(plan):
    for group in [""] + list(plan.groups):
        changes = [c for c in plan.changes if c.group == group]
        if changes:
            yield group, changes


def summary(plan) -> str:
    counts = plan.counts()
    if plan.mode == "destroy":
        text = "Plan: %d to delete." % counts["delete"]
    else:
        text = "Plan: %d to create, %d to update, %d to delete." % (
            counts["create"], counts["update"], counts["delete"])
    if counts["deploy"]:
        text += " %d to deploy." % counts["deploy"]
    drift = sum(1 for c in plan.changes if c.cause == "drift")
    if drift:
        text += " %d of them undo drift." % drift
    if plan.deploy_needed and not counts["deploy"]:
        text += " Deploy needed: %s." % ", ".join(plan.deploy_needed)
    return text


def readable(value):
    """A parameter as a person reads it: Refs as <step output>, Texts joined."""
    if isinstance(value, Ref):
        return "<%s %s>" % (value.step_id, value.output)
    if isinstance(value, Text):
        return "".join(p if isinstance(p, str) else readable(p) for p in value.parts)
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [readable(v) for v in value]
    return value


def _short(value, width=STEP_PARAM_WIDTH):
    value = readable(value)
    text = json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def step_line(step) -> str:
    params = ", ".join("%s=%s" % (k, _short(v)) for k, v in step.params.items())
    return "%s %s %s" % (step.id, step.operation, params)


def _empty_text(plan):
    if plan.mode == "destroy":
        return "Nothing to remove: no resource of %s that gg made exists." % plan.spec_file
    text = "No changes. AWS matches %s (%d group%s)" % (
        plan.spec_file, len(plan.groups), "" if len(plan.groups) == 1 else "s")
    if not plan.deploy_needed:
        return text + "."
    needed = plan.deploy_needed
    return text + " but for what runs on the cores. Deploy needed: %s%s (`gg rollout` or `gg deploy`)." % (
        ", ".join(needed[:5]), " and %d more" % (len(needed) - 5) if len(needed) > 5 else "")


def render_text(plan, sensitive=frozenset()) -> str:
    out = []
    if plan.empty:
        out.append(_empty_text(plan))
    for group, changes in _sections(plan):
        out.append("shared by the spec's groups:" if not group else "group %s:" % group)
        for c in changes:
            line = "  %s %-22s %s" % (SYMBOL[c.action], c.kind, c.name)
            out.append(line + ("   " + DRIFT_NOTE if c.cause == "drift" else ""))
            out.extend("        %s" % f for f in c.fields)
            out.extend("      %s" % step_line(s) for s in c.steps)
        out.append("")
    for c in plan.bookkeeping:
        out.append("gg's own record: %s %s (%s)" % (c.kind, c.name, "; ".join(c.fields)))
        out.extend("      %s" % step_line(s) for s in c.steps)
    out.extend(_notes(plan))
    if not plan.empty:
        out.append(summary(plan))
    return redact_value("\n".join(out).rstrip("\n"), sensitive)


def _notes(plan):
    if not plan.notes:
        return []
    lines = ["kept (not %s):" % ("removed" if plan.mode == "destroy" else "changed")]
    for n in plan.notes:
        lines.append("  = %-22s %s%s: %s" % (n.kind, n.name, " (group %s)" % n.group if n.group else "", n.reason))
    return lines + [""]


def render_markdown(plan, sensitive=frozenset()) -> str:
    out = ["### gg %s for `%s` (%s, account %s)" % (
        "destroy plan" if plan.mode == "destroy" else "plan", plan.spec_file, plan.region, plan.account), ""]
    if plan.empty:
        out.append("No changes." if plan.mode == "apply" else _empty_text(plan))
    else:
        out.append("**%s**" % summary(plan))
    for group, changes in _sections(plan):
        out += ["", "#### %s" % ("shared" if not group else "group `%s`" % group), "",
                "| | kind | name | details |", "|---|---|---|---|"]
        for c in changes:
            details = [f.replace("|", "\\|") for f in c.fields]
            if c.cause == "drift":
                details.insert(0, "**drift** (changed outside gg)")
            details.append("steps: " + ", ".join("`%s`" % s.operation for s in c.steps))
            out.append("| `%s` | %s | `%s` | %s |" % (SYMBOL[c.action], c.kind, c.name, "<br>".join(details)))
    if plan.notes:
        out += ["", "#### kept", ""] + ["- %s `%s`: %s" % (n.kind, n.name, n.reason) for n in plan.notes]
    return redact_value("\n".join(out) + "\n", sensitive)


def plan_json(plan, sensitive=frozenset()) -> dict:
    """The plan as plain data with sensitive values redacted: what --format json prints and --out saves."""
    return redact_value(plan.to_json(), sensitive)


def render_json(plan, sensitive=frozenset()) -> str:
    return json.dumps(plan_json(plan, sensitive), indent=2, sort_keys=True)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
