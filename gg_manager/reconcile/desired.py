"""What should exist in AWS for a spec: plain, JSON-ready values with ARNs resolved.

Only two values are unknowable before creation, the group id and the core's
certificate ARN; they stay as the placeholders below and are filled in by the
executor (and by the diff, from discovery, when they already exist).
"""
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

from gg_manager.errors import GGError
from gg_manager.package.lambda_zip import build_lambda_zip, lambda_code_sha256
from gg_manager.package.model_tarball import model_digest, model_s3_key, model_source_bytes
from gg_manager.provision import policies
from gg_manager.reconcile import names

GROUP_ID = "${group_id}"
CORE_CERT = "${core_certificate_arn}"


@dataclass
class DesiredRole:
    name: str
    trust: dict
    policy: Optional[dict]
    group: str = ""

    @property
    def policy_name(self):
        return self.name + "-policy"


@dataclass
class DesiredFunction:
    name: str
    alias: str
    runtime: str
    handler: str
    role_arn: str
    environment: Dict[str, str]
    code_sha256: str
    package: str
    requirements: List[str]
    groups: List[str] = field(default_factory=list)
    role: Optional[DesiredRole] = None


@dataclass
class DesiredModel:
    resource_id: str
    bucket: str
    key: str
    path: str
    digest: str

    @property
    def uri(self):
        return "s3://%s/%s" % (self.bucket, self.key)


@dataclass
class DesiredGroup:
    name: str
    tags: Dict[str, str]
    core_name: str
    thing_arn: str
    policy_name: str
    policy: dict
    certs_dir: str
    config_dir: str
    definitions: Dict[str, dict]          # kind -> definition version content (API shape)
    role: Optional[DesiredRole]           # generated group role, or None
    role_arn: Optional[str]               # the role to associate (generated or existing)
    functions: List[str]                  # managed Lambda names the group uses
    models: List[str]                     # model upload keys the group uses
    sagemaker_jobs: List[str]


@dataclass
class Desired:
    account: str
    region: str
    groups: List[DesiredGroup]
    functions: Dict[str, DesiredFunction]
    models: Dict[str, DesiredModel]       # S3 key -> upload
    buckets: List[str]

    def to_json(self):
        return asdict(self)


def _alias_arn(ctx, fn):
    return ctx.arn("lambda", "function:%s:%s" % (fn.name, fn.alias))


def _role_arn(ctx, role_name):
    return "arn:%s:iam::%s:role/%s" % (ctx.partition, ctx.account, role_name)


def build_desired(spec, ctx, zip_cache=None) -> Desired:
    """The desired state of every group in `spec` for account/region of `ctx`."""
    functions, models, buckets, groups = {}, {}, [], []
    zip_cache = {} if zip_cache is None else zip_cache
    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    for group in spec.groups:
        for fn in group.functions:
            if fn.managed and fn.name not in functions:
                functions[fn.name] = _desired_function(ctx, fn, zip_cache)
            if fn.managed:
                functions[fn.name].groups.append(group.name)
        bucket = group.artifact_bucket or names.default_artifact_bucket(ctx.account, ctx.region)
        local_uris = {}
        for res in group.resources:
            if res.local_model:
                data = model_source_bytes(res.local_model)
                digest = model_digest(data)
                key = model_s3_key(res.id, digest)
                models.setdefault(key, DesiredModel(res.id, bucket, key, res.local_model, digest))
                local_uris[res.id] = models[key].uri
                if bucket not in buckets:
                    buckets.append(bucket)
        groups.append(_desired_group(ctx, group, spec_dir, local_uris))
    return Desired(ctx.account, ctx.region, groups, functions, models, buckets)


def _desired_function(ctx, fn, zip_cache):
    key = (fn.package, tuple(fn.requirements), fn.runtime)
    if key not in zip_cache:
        zip_cache[key] = build_lambda_zip(fn.package, fn.requirements,
                                          python_version=fn.runtime.replace("python", ""))
    role = None
    role_arn = fn.role_arn
    if not role_arn:
        role = DesiredRole(names.function_role_name(fn.name), policies.lambda_trust_policy(),
                           policies.lambda_execution_policy(ctx.region, ctx.account, [fn.name],
                                                            partition=ctx.partition))
        role_arn = _role_arn(ctx, role.name)
    return DesiredFunction(fn.name, fn.alias, fn.runtime, fn.handler, role_arn, dict(fn.environment),
                           lambda_code_sha256(zip_cache[key]), fn.package, list(fn.requirements),
                           role=role)


def _resolver(ctx, group):
    def resolve(endpoint):
        if endpoint.kind in ("cloud", "GGShadowService"):
            return endpoint.kind
        if endpoint.kind == "arn":
            return endpoint.name
        if endpoint.kind == "Lambda":
            return _alias_arn(ctx, group.function(endpoint.name))
        if endpoint.kind == "Device":
            return ctx.arn("iot", "thing/" + endpoint.name)
        if endpoint.kind == "Connector":
            return next(c.arn for c in group.connectors if c.id == endpoint.name)
        raise ValueError("unknown endpoint %s" % endpoint)
    return resolve


def _desired_group(ctx, group, spec_dir, local_uris):
    thing_arn = ctx.arn("iot", "thing/" + group.core.name)
    resolve = _resolver(ctx, group)
    definitions = {
        "core": group.core_definition_version(thing_arn, CORE_CERT),
        "function": group.function_definition_version({f.name: _alias_arn(ctx, f) for f in group.functions}),
        "resource": group.resource_definition_version(local_uris),
        "subscription": group.subscription_definition_version(resolve),
        "logger": group.logger_definition_version(),
        "connector": group.connector_definition_version(),
    }
    if group.devices:
        raise_devices_unsupported(group)
    definitions = {k: v for k, v in definitions.items() if k == "core" or list(v.values())[0]}
    subs = definitions.get("subscription", {}).get("Subscriptions", [])
    publish, subscribe = policies.cloud_topics(subs)
    policy = policies.core_iot_policy(ctx.region, ctx.account, group.core.name, GROUP_ID, publish,
                                      subscribe, partition=ctx.partition)
    jobs = sorted({dict(r.data)["SageMakerJobArn"] for r in group.resources
                   if r.kind == "SageMakerMachineLearningModelResourceData"})
    s3_objects = sorted({local_uris.get(r.id) or dict(r.data).get("S3Uri") for r in group.resources
                         if r.kind == "S3MachineLearningModelResourceData"})
    extra = []
    if any(lg.type == "AWSCloudWatch" for lg in group.loggers):
        extra.append(policies.greengrass_cloudwatch_logs_statement(ctx.region, ctx.account,
                                                                   partition=ctx.partition))
    role, role_arn = None, group.role_arn
    if not role_arn:
        doc = policies.group_role_policy(jobs, s3_objects, extra, partition=ctx.partition)
        if doc:
            role = DesiredRole(names.group_role_name(group.name), policies.greengrass_trust_policy(),
                               doc, group.name)
            role_arn = _role_arn(ctx, role.name)
    return DesiredGroup(
        name=group.name, tags=names.tags(group.name, dict(group.tags)), core_name=group.core.name,
        thing_arn=thing_arn, policy_name=names.core_policy_name(group.core.name), policy=policy,
        certs_dir=os.path.normpath(os.path.join(spec_dir, group.core.key_path)),
        config_dir=os.path.normpath(os.path.join(spec_dir, group.core.config_path)),
        definitions=json.loads(json.dumps(definitions)), role=role, role_arn=role_arn,
        functions=[f.name for f in group.functions if f.managed],
        models=sorted(k for k in (u.split("/", 3)[3] for u in local_uris.values())),
        sagemaker_jobs=jobs)


def raise_devices_unsupported(group):
    raise GGError("group %s: Devices are accepted by `gg validate` but provisioning device things is "
                  "not built yet; remove them from the spec to apply" % group.name)
