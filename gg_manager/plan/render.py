"""A plan as text (terminal), markdown (a PR comment) or JSON: all three read the same changes and steps.

Text and markdown show, per change, what a reviewer needs (plan/review.py: attributes of what is
created, what differs in what is updated, policy documents in full or as a diff, drift as
expected/found) and the AWS calls that carry it out. Every line of a change starts with a mark,
after its indentation: `+ ~ - !` (create, update, delete, deploy; `+`/`-` also for lines a policy
gains or loses), so a terminal can colour a line by its first character; step lines start with
their id. Markdown puts the same lines in ```diff blocks with the mark in the first column (GitHub
colours them). JSON keeps the structured `before`/`after` values.

Every string that reaches the reader goes through `redact` first, so values marked sensitive in
the spec print as "(sensitive)" in every form (saved plans included).
"""
import json
import re

from gg_manager.plan.model import SYMBOL
from gg_manager.plan.review import change_lines, readable, short_hash
from gg_manager.plan.sensitive import redact_value

DRIFT_NOTE = "(drift: changed outside gg; apply puts it back)"
STEP_PARAM_WIDTH = 48
INDENT = "  "


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


def _short(value, width=STEP_PARAM_WIDTH):
    value = readable(value)
    text = json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
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


def title(change) -> str:
    line = "%s %-22s %s" % (SYMBOL[change.action], change.kind, short_hash(change.name))
    return line + ("   " + DRIFT_NOTE if change.cause == "drift" else "")


def change_block(change):
    """[(mark, indentation, text)] of one change: its title, what a reviewer reads, its steps."""
    rows = [(SYMBOL[change.action], "", title(change)[2:])]
    for line in change_lines(change):
        rows.append((line.mark, INDENT * (2 + line.depth), line.text))
    rows += [("", INDENT * 2, step_line(s)) for s in change.steps]
    return rows


def _text_row(mark, indent, text, base=INDENT):
    """Text: indentation, then the mark (the colour hook), then the text."""
    return base + indent + (mark.strip() or " ") + " " + text


def render_text(plan, sensitive=frozenset()) -> str:
    out = []
    if plan.empty:
        out.append(_empty_text(plan))
    for group, changes in _sections(plan):
        out.append("shared by the spec's groups:" if not group else "group %s:" % group)
        for change in changes:
            out += [_text_row(*row) for row in change_block(change)]
        out.append("")
    for c in plan.bookkeeping:
        out.append("gg's own record: %s %s (%s)" % (c.kind, c.name, "; ".join(c.fields)))
        out.extend(INDENT * 4 + step_line(s) for s in c.steps)
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


# --- markdown --------------------------------------------------------------------------------

def fence(lines, info=""):
    """A fenced code block that no backtick run inside it can close (a spec value may hold ```)."""
    longest = max([len(run) for line in lines for run in re.findall(r"`+", line)] + [2])
    marker = "`" * (longest + 1)
    return [marker + info] + list(lines) + [marker]


def code(text):
    """Inline code that survives backticks in `text`."""
    longest = max([len(run) for run in re.findall(r"`+", text)] + [0])
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return "%s%s%s%s%s" % (ticks, pad, text, pad, ticks)


def _markdown_row(mark, indent, text):
    """Markdown (```diff): the mark in the first column, so GitHub colours the line."""
    return (mark or " ") + " " + indent + text


def render_markdown(plan, sensitive=frozenset()) -> str:
    out = ["### gg %s for %s (%s, account %s)" % (
        "destroy plan" if plan.mode == "destroy" else "plan", code(plan.spec_file), plan.region, plan.account), ""]
    if plan.empty:       # nothing to change, but a rollout may still have groups to deploy: the comment says so
        out.append("No changes." if plan.mode == "apply" and not plan.deploy_needed else _empty_text(plan))
    else:
        out.append("**%s**" % summary(plan))
    for group, changes in _sections(plan):
        out += ["", "#### %s" % ("shared by the spec's groups" if not group else "group %s" % code(group)), ""]
        out += fence([_markdown_row(*row) for change in changes for row in change_block(change)], "diff")
    if plan.bookkeeping:
        out += ["", "#### gg's own record", ""]
        lines = []
        for c in plan.bookkeeping:
            lines += ["%s %s (%s)" % (c.kind, c.name, "; ".join(c.fields))] + ["    " + step_line(s) for s in c.steps]
        out += fence(lines)
    if plan.notes:
        out += ["", "#### kept", ""] + ["- %s %s: %s" % (n.kind, code(n.name), n.reason) for n in plan.notes]
    return redact_value("\n".join(out) + "\n", sensitive)


def plan_json(plan, sensitive=frozenset()) -> dict:
    """The plan as plain data with sensitive values redacted: what --format json prints and --out saves."""
    return redact_value(plan.to_json(), sensitive)


def render_json(plan, sensitive=frozenset()) -> str:
    return json.dumps(plan_json(plan, sensitive), indent=2, sort_keys=True)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
