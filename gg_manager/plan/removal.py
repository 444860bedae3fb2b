"""The destroy plan both targets assemble the same way: each group's removals (stamped with the
group), the group's notes, then what the groups shared, numbered and checked."""
from gg_manager.plan import operations
from gg_manager.plan.model import Plan


def removal_plan(spec, ctx, state, target, group_changes, shared_changes) -> Plan:
    """`state`: a target's DestroyState (groups, shared, fingerprint()); `group_changes(group)` and
    `shared_changes(shared)`: that target's removal Changes, in the order AWS requires."""
    plan = Plan(spec.file, ctx.account, ctx.region, target=target, mode="destroy",
                groups=[g.name for g in state.groups], fingerprint=state.fingerprint())
    for group in state.groups:
        for change in group_changes(group):
            change.group = group.name
            plan.add(change)
        plan.notes.extend(group.notes)
    for change in shared_changes(state.shared):
        plan.add(change)
    plan.notes.extend(state.shared.notes)
    return plan.number(check=operations.check)
