"""Read what exists in AWS for a desired state. Read-only: no call here mutates anything.

Everything is found by name and gg's tags, never from local files, so a CI runner
with an empty checkout plans exactly like the laptop that created the group.
"""
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional
from urllib.parse import unquote

from gg_manager.aws.session import MAX_WORKERS, error_code, paginate
from gg_manager.errors import GGError
from gg_manager.reconcile import names

NOT_FOUND = {"ResourceNotFoundException", "NoSuchEntity", "NotFoundException", "404", "NoSuchKey",
             "NoSuchBucket", "IdNotFoundException"}
# SageMaker answers a missing training job with ValidationException ("Requested resource not found").
SAGEMAKER_NOT_FOUND = NOT_FOUND | {"ValidationException"}


def missing(call, *args, not_found=NOT_FOUND, **kwargs):
    """`call(...)`, or None when AWS says the thing does not exist; other errors propagate."""
    try:
        return call(*args, **kwargs)
    except Exception as exc:  # botocore ClientError; anything else propagates below
        if error_code(exc) in not_found:
            return None
        raise


def policy_document(doc):
    if doc is None:
        return None
    if isinstance(doc, str):
        return json.loads(unquote(doc) if doc.startswith("%7B") else doc)
    return doc


@dataclass
class ActualDefinition:
    id: str
    arn: str
    name: str
    latest_version_arn: Optional[str]
    content: Optional[dict]
    extra_ids: List[str] = field(default_factory=list)   # same-name leftovers of a failed run
    tags: Dict[str, str] = field(default_factory=dict)


@dataclass
class ActualGroup:
    name: str
    group: Optional[dict] = None                 # Id, Arn, LatestVersion, LatestVersionArn
    tags: Dict[str, str] = field(default_factory=dict)
    version_definition: Dict[str, str] = field(default_factory=dict)   # kind -> version ARN in use
    definitions: Dict[str, ActualDefinition] = field(default_factory=dict)
    thing: Optional[dict] = None
    principals: List[str] = field(default_factory=list)
    policy: Optional[dict] = None                # name, document, targets
    role: Optional[dict] = None                  # name, arn, policy
    associated_role_arn: Optional[str] = None
    old_cores: List[str] = field(default_factory=list)   # things of the group's core def not in spec


@dataclass
class Actual:
    groups: Dict[str, ActualGroup]
    functions: Dict[str, Optional[dict]]
    roles: Dict[str, Optional[dict]]
    models: Dict[str, bool]
    buckets: Dict[str, bool]
    removed_functions: Dict[str, dict] = field(default_factory=dict)
    iot_data_endpoint: str = ""

    def fingerprint_data(self):
        return asdict(self)


def discover(ctx, desired, pool_size=MAX_WORKERS) -> Actual:
    gg = ctx.client("greengrass")
    groups_by_name = _index(paginate(gg, "list_groups", "Groups"), "Name")
    defs_by_name = {}
    for kind in names.DEFINITION_KINDS:
        noun = names.API_NOUN[kind]
        items = list(paginate(gg, "list_%ss" % names.snake(noun), "Definitions"))
        defs_by_name[kind] = _index_all(items, "Name")
    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        group_futures = {g.name: pool.submit(_discover_group, ctx, g, groups_by_name, defs_by_name)
                         for g in desired.groups}
        fn_futures = {n: pool.submit(_discover_function, ctx, f) for n, f in desired.functions.items()}
        role_names = [f.role.name for f in desired.functions.values() if f.role]
        role_names += [g.role.name for g in desired.groups if g.role]
        role_futures = {n: pool.submit(_discover_role, ctx, n, n + "-policy") for n in role_names}
        model_futures = {k: pool.submit(_object_exists, ctx, m.bucket, m.key)
                         for k, m in desired.models.items()}
        bucket_futures = {b: pool.submit(_bucket_exists, ctx, b) for b in desired.buckets}
        actual = Actual(
            groups={n: f.result() for n, f in group_futures.items()},
            functions={n: f.result() for n, f in fn_futures.items()},
            roles={n: f.result() for n, f in role_futures.items()},
            models={k: f.result() for k, f in model_futures.items()},
            buckets={b: f.result() for b, f in bucket_futures.items()})
    actual.removed_functions = _removed_functions(ctx, desired, actual)
    return actual


def check_training_jobs(ctx, desired):
    """A SageMaker model source must exist and be Completed before anything is planned on it."""
    sm = ctx.client("sagemaker")
    for job_arn in sorted({j for g in desired.groups for j in g.sagemaker_jobs}):
        name = job_arn.rsplit("/", 1)[-1]
        job = missing(sm.describe_training_job, TrainingJobName=name, not_found=SAGEMAKER_NOT_FOUND)
        if job is None:
            raise GGError("SageMaker training job %s does not exist (model source %s)" % (name, job_arn))
        if job.get("TrainingJobStatus") != "Completed":
            raise GGError("SageMaker training job %s is %s, not Completed; its model cannot be deployed yet"
                          % (name, job.get("TrainingJobStatus")))


def iot_data_endpoint(ctx):
    return ctx.client("iot").describe_endpoint(endpointType="iot:Data-ATS")["endpointAddress"]



def _index(items, key):
    out = {}
    for item in items:
        out.setdefault(item.get(key), item)
    return out


def _index_all(items, key):
    out = {}
    for item in items:
        out.setdefault(item.get(key), []).append(item)
    return out


def _discover_group(ctx, desired_group, groups_by_name, defs_by_name) -> ActualGroup:
    gg = ctx.client("greengrass")
    actual = ActualGroup(desired_group.name)
    group = groups_by_name.get(desired_group.name)
    if group:
        actual.group = {k: group.get(k) for k in ("Id", "Arn", "LatestVersion", "LatestVersionArn")}
        actual.tags = gg.list_tags_for_resource(ResourceArn=group["Arn"]).get("tags", {}) or {}
        if group.get("LatestVersion"):
            ver = gg.get_group_version(GroupId=group["Id"], GroupVersionId=group["LatestVersion"])
            for kind in names.DEFINITION_KINDS:
                arn = ver.get("Definition", {}).get(names.version_key(kind))
                if arn:
                    actual.version_definition[kind] = arn
    for kind in names.DEFINITION_KINDS:
        found = defs_by_name[kind].get(names.definition_name(desired_group.name, kind), [])
        if found:
            actual.definitions[kind] = _definition(gg, kind, found)
    thing = missing(ctx.client("iot").describe_thing, thingName=desired_group.core_name)
    if thing:
        actual.thing = {"name": thing["thingName"], "arn": thing["thingArn"],
                        "attributes": thing.get("attributes", {})}
        actual.principals = sorted(ctx.client("iot").list_thing_principals(
            thingName=desired_group.core_name).get("principals", []))
    actual.policy = _discover_policy(ctx, desired_group.policy_name)
    if desired_group.role:
        actual.role = _discover_role(ctx, desired_group.role.name, desired_group.role.policy_name)
    if actual.group:
        actual.associated_role_arn = _associated_role(gg, actual.group["Id"])
        actual.old_cores = _old_cores(gg, actual, desired_group)
    return actual


def _associated_role(gg, group_id):
    """The group's role ARN; AWS answers BadRequestException when the group has none."""
    try:
        return gg.get_associated_role(GroupId=group_id).get("RoleArn")
    except Exception as exc:
        if error_code(exc) in NOT_FOUND or error_code(exc) == "BadRequestException":
            return None
        raise


def _definition(gg, kind, found) -> ActualDefinition:
    noun = names.snake(names.API_NOUN[kind])
    found = sorted(found, key=lambda d: d.get("CreationTimestamp", ""))
    first = found[0]
    content = None
    if first.get("LatestVersion"):
        args = {names.API_NOUN[kind] + "Id": first["Id"],
                names.API_NOUN[kind] + "VersionId": first["LatestVersion"]}
        content = getattr(gg, "get_%s_version" % noun)(**args).get("Definition", {})
    return ActualDefinition(first["Id"], first["Arn"], first["Name"], first.get("LatestVersionArn"),
                            content, [d["Id"] for d in found[1:]], first.get("Tags") or {})


def _old_cores(gg, actual, desired_group):
    """Things of the group's current core definition that the spec no longer names."""
    core_def = actual.definitions.get("core")
    cores = (core_def.content or {}).get("Cores", []) if core_def else []
    return sorted({c["ThingArn"].split("/", 1)[1] for c in cores
                   if c.get("ThingArn", "").split("/", 1)[-1] != desired_group.core_name})


def _discover_policy(ctx, name):
    iot = ctx.client("iot")
    policy = missing(iot.get_policy, policyName=name)
    if not policy:
        return None
    targets = list(paginate(iot, "list_targets_for_policy", "targets", policyName=name))
    versions = iot.list_policy_versions(policyName=name).get("policyVersions", [])
    return {"name": name, "document": policy_document(policy["policyDocument"]),
            "targets": sorted(targets), "versions": sorted(v["versionId"] for v in versions)}


def _discover_role(ctx, name, policy_name):
    iam = ctx.client("iam")
    role = missing(iam.get_role, RoleName=name)
    if not role:
        return None
    doc = missing(iam.get_role_policy, RoleName=name, PolicyName=policy_name)
    return {"name": name, "arn": role["Role"]["Arn"],
            "trust": policy_document(role["Role"].get("AssumeRolePolicyDocument")),
            "policy": policy_document((doc or {}).get("PolicyDocument"))}


def _discover_function(ctx, desired_fn):
    lam = ctx.client("lambda")
    fn = missing(lam.get_function, FunctionName=desired_fn.name)
    if not fn:
        return None
    conf = fn["Configuration"]
    alias = missing(lam.get_alias, FunctionName=desired_fn.name, Name=desired_fn.alias)
    aliased = None
    if alias:
        aliased = _config_view(lam.get_function_configuration(
            FunctionName=desired_fn.name, Qualifier=alias["FunctionVersion"]))
    return {"latest": _config_view(conf), "tags": fn.get("Tags", {}) or {},
            "alias_version": alias["FunctionVersion"] if alias else None, "aliased": aliased}


def _config_view(conf):
    return {"runtime": conf.get("Runtime"), "handler": conf.get("Handler"), "role": conf.get("Role"),
            "environment": (conf.get("Environment") or {}).get("Variables", {}) or {},
            "code_sha256": conf.get("CodeSha256"), "version": conf.get("Version")}


def _removed_functions(ctx, desired, actual):
    """gg-managed Lambdas a group's current function definition uses that the spec dropped."""
    wanted = set(desired.functions)
    removed = {}
    for group in actual.groups.values():
        fdef = group.definitions.get("function")
        for entry in ((fdef.content or {}).get("Functions", []) if fdef else []):
            arn = entry.get("FunctionArn", "")
            parts = arn.split(":")
            if len(parts) < 7 or parts[6] in wanted or parts[6] in removed:
                continue
            fn = missing(ctx.client("lambda").get_function, FunctionName=parts[6])
            if fn and names.is_managed(fn.get("Tags")):
                role = fn["Configuration"].get("Role", "")
                role_name = role.split("/")[-1]
                removed[parts[6]] = {"role": role_name if role_name == names.function_role_name(parts[6])
                                     else None}
    return removed


def _object_exists(ctx, bucket, key):
    return missing(ctx.client("s3").head_object, Bucket=bucket, Key=key) is not None


def _bucket_exists(ctx, bucket):
    return missing(ctx.client("s3").head_bucket, Bucket=bucket) is not None
