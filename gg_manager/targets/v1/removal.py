"""Deleting shared things safely: a Lambda only if gg made it and no group outside the removal uses
it; its execution role only if gg made it and no Lambda that stays uses it."""
from dataclasses import dataclass
from typing import List, Optional

from gg_manager.aws.errors import missing
from gg_manager.plan.model import Note
from gg_manager.plan.operations import paginate, read
from gg_manager.resources import names
from gg_manager.resources.iam import ActualRole, delete_role_change, discover_role
from gg_manager.resources.lambda_fn import delete_function_change


@dataclass
class FunctionRemoval:
    name: str
    delete_function: bool             # False: only its execution role goes (the Lambda is not gg's)
    role: Optional[ActualRole]        # gg's execution role, when it goes too
    reason: str = ""


def roles_in_use(ctx):
    """{role name: [Lambda names whose configuration uses it]} over the account's Lambdas."""
    used = {}
    for fn in paginate(ctx, "lambda:ListFunctions", "Functions"):
        used.setdefault((fn.get("Role") or "").split("/")[-1], []).append(fn["FunctionName"])
    return used


def plan_function_removals(ctx, candidates, used_elsewhere, reason=""):
    """(removals, notes) for Lambda names gg would delete; `used_elsewhere`: {name: [users]}."""
    removals, notes, staying = [], [], []
    for name in sorted(candidates):
        fn = missing(read, ctx, "lambda:GetFunction", FunctionName=name)
        if not fn:                   # gone already (an interrupted run): its role may be left
            staying.append(name)
            continue
        if not names.is_managed(fn.get("Tags")):
            notes.append(Note("lambda", name, "not made by gg"))
            staying.append(name)
        elif used_elsewhere.get(name):
            notes.append(Note("lambda", name, "still used by %s" % ", ".join(sorted(used_elsewhere[name]))))
            staying.append(name)
        else:
            removals.append(FunctionRemoval(name, True, None, reason))
    if removals or staying:
        _add_roles(ctx, removals, staying, notes)
    return removals, notes


def _add_roles(ctx, removals, staying, notes):
    """Each Lambda's gg execution role goes too, unless a Lambda that stays uses it."""
    using = roles_in_use(ctx)
    going = {r.name for r in removals}
    for name in sorted({r.name for r in removals} | set(staying)):
        role_name = names.function_role_name(name)
        role = discover_role(ctx, role_name, for_delete=True)
        if role is None or not role.managed:
            continue
        users = sorted(u for u in using.get(role_name, []) if u not in going)
        if users:
            notes.append(Note("iam role", role_name, "still used by Lambda %s" % ", ".join(users)))
            continue
        removal = next((r for r in removals if r.name == name), None)
        if removal is not None:
            removal.role = role
        else:
            removals.append(FunctionRemoval(name, False, role))


def removed_function_changes(removals: List[FunctionRemoval]):
    changes = []
    for removal in removals:
        if removal.delete_function:
            changes.append(delete_function_change(removal.name, reason=removal.reason))
        if removal.role:
            changes.append(delete_role_change(removal.role, fallback_policy=removal.role.name + "-policy"))
    return changes
