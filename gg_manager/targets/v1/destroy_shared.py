"""What a removal deletes beyond the groups: Lambdas, model objects, the apply record, and with
--all the infrastructure every gg app of the account shares (artifact bucket, rollout role, lock
table), each only when gg made it and nothing that stays uses it."""
import time
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from gg_manager.aws.errors import gone, missing
from gg_manager.locking import TABLE as LOCK_TABLE
from gg_manager.plan.model import Change, Note
from gg_manager.plan.operations import paginate, read
from gg_manager.resources import names
from gg_manager.resources.artifacts import (GONE as S3_GONE, delete_bucket_change, delete_object_change,
                                            discover_bucket)
from gg_manager.resources.iam import ActualRole, delete_role_change, discover_role
from gg_manager.spec import model as m
from gg_manager.targets.v1.removal import FunctionRemoval, plan_function_removals, removed_function_changes
from gg_manager.targets.v1.rollout.role import ROLE_NAME as ROLLOUT_ROLE
from gg_manager.targets.v1.usage import lambdas_in_use, objects_in_use

MODEL_PREFIX = "gg-models/"
ALL_HINT = "shared by every gg app of the account; `gg remove --all` deletes it once no app uses it"


@dataclass
class SharedRemoval:
    functions: List[FunctionRemoval] = field(default_factory=list)
    objects: List[Tuple[str, str, str]] = field(default_factory=list)   # (bucket, key, why)
    buckets: List[str] = field(default_factory=list)
    rollout_role: Optional[ActualRole] = None
    lock_table: bool = False
    notes: List[Note] = field(default_factory=list)


def _gg_groups_left(listing, selected):
    """Names of gg-made groups in the account outside the removal (from the core definitions' tags)."""
    left = set()
    for items in listing.definitions["core"].values():
        for item in items:
            tags = item.get("Tags") or {}
            group = tags.get(names.GROUP_TAG)
            if names.is_managed(tags) and group and group not in selected and group in listing.all_groups:
                left.add(group)
    return sorted(left)


def discover_shared(ctx, spec, selected, listing, record_object_key, everything) -> SharedRemoval:
    chosen = {g.name for g in selected}
    remaining = [g for g in spec.groups if g.name not in chosen]
    found = SharedRemoval()
    candidates = {f.name for g in selected for f in g.functions if f.managed}
    candidates -= {f.name for g in remaining for f in g.functions}
    used = lambdas_in_use(ctx, listing, chosen) if candidates else {}
    found.functions, found.notes = plan_function_removals(ctx, candidates, used)
    _model_objects(ctx, selected, remaining, listing, chosen, found)
    default_bucket = names.default_artifact_bucket(ctx.account, ctx.region)
    if not remaining and missing(read, ctx, "s3:HeadObject", Bucket=default_bucket, Key=record_object_key):
        found.objects.append((default_bucket, record_object_key, "gg's apply record of this spec"))
    buckets = sorted({default_bucket} | {g.artifact_bucket for g in spec.groups if g.artifact_bucket})
    _infrastructure(ctx, buckets, _gg_groups_left(listing, chosen), everything, found)
    return found


def _model_objects(ctx, selected, remaining, listing, chosen, found):
    """Objects gg uploaded for the removed groups' local models, unless a group that stays uses them."""
    kept_ids = {r.id for g in remaining for r in g.models if isinstance(r.source, m.LocalModel)}
    default = names.default_artifact_bucket(ctx.account, ctx.region)
    wanted = sorted({(g.artifact_bucket or default, r.id) for g in selected for r in g.models
                     if isinstance(r.source, m.LocalModel) and r.id not in kept_ids})
    used = None
    for bucket, model_id in wanted:
        for obj in _objects(ctx, bucket, "%s%s/" % (MODEL_PREFIX, model_id)):
            if not _managed_object(ctx, bucket, obj["Key"]):
                found.notes.append(Note("model object", "s3://%s/%s" % (bucket, obj["Key"]), "not uploaded by gg"))
                continue
            used = objects_in_use(ctx, listing, chosen) if used is None else used
            users = used.get("s3://%s/%s" % (bucket, obj["Key"]))
            if users:
                found.notes.append(Note("model object", "s3://%s/%s" % (bucket, obj["Key"]),
                                        "still used by %s" % ", ".join(sorted(users))))
            else:
                found.objects.append((bucket, obj["Key"], ""))


def _objects(ctx, bucket, prefix=""):
    try:
        return list(paginate(ctx, "s3:ListObjectsV2", "Contents", Bucket=bucket, Prefix=prefix))
    except Exception as exc:
        from gg_manager.aws.errors import error_code
        if error_code(exc) in S3_GONE:
            return []
        raise


def _managed_object(ctx, bucket, key):
    tagging = missing(read, ctx, "s3:GetObjectTagging", Bucket=bucket, Key=key) or {}
    return names.is_managed(names.tag_map(tagging.get("TagSet")))


def _infrastructure(ctx, buckets, gg_groups_left, everything, found):
    """With --all and no gg group left in the region: the shared bucket(s), rollout role, lock table."""
    existing = [b for b in (discover_bucket(ctx, b) for b in buckets) if b and b.managed]
    role = discover_role(ctx, ROLLOUT_ROLE, for_delete=True)
    role = role if role and role.managed else None
    table = missing(read, ctx, "dynamodb:DescribeTable", TableName=LOCK_TABLE) is not None
    if not everything or gg_groups_left:
        found.notes += _kept_shared(existing, role, table, gg_groups_left, everything)
        return
    for bucket in existing:
        _empty_bucket(ctx, bucket.name, found)
    found.rollout_role = role
    if table:
        holders = _live_locks(ctx)
        if holders:
            found.notes.append(Note("dynamodb table", LOCK_TABLE, "a run holds a lock in it: %s" % holders[0]))
        else:
            found.lock_table = True


def _kept_shared(buckets, role, table, gg_groups_left, everything):
    shared = [("s3 bucket", b.name) for b in buckets]
    if role:
        shared.append(("iam role", ROLLOUT_ROLE))
    if table:
        shared.append(("dynamodb table", LOCK_TABLE))
    why = ALL_HINT
    if everything:
        why = "still used by %d gg group%s (%s)" % (len(gg_groups_left), "" if len(gg_groups_left) == 1 else "s",
                                                    ", ".join(gg_groups_left[:5]))
    return [Note(kind, name, why) for kind, name in shared]


def _empty_bucket(ctx, bucket, found):
    """Every object gg put in the bucket goes, then the bucket, unless it holds something else."""
    planned = {(b, k) for b, k, _ in found.objects}
    others = []
    for obj in _objects(ctx, bucket):
        if (bucket, obj["Key"]) in planned:
            continue
        if _managed_object(ctx, bucket, obj["Key"]):
            found.objects.append((bucket, obj["Key"], "gg's, in the shared bucket"))
        else:
            others.append(obj["Key"])
    if others:
        found.notes.append(Note("s3 bucket", bucket, "holds %d object%s gg did not upload" % (
            len(others), "" if len(others) == 1 else "s")))
    else:
        found.buckets.append(bucket)


def _live_locks(ctx):
    now = int(time.time())
    items = read_all_locks(ctx)
    return [i["owner"]["S"] for i in items if i.get("owner") and int(i.get("expires_at", {}).get("N", "0")) > now]


def read_all_locks(ctx):
    from gg_manager.locking import list_locks
    return list_locks(ctx)


def shared_changes(found: SharedRemoval):
    changes = removed_function_changes(found.functions)
    for bucket, key, why in found.objects:
        changes.append(delete_object_change(bucket, key, why))
    for bucket in found.buckets:
        changes.append(delete_bucket_change(bucket, "no gg app uses it any more"))
    if found.rollout_role:
        changes.append(delete_role_change(found.rollout_role))
    if found.lock_table:
        change = Change("delete", "dynamodb table", LOCK_TABLE, fields=["gg's lock table; no gg app uses it any more"])
        change.add("dynamodb:DeleteTable", {"TableName": LOCK_TABLE}, done_if=gone("dynamodb"))
        changes.append(change)
    return changes
