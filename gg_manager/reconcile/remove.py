"""Remove everything gg made for a spec, in the order AWS requires; a second run finishes the job."""
import glob
import os
from concurrent.futures import ThreadPoolExecutor

from gg_manager.aws.session import MAX_WORKERS, describe_error, error_code, paginate
from gg_manager.errors import GGError
from gg_manager.package.model_tarball import model_s3_key
from gg_manager.reconcile import names
from gg_manager.reconcile.discover import missing
from gg_manager.reconcile.execute import GONE, _tolerate, delete_core_thing


def remove(ctx, spec, out, purge_local=False, only_groups=None):
    groups = [g for g in spec.groups if not only_groups or g.name in only_groups]
    gg = ctx.client("greengrass")
    by_name = {}
    for group in paginate(gg, "list_groups", "Groups"):
        by_name.setdefault(group["Name"], []).append(group)
    defs = {}
    for kind in names.DEFINITION_KINDS:
        for d in paginate(gg, "list_%ss" % names.snake(names.API_NOUN[kind]), "Definitions"):
            defs.setdefault((kind, d.get("Name")), []).append(d["Id"])
    errors = {}

    def one(group):
        try:
            _remove_group(ctx, group, by_name.get(group.name, []), defs, out)
        except Exception as exc:
            errors[group.name] = describe_error(exc)

    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        list(pool.map(one, groups))
    if errors:
        raise GGError("remove did not finish; run it again:\n  " + "\n  ".join(
            "group %s: %s" % kv for kv in sorted(errors.items())))
    kept = {f.name for g in spec.groups if g not in groups for f in g.functions}
    for name in sorted({f.name for g in groups for f in g.functions if f.managed} - kept):
        _remove_function(ctx, name, out)
    _remove_models(ctx, groups, out)
    if purge_local:
        _purge_local(spec, groups, out)


def _remove_group(ctx, group, found, defs, out):
    gg = ctx.client("greengrass")
    for g in found:
        tags = gg.list_tags_for_resource(ResourceArn=g["Arn"]).get("tags", {})
        if not names.is_managed(tags):
            raise GGError("group %s (%s) exists but was not made by gg; not removing it" % (group.name, g["Id"]))
        try:
            gg.reset_deployments(GroupId=g["Id"], Force=True)
        except Exception as exc:   # a group never deployed has nothing to reset
            if error_code(exc) not in ("BadRequestException",) + tuple(GONE):
                raise
        _tolerate(GONE, gg.disassociate_role_from_group, GroupId=g["Id"])
        _tolerate(GONE, gg.delete_group, GroupId=g["Id"])
        out.write("group %s: deleted group %s\n" % (group.name, g["Id"]))
    for kind in names.DEFINITION_KINDS:
        noun = names.API_NOUN[kind]
        for def_id in defs.get((kind, names.definition_name(group.name, kind)), []):
            _tolerate(GONE, getattr(gg, "delete_%s" % names.snake(noun)), **{noun + "Id": def_id})
            out.write("group %s: deleted %s definition %s\n" % (group.name, kind, def_id))
    iot = ctx.client("iot")
    if missing(iot.describe_thing, thingName=group.core.name) or \
            missing(iot.get_policy, policyName=names.core_policy_name(group.core.name)):
        delete_core_thing(iot, group.core.name, names.core_policy_name(group.core.name))
        out.write("group %s: deleted thing, certificate and policy of %s\n" % (group.name, group.core.name))
    _remove_role(ctx, names.group_role_name(group.name), out, group.name)


def _remove_role(ctx, role_name, out, label):
    iam = ctx.client("iam")
    role = missing(iam.get_role, RoleName=role_name)
    if not role:
        return
    tags = {t["Key"]: t["Value"] for t in role["Role"].get("Tags", [])}
    if not names.is_managed(tags):
        return
    for policy in iam.list_role_policies(RoleName=role_name).get("PolicyNames", []):
        iam.delete_role_policy(RoleName=role_name, PolicyName=policy)
    _tolerate(GONE, iam.delete_role, RoleName=role_name)
    out.write("%s: deleted iam role %s\n" % (label, role_name))


def _remove_function(ctx, name, out):
    lam = ctx.client("lambda")
    fn = missing(lam.get_function, FunctionName=name)
    if fn and names.is_managed(fn.get("Tags")):
        _tolerate(GONE, lam.delete_function, FunctionName=name)
        out.write("shared: deleted lambda %s\n" % name)
    _remove_role(ctx, names.function_role_name(name), out, "shared")


def _remove_models(ctx, groups, out):
    """Every object gg uploaded for these groups' local models, then the bucket if empty."""
    s3 = ctx.client("s3")
    buckets = {g.artifact_bucket or names.default_artifact_bucket(ctx.account, ctx.region) for g in groups
               if any(r.local_model for r in g.resources)}
    model_ids = {r.id for g in groups for r in g.resources if r.local_model}
    for bucket in sorted(buckets):
        if missing(s3.head_bucket, Bucket=bucket) is None:
            continue
        for model_id in sorted(model_ids):
            prefix = model_s3_key(model_id, "0" * 64).rsplit("/", 1)[0] + "/"
            for obj in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix=prefix):
                s3.delete_object(Bucket=bucket, Key=obj["Key"])
                out.write("shared: deleted s3://%s/%s\n" % (bucket, obj["Key"]))
        left = s3.list_objects_v2(Bucket=bucket, MaxKeys=1).get("KeyCount", 0)
        tagging = missing(s3.get_bucket_tagging, Bucket=bucket) or {}
        tags = {t["Key"]: t["Value"] for t in tagging.get("TagSet", [])}
        if not left and names.is_managed(tags):
            _tolerate(GONE, s3.delete_bucket, Bucket=bucket)
            out.write("shared: deleted bucket %s\n" % bucket)


def _purge_local(spec, groups, out):
    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    for group in groups:
        certs_dir = os.path.join(spec_dir, group.core.key_path)
        for path in glob.glob(os.path.join(certs_dir, group.core.name + ".*")):
            os.remove(path)
            out.write("local: removed %s\n" % path)
        config = os.path.join(spec_dir, group.core.config_path, "config.json")
        if os.path.exists(config):
            os.remove(config)
            out.write("local: removed %s\n" % config)
