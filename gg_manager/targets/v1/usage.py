"""What the account's other groups still use, read from their definitions: a Lambda or a model
object gg would delete is kept while any group outside the removal names it (another spec's,
greengo's, a console-made one). Read only when there is something to delete."""
import threading
from concurrent.futures import ThreadPoolExecutor

from gg_manager.aws.errors import missing
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.plan.operations import read
from gg_manager.targets.v1.kinds import BY_KEY


def _latest_entries(ctx, listing, kind_key, excluded_groups):
    """{definition name: entries of its latest version} for definitions of groups outside `excluded_groups`."""
    kind = BY_KEY[kind_key]
    skip = {kind.definition_name(g) for g in excluded_groups}
    items = [d for name, found in listing.definitions[kind_key].items() if name not in skip
             for d in found if d.get("LatestVersion")]
    out, lock = {}, threading.Lock()

    def one(item):
        answer = missing(read, ctx, kind.get_version_op, **{kind.id_param: item["Id"],
                                                            kind.version_id_param: item["LatestVersion"]})
        entries = ((answer or {}).get("Definition") or {}).get(kind.entries) or []
        with lock:
            out.setdefault(item.get("Name") or item["Id"], []).extend(entries)

    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        list(pool.map(one, items))
    return out


def lambdas_in_use(ctx, listing, excluded_groups):
    """{Lambda name: [definition names that use it]}."""
    used = {}
    for name, entries in _latest_entries(ctx, listing, "function", excluded_groups).items():
        for entry in entries:
            parts = (entry.get("FunctionArn") or "").split(":")
            if len(parts) >= 7:
                used.setdefault(parts[6], []).append(name)
    return used


def objects_in_use(ctx, listing, excluded_groups):
    """{s3://bucket/key: [definition names that use it]} of S3 model resources."""
    used = {}
    for name, entries in _latest_entries(ctx, listing, "resource", excluded_groups).items():
        for entry in entries:
            body = (entry.get("ResourceDataContainer") or {}).get("S3MachineLearningModelResourceData") or {}
            if body.get("S3Uri"):
                used.setdefault(body["S3Uri"], []).append(name)
    return used
