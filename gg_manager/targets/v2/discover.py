"""Read what Greengrass V2, IoT, IAM, Lambda and S3 hold for a V2 desired state. Read-only.

Everything is found by name and gg's tags, never from local files (except the keys and
certificates only this machine has, and the config.yaml gg wrote). The list calls of
listing.py come first (once per run); then what the groups share (Lambdas, model objects,
component versions, the IoT endpoints); then per group only what no list says (record.py
says which three reads those are when gg's apply record vouches for the rest).
"""
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from gg_manager.aws.errors import missing
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.errors import GGError
from gg_manager.plan.digest import state_digest
from gg_manager.plan.operations import paginate, read
from gg_manager.resources.artifacts import (SAGEMAKER_NOT_FOUND, ActualBucket, check_model_sources, discover_bucket,
                                            object_exists, read_record)
from gg_manager.resources.compare import policy_document, same_policy
from gg_manager.resources.iam import ActualRole, discover_role
from gg_manager.resources.iot import ActualCoreDevice, ActualPolicy, CertificateIndex, find_certificate
from gg_manager.resources.lambda_fn import ActualFunction, discover_function
from gg_manager.targets.v2 import names
from gg_manager.targets.v1.device_files import local_state  # the same for both targets' DesiredGroup
from gg_manager.targets.v2.device_files import endpoints
from gg_manager.targets.v2.listing import Listing
from gg_manager.targets.v2.record import facts_of
from gg_manager.targets.v2.versioning import digest_in_description, digest_in_tags

DESCRIBED_VERSIONS = 5      # a component's newest versions whose digests are read (older ones are history)


@dataclass
class ActualComponent:
    arn: str
    versions: Dict[str, Optional[str]] = field(default_factory=dict)    # version -> digest (None: unknown)


@dataclass
class ActualGroup:
    name: str
    thing_group: bool = False
    tags: Optional[Dict[str, str]] = None
    core: Optional[ActualCoreDevice] = None
    policies: Dict[str, ActualPolicy] = field(default_factory=dict)
    member: bool = False
    role: Optional[ActualRole] = None
    role_alias: bool = False
    role_alias_role: Optional[str] = None
    devices: Dict[str, ActualCoreDevice] = field(default_factory=dict)
    device_policies: Dict[str, ActualPolicy] = field(default_factory=dict)
    associated: List[str] = field(default_factory=list)
    deployment: Optional[dict] = None
    recorded: bool = False
    key_here: bool = False
    config_current: Optional[str] = None
    effective: Dict[str, dict] = field(default_factory=dict)   # core thing -> its effective deployment (deploy)


@dataclass
class Actual:
    groups: Dict[str, ActualGroup]
    functions: Dict[str, Optional[ActualFunction]]
    unmanaged: Dict[str, str]                       # Lambda -> the version its alias points at
    roles: Dict[str, Optional[ActualRole]]
    models: Dict[str, dict]                         # model id -> {digest, key, exists, etag}
    buckets: Dict[str, Optional[ActualBucket]]
    components: Dict[str, ActualComponent]
    endpoints: Dict[str, object]
    record: dict = field(default_factory=dict)
    core_devices: Dict[str, dict] = field(default_factory=dict)   # thing -> ListCoreDevices entry (deploy)
    notes: list = field(default_factory=list)

    def fingerprint(self) -> str:
        return state_digest(self)


def discover(ctx, desired, deploy=False, pool_size=MAX_WORKERS) -> Actual:
    check_model_sources(ctx, desired.model_sources)
    listing = Listing.read(ctx)
    record = read_record(ctx, desired.record_bucket, desired.record_key)
    index = CertificateIndex(ctx)
    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        groups = {g.name: pool.submit(discover_group, ctx, listing, g, facts_of(record, g.name), index, deploy)
                  for g in desired.groups}
        shared = _shared_reads(pool, ctx, desired, listing)
        actual = Actual({}, record=record, **shared)
        actual.groups = {n: f.result() for n, f in groups.items()}
    if deploy:
        actual.core_devices = {d["coreDeviceThingName"]: d
                               for d in paginate(ctx, "greengrassv2:ListCoreDevices", "coreDevices")}
    return actual


def _shared_reads(pool, ctx, desired, listing):
    functions = {n: pool.submit(discover_function, ctx, n, f.alias) for n, f in desired.functions.items()}
    roles = {f.role.name: pool.submit(discover_role, ctx, f.role.name, f.role.policy_name)
             for f in desired.functions.values() if f.role}
    unmanaged = {n: pool.submit(_alias_version, ctx, n, alias) for n, alias in desired.unmanaged.items()}
    models = {k: pool.submit(discover_model, ctx, m) for k, m in desired.models.items()}
    buckets = {b: pool.submit(discover_bucket, ctx, b) for b in desired.buckets}
    wanted = set(desired.functions) | set(desired.unmanaged) | {names.model_component(k) for k in desired.models}
    components = {n: pool.submit(discover_component, ctx, listing.components[n], n.startswith(names.MODEL_PREFIX))
                  for n in sorted(wanted) if n in listing.components}
    found = endpoints(ctx)
    return {"functions": _results(functions), "roles": _results(roles), "unmanaged": _results(unmanaged),
            "models": _results(models), "buckets": _results(buckets), "components": _results(components),
            "endpoints": found}


def _results(futures):
    return {k: f.result() for k, f in futures.items()}


def _alias_version(ctx, name, alias):
    found = missing(read, ctx, "lambda:GetAlias", FunctionName=name, Name=alias)
    if not found:
        raise GGError("Lambda %s has no alias %s: the spec references it (no package), so it must exist; "
                      "Greengrass V2 imports the version the alias points at" % (name, alias))
    return found["FunctionVersion"]


# --- models ----------------------------------------------------------------------------------------

def discover_model(ctx, model) -> dict:
    """{digest, key, exists, source, etag}: where the model's ZIP goes, and whether it is there."""
    if not model.remote:
        digest, source, etag = model.local_digest, model.local_path, None
    else:
        source = model.source_uri or _training_job_artifact(ctx, model.job_arn)
        bucket, key = _split_s3(source)
        head = missing(read, ctx, "s3:HeadObject", Bucket=bucket, Key=key)
        if head is None:
            raise GGError("model %s: %s does not exist (or gg may not read it)" % (model.id, source))
        etag = head.get("ETag", "").strip('"')
        digest = hashlib.sha256(("%s\n%s" % (source, etag)).encode()).hexdigest()
    key = names.model_zip_key(model.id, digest)
    return {"digest": digest, "key": key, "exists": object_exists(ctx, model.bucket, key), "source": source,
            "etag": etag}


def _training_job_artifact(ctx, job_arn):
    name = job_arn.rsplit("/", 1)[-1]
    job = missing(read, ctx, "sagemaker:DescribeTrainingJob", TrainingJobName=name, not_found=SAGEMAKER_NOT_FOUND)
    if job is None:
        raise GGError("SageMaker training job %s does not exist (model source %s)" % (name, job_arn))
    if job.get("TrainingJobStatus") != "Completed":
        raise GGError("SageMaker training job %s is %s, not Completed; its model cannot be deployed yet"
                      % (name, job.get("TrainingJobStatus")))
    uri = (job.get("ModelArtifacts") or {}).get("S3ModelArtifacts")
    if not uri:
        raise GGError("SageMaker training job %s has no model artifact" % name)
    return uri


def _split_s3(uri):
    rest = uri[len("s3://"):] if uri.startswith("s3://") else ""
    bucket, _, key = rest.partition("/")
    if not bucket or not key:
        raise GGError("not an s3://BUCKET/KEY URI: %r" % uri)
    return bucket, key


# --- components ------------------------------------------------------------------------------------

def discover_component(ctx, listed, model) -> ActualComponent:
    """The versions of one of gg's components and the content digest each carries. A model component's
    latest version says its digest in the list's description; the others' are read from their tags,
    newest first, for the newest few (an older version with the same content is just not reused)."""
    found = ActualComponent(listed["arn"])
    versions = [v["componentVersion"] for v in paginate(ctx, "greengrassv2:ListComponentVersions",
                                                        "componentVersions", arn=listed["arn"])]
    latest = listed.get("latestVersion") or {}
    for version in versions:
        found.versions[version] = None
    if model and latest.get("componentVersion") in found.versions:
        found.versions[latest["componentVersion"]] = digest_in_description(latest.get("description"))
    for version in versions[:DESCRIBED_VERSIONS]:
        if found.versions[version] is None:
            answer = read(ctx, "greengrassv2:DescribeComponent", arn="%s:versions:%s" % (listed["arn"], version))
            found.versions[version] = digest_in_tags(answer.get("tags"))
    return found


# --- groups ------------------------------------------------------------------------------------------

def discover_group(ctx, listing, desired, facts, index, deploy) -> ActualGroup:
    actual = ActualGroup(desired.name, recorded=facts is not None)
    actual.key_here, current = local_state(desired)
    actual.config_current = current.decode("utf-8", "replace") if current is not None else None
    group_name = names.thing_group(desired.name)
    actual.thing_group = group_name in listing.thing_groups
    if actual.thing_group:
        recorded = facts.tags if facts else None
        actual.tags = recorded if recorded is not None else _tags(ctx, desired.thing_group_arn)
    actual.core, actual.policies = discover_device(ctx, listing, desired.core, [n for n, _ in desired.policies],
                                                   dict(desired.policies), facts.certificate if facts else "", index)
    if actual.core.thing_exists and actual.thing_group:
        groups = paginate(ctx, "iot:ListThingGroupsForThing", "thingGroups", thingName=desired.core.thing)
        actual.member = any(g["groupName"] == group_name for g in groups)
    if desired.role:
        actual.role = listing.roles.get(desired.role.name)
    actual.role_alias = desired.role_alias in listing.role_aliases
    if actual.role_alias:
        actual.role_alias_role = _alias_role(ctx, desired, facts)
    _discover_devices(ctx, listing, desired, facts, index, actual)
    actual.deployment = listing.deployment(desired.thing_group_arn)
    if deploy and actual.deployment:
        actual.effective = effective_deployments(ctx, [desired.core.thing], actual.deployment["deploymentId"])
    return actual


def _alias_role(ctx, desired, facts):
    if facts and facts.role_alias_role:
        return facts.role_alias_role
    return read(ctx, "iot:DescribeRoleAlias", roleAlias=desired.role_alias)["roleAliasDescription"].get("roleArn")


def _tags(ctx, arn):
    return {t["Key"]: t["Value"] for t in paginate(ctx, "iot:ListTagsForResource", "tags", resourceArn=arn)}


def discover_device(ctx, listing, device, policy_names, wanted, recorded_cert, index):
    """(ActualCoreDevice, {policy name: ActualPolicy}) of a core or client device thing."""
    exists = device.thing in listing.things
    policies = {}
    for name in policy_names:
        if name in listing.policies:
            policies[name] = _policy(ctx, name, wanted.get(name))
    if exists and recorded_cert and listing.certificates.get(recorded_cert) == "ACTIVE":
        principals = [recorded_cert]
    elif exists:
        principals = sorted(read(ctx, "iot:ListThingPrincipals", thingName=device.thing).get("principals", []))
    else:
        principals = []
    actual = ActualCoreDevice(exists, principals, policies.get(policy_names[0]) if policy_names else None)
    if not principals:
        actual.found = find_certificate(ctx, device, index)
    return actual, policies


def _policy(ctx, name, wanted):
    found = missing(read, ctx, "iot:GetPolicy", policyName=name)
    if found is None:
        return None
    policy = ActualPolicy(policy_document(found["policyDocument"]),
                          sorted(paginate(ctx, "iot:ListTargetsForPolicy", "targets", policyName=name)))
    if not (wanted and same_policy(policy.document, wanted)):
        policy.versions = read(ctx, "iot:ListPolicyVersions", policyName=name).get("policyVersions", [])
    return policy


def _discover_devices(ctx, listing, desired, facts, index, actual):
    for device in desired.devices:
        core, policies = discover_device(ctx, listing, device, [device.policy_name], {device.policy_name: device.policy},
                                         (facts.devices if facts else {}).get(device.thing, ""), index)
        actual.devices[device.thing] = core
        if device.policy_name in policies and policies[device.policy_name]:
            actual.device_policies[device.thing] = policies[device.policy_name]
    if not desired.devices or not actual.core.thing_exists:
        return
    if facts is not None:
        actual.associated = list(facts.associated)
    else:
        actual.associated = [d["thingName"] for d in paginate(
            ctx, "greengrassv2:ListClientDevicesAssociatedWithCoreDevice", "associatedClientDevices",
            coreDeviceThingName=desired.core.thing)]


def effective_deployments(ctx, things, deployment_id) -> Dict[str, dict]:
    """{thing: its effective deployment of `deployment_id`} (only the things that have one)."""
    out = {}
    for thing in things:
        entries = missing(lambda: list(paginate(ctx, "greengrassv2:ListEffectiveDeployments", "effectiveDeployments",
                                                coreDeviceThingName=thing))) or []
        for entry in entries:
            if entry.get("deploymentId") == deployment_id:
                out[thing] = entry
                break
    return out
