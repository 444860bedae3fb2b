"""What a V2 removal deletes beyond the groups: gg's component versions, Lambdas and their roles, model
ZIPs, the apply record, and with --all the artifact bucket and lock table; each only when gg made it
(its gg:managed-by tag) and no deployment outside the removal, and no group of the spec that stays,
uses it. What is kept is a plan note with the reason."""
from dataclasses import dataclass, field
from typing import Dict, List, Set

from gg_manager.aws.errors import missing
from gg_manager.plan.model import Change, Note
from gg_manager.plan.operations import paginate, read
from gg_manager.resources import names as gg_names
from gg_manager.spec import model as m
from gg_manager.targets.v1.destroy_shared import (SharedRemoval, _infrastructure, _managed_object, _objects,
                                                  shared_changes as v1_shared_changes)
from gg_manager.targets.v1.removal import plan_function_removals
from gg_manager.targets.v2 import names

GONE_V2 = ("ResourceNotFoundException",)


@dataclass
class SharedV2Removal:
    base: SharedRemoval = field(default_factory=SharedRemoval)
    components: List[tuple] = field(default_factory=list)      # (name, version, version arn)
    notes: List[Note] = field(default_factory=list)


def _used_elsewhere(ctx, listing, removed_targets) -> Dict[str, Set[str]]:
    """{component name: {deployments outside the removal that use it}} (read only when there is something
    to delete)."""
    used = {}
    for target, dep in sorted(listing.deployments.items()):
        if target in removed_targets:
            continue
        found = missing(read, ctx, "greengrassv2:GetDeployment", deploymentId=dep["deploymentId"]) or {}
        for name in found.get("components") or {}:
            used.setdefault(name, set()).add(dep.get("deploymentName") or target)
    return used


def _going(selected, remaining):
    """(Lambdas, model Ids) of the removed groups that no group of the spec that stays uses."""
    functions = {f.name for g in selected for f in g.functions} - {f.name for g in remaining for f in g.functions}
    models = {r.id for g in selected for r in g.models} - {r.id for g in remaining for r in g.models}
    return functions, models


def discover_shared(ctx, spec, selected, listing, groups, record_key, everything) -> SharedV2Removal:
    chosen = {g.name for g in selected}
    remaining = [g for g in spec.groups if g.name not in chosen]
    found = SharedV2Removal()
    functions, models = _going(selected, remaining)
    candidates = sorted({names.lambda_component(f) for f in functions} | {names.model_component(i) for i in models})
    used = _used_elsewhere(ctx, listing, {g.thing_group_arn for g in groups}) if candidates else {}
    _components(ctx, listing, candidates, used, found)
    _functions(ctx, selected, functions, used, found)
    default = gg_names.default_artifact_bucket(ctx.account, ctx.region)
    _models(ctx, selected, models, used, default, found)
    if not remaining and missing(read, ctx, "s3:HeadObject", Bucket=default, Key=record_key):
        found.base.objects.append((default, record_key, "gg's V2 apply record of this spec"))
    buckets = sorted({default} | {g.artifact_bucket for g in spec.groups if g.artifact_bucket})
    _infrastructure(ctx, buckets, _gg_groups_left(listing, chosen), everything, found.base)
    found.notes += found.base.notes
    found.base.notes = []
    return found


def _functions(ctx, selected, functions, used, found):
    """Lambdas gg packaged for the removed groups, with their roles, unless a deployment outside uses them."""
    managed = {f.name for g in selected for f in g.functions if f.managed} & functions
    uses = {f: sorted(used[names.lambda_component(f)]) for f in managed if names.lambda_component(f) in used}
    found.base.functions, notes = plan_function_removals(ctx, managed, uses)
    found.notes += notes


def _models(ctx, selected, models, used, default, found):
    for group in selected:
        for model in group.models:
            if model.id in models and names.model_component(model.id) not in used:
                _model_objects(ctx, group.artifact_bucket or default, model, found)


def _components(ctx, listing, candidates, used, found):
    for name in candidates:
        if name in used:
            found.notes.append(Note("component", name, "still deployed by %s" % ", ".join(sorted(used[name]))))
        elif name in listing.components:
            found.components += _component_versions(ctx, listing.components[name], found.notes)


def _component_versions(ctx, listed, notes):
    out = []
    for item in paginate(ctx, "greengrassv2:ListComponentVersions", "componentVersions", arn=listed["arn"]):
        tags = (missing(read, ctx, "greengrassv2:DescribeComponent", arn=item["arn"]) or {}).get("tags") or {}
        if gg_names.is_managed(tags):
            out.append((item["componentName"], item["componentVersion"], item["arn"]))
        else:
            notes.append(Note("component version", "%s %s" % (item["componentName"], item["componentVersion"]),
                              "not made by gg"))
    return out


def _model_objects(ctx, bucket, model, found):
    if not isinstance(model.source, (m.LocalModel, m.S3Model, m.SageMakerModel)):
        return
    prefix = "%s/%s/" % (names.MODEL_PREFIX_S3, names.model_stem(model.id))
    planned = {(b, k) for b, k, _ in found.base.objects}
    for obj in _objects(ctx, bucket, prefix):
        if not obj["Key"].endswith(".zip") or (bucket, obj["Key"]) in planned:
            continue
        if _managed_object(ctx, bucket, obj["Key"]):
            found.base.objects.append((bucket, obj["Key"], ""))
        else:
            found.notes.append(Note("model object", "s3://%s/%s" % (bucket, obj["Key"]), "not uploaded by gg"))


def _gg_groups_left(listing, chosen):
    """Groups with a gg deployment in the account, outside the removal (their thing groups remain)."""
    left = set()
    for dep in listing.deployments.values():
        name = dep.get("deploymentName") or ""
        group = dep.get("targetArn", "").rsplit("/", 1)[-1]
        if name.startswith("gg-") and group not in chosen and group in listing.thing_groups:
            left.add(group)
    return sorted(left)


def shared_changes(found: SharedV2Removal):
    changes = []
    for name, version, arn in found.components:
        change = Change("delete", "component version", "%s %s" % (name, version))
        change.add("greengrassv2:DeleteComponent", {"arn": arn}, done_if=GONE_V2)
        changes.append(change)
    return changes + v1_shared_changes(found.base)
