"""Spec -> what Greengrass V1 should hold: groups and definition versions in the API's own shapes.

Only the group id and the certificate ARNs (the core's, each device's) are unknowable
before creation; they stay as the placeholders below and the diff puts in their values
(from discovery) or Refs to the steps that will produce them.
"""
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from gg_manager.provision import policies
from gg_manager.resources import names
from gg_manager.resources.artifacts import DesiredModel, ModelSource, desired_model, model_sources, record_key
from gg_manager.resources.iam import DesiredRole
from gg_manager.resources.iot import DesiredCoreDevice
from gg_manager.resources.lambda_fn import DesiredFunction, desired_function
from gg_manager.spec import model as m
from gg_manager.spec.packaging import never_packed
from gg_manager.targets.v1.device_files import config_files, gg_host

GROUP_ID = "${group_id}"
CORE_CERT = "${core_certificate_arn}"


def device_cert(device):
    """The placeholder of a device's certificate ARN in the device definition."""
    return "${device_certificate_arn:%s}" % device


@dataclass
class DesiredGroup:
    name: str
    tags: Dict[str, str]
    core: DesiredCoreDevice
    thing_arn: str
    config_file: str                      # where the core's config.json is written
    config_note: str                      # why there (cores sharing a config_path), or ""
    gg_host: Optional[str]                # the Greengrass host for config.json (None: from iotHost)
    definitions: Dict[str, dict]          # kind -> definition version content (API shape, placeholders)
    role: Optional[DesiredRole]           # generated group role, or None
    role_arn: Optional[str]               # the role to associate (generated or existing)
    functions: List[str]                  # managed Lambda names the group uses
    models: List[str]                     # model object keys the group uses
    sagemaker_jobs: List[str]
    model_sources: List[ModelSource] = field(default_factory=list)   # checked to exist before planning
    devices: List[DesiredCoreDevice] = field(default_factory=list)   # greengo's Devices: thing, key, policy

    def template_hash(self, kind):
        """A digest of the definition as gg would send it, placeholders included."""
        text = json.dumps(self.definitions[kind], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Desired:
    spec_file: str
    account: str
    region: str
    groups: List[DesiredGroup]
    functions: Dict[str, DesiredFunction]
    models: Dict[str, DesiredModel]       # object key -> upload
    buckets: List[str]
    record_bucket: str = ""
    record_key: str = ""
    other_spec_groups: List[str] = field(default_factory=list)   # the spec's groups outside this run

    def group(self, name):
        return next(g for g in self.groups if g.name == name)


def lower(spec, ctx, only=None, zip_cache=None) -> Desired:
    """The desired state of the spec's groups (of those named in `only`, when given: the others
    still count where groups share something, e.g. config paths and the apply record)."""
    zip_cache = {} if zip_cache is None else zip_cache
    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    files = config_files(spec, spec_dir)
    selected = [g for g in spec.groups if only is None or g.name in set(only)]
    functions, models, groups, buckets = {}, {}, [], []
    excluded = [path for path, _ in never_packed(spec)]
    record_bucket = names.default_artifact_bucket(ctx.account, ctx.region)
    for group in selected:
        for fn in group.functions:
            if fn.managed:
                functions.setdefault(fn.name, desired_function(ctx, fn, zip_cache, excluded)).groups.append(group.name)
        uris = _local_models(group, group.artifact_bucket or record_bucket, models, buckets)
        groups.append(_desired_group(ctx, spec_dir, group, uris, files[group.name]))
    if record_bucket not in buckets:
        buckets.append(record_bucket)
    everyone = [g.name for g in spec.groups]
    return Desired(spec.file, ctx.account, ctx.region, groups, functions, models, buckets, record_bucket,
                   record_key(everyone), sorted(set(everyone) - {g.name for g in selected}))


def _local_models(group, bucket, models, buckets):
    """The group's local model folders as uploads (added to `models`); {model id: s3 URI}."""
    uris = {}
    for model in group.models:
        if isinstance(model.source, m.LocalModel):
            wanted = desired_model(model.id, model.source.path, bucket)
            models.setdefault(wanted.key, wanted)
            uris[model.id] = wanted.uri
            if bucket not in buckets:
                buckets.append(bucket)
    return uris


def _desired_group(ctx, spec_dir, group, model_uris, config_file):
    thing_arn = ctx.arn("iot", "thing/" + group.core.name)
    definitions = definition_versions(ctx, group, thing_arn, model_uris)
    subscriptions = definitions.get("subscription", {}).get("Subscriptions", [])
    publish, subscribe = policies.cloud_topics(subscriptions)
    synced = [d.name for d in group.devices if d.sync_shadow]     # the core syncs their shadows
    policy = policies.core_iot_policy(ctx.region, ctx.account, group.core.name, GROUP_ID, publish, subscribe,
                                      synced, partition=ctx.partition)
    jobs = sorted({r.source.job_arn for r in group.models if isinstance(r.source, m.SageMakerModel)})
    role, role_arn = None, group.role_arn
    if not role_arn:
        role = group_role(ctx, group, jobs, model_uris)
        role_arn = role.arn(ctx) if role else None
    return DesiredGroup(
        name=group.name, tags=names.tags(group.name, dict(group.tags)),
        core=DesiredCoreDevice(group.core.name, group.name, names.core_policy_name(group.core.name), policy,
                               os.path.normpath(os.path.join(spec_dir, group.core.key_path))),
        thing_arn=thing_arn, config_file=config_file[0], config_note=config_file[1], gg_host=gg_host(ctx),
        definitions=definitions, role=role, role_arn=role_arn,
        functions=[f.name for f in group.functions if f.managed],
        models=sorted(u.split("/", 3)[3] for u in model_uris.values()), sagemaker_jobs=jobs,
        model_sources=model_sources(group.models),
        devices=desired_devices(ctx, spec_dir, group, subscriptions))


def desired_devices(ctx, spec_dir, group, subscriptions) -> List[DesiredCoreDevice]:
    """Each of the group's devices: its thing, its key folder, its own least-privilege policy."""
    out = []
    for device in group.devices:
        publish, subscribe = policies.device_topics(subscriptions, ctx.arn("iot", "thing/" + device.name))
        policy = policies.device_iot_policy(ctx.region, ctx.account, device.name, publish, subscribe,
                                            partition=ctx.partition)
        out.append(DesiredCoreDevice(device.name, group.name, names.device_policy_name(device.name), policy,
                                     os.path.normpath(os.path.join(spec_dir, device.key_path))))
    return out


def group_role(ctx, group, jobs, model_uris) -> Optional[DesiredRole]:
    """The least-privilege group role, or None when the group needs no AWS access."""
    s3_objects = sorted({model_uris.get(r.id) or r.source.uri for r in group.models
                         if not isinstance(r.source, m.SageMakerModel)})
    extra = []
    if any(lg.type == "AWSCloudWatch" for lg in group.loggers):
        extra.append(policies.greengrass_cloudwatch_logs_statement(ctx.region, ctx.account, partition=ctx.partition))
    doc = policies.group_role_policy(jobs, s3_objects, extra, partition=ctx.partition)
    if not doc:
        return None
    return DesiredRole(names.group_role_name(group.name),
                       policies.greengrass_trust_policy(ctx.account, ctx.region, ctx.partition), doc, group.name,
                       ctx.permissions_boundary)


# --- the definition versions -------------------------------------------------------------------

def definition_versions(ctx, group, thing_arn, model_uris=None) -> Dict[str, dict]:
    """kind -> content, for the kinds the group uses (the core always)."""
    alias_arns = {f.name: ctx.arn("lambda", "function:%s:%s" % (f.name, f.alias)) for f in group.functions}
    contents = {
        "core": core_definition(group, thing_arn, CORE_CERT),
        "device": device_definition(ctx, group),
        "function": function_definition(group, alias_arns),
        "resource": resource_definition(group, model_uris or {}),
        "subscription": subscription_definition(group, resolver(ctx, group)),
        "logger": logger_definition(group),
        "connector": connector_definition(group),
    }
    return {k: v for k, v in contents.items() if k == "core" or list(v.values())[0]}


def core_definition(group, thing_arn, certificate_arn):
    return {"Cores": [{"Id": group.core.name, "ThingArn": thing_arn, "CertificateArn": certificate_arn,
                       "SyncShadow": group.core.sync_shadow}]}


def device_definition(ctx, group):
    return {"Devices": [{"Id": d.name, "ThingArn": ctx.arn("iot", "thing/" + d.name),
                         "CertificateArn": device_cert(d.name), "SyncShadow": d.sync_shadow}
                        for d in group.devices]}


def function_configuration(fn: m.Function) -> dict:
    """A Function's core settings as V1's FunctionConfiguration."""
    env = {}
    if fn.access_sysfs is not None:
        env["AccessSysfs"] = fn.access_sysfs
    execution = {}
    if fn.isolation is not None:
        execution["IsolationMode"] = fn.isolation
    if fn.run_as is not None:
        execution["RunAs"] = {k: v for k, v in (("Uid", fn.run_as.uid), ("Gid", fn.run_as.gid)) if v is not None}
    if execution:
        env["Execution"] = execution
    if fn.resource_access is not None:
        env["ResourceAccessPolicies"] = [dict({"ResourceId": p.resource_id},
                                              **({"Permission": p.permission} if p.permission else {}))
                                         for p in fn.resource_access]
    if fn.variables is not None:
        env["Variables"] = dict(fn.variables)
    config = {"Timeout": fn.timeout_s}
    for key, value in (("MemorySize", fn.memory_kb), ("Pinned", fn.pinned), ("EncodingType", fn.encoding),
                       ("Executable", fn.executable), ("ExecArgs", fn.exec_args),
                       ("FunctionRuntimeOverride", fn.runtime_override)):
        if value is not None:
            config[key] = value
    if env:
        config["Environment"] = env
    return config


def function_definition(group, alias_arns):
    return {"Functions": [{"Id": f.name, "FunctionArn": alias_arns[f.name],
                           "FunctionConfiguration": function_configuration(f)} for f in group.functions]}


def _group_owner(owner):
    out = {}
    if owner.auto_add is not None:
        out["AutoAddGroupOwner"] = owner.auto_add
    if owner.group_owner is not None:
        out["GroupOwner"] = owner.group_owner
    return out


def resource_container(resource, model_uris):
    """(ResourceDataContainer key, body) of one resource."""
    if isinstance(resource, m.Model):
        body = {"DestinationPath": resource.destination_path}
        if resource.owner:
            body["OwnerSetting"] = {"GroupOwner": resource.owner.group_owner,
                                    "GroupPermission": resource.owner.permission}
        if isinstance(resource.source, m.SageMakerModel):
            return "SageMakerMachineLearningModelResourceData", dict(body, SageMakerJobArn=resource.source.job_arn)
        uri = resource.source.uri if isinstance(resource.source, m.S3Model) else model_uris.get(resource.id)
        return "S3MachineLearningModelResourceData", dict(body, S3Uri=uri)
    if isinstance(resource, m.Secret):
        body = {"ARN": resource.arn}
        if resource.staging_labels is not None:
            body["AdditionalStagingLabelsToDownload"] = list(resource.staging_labels)
        return "SecretsManagerSecretResourceData", body
    body = {"SourcePath": resource.source_path}
    if isinstance(resource, m.Volume):
        body["DestinationPath"] = resource.destination_path
    if resource.group_owner is not None:
        body["GroupOwnerSetting"] = _group_owner(resource.group_owner)
    kind = "LocalVolumeResourceData" if isinstance(resource, m.Volume) else "LocalDeviceResourceData"
    return kind, body


def resource_definition(group, model_uris):
    entries = []
    for resource in group.resources:
        kind, body = resource_container(resource, model_uris)
        entries.append({"Id": resource.id, "Name": resource.name, "ResourceDataContainer": {kind: body}})
    return {"Resources": entries}


def resolver(ctx, group):
    """Endpoint -> what a V1 subscription names: 'cloud', a Lambda alias ARN, a thing ARN, ..."""
    def resolve(endpoint):
        if endpoint.kind in ("cloud", "GGShadowService"):
            return endpoint.kind
        if endpoint.kind == "arn":
            return endpoint.name
        if endpoint.kind == "Lambda":
            fn = group.function(endpoint.name)
            return ctx.arn("lambda", "function:%s:%s" % (fn.name, fn.alias))
        if endpoint.kind == "Device":
            return ctx.arn("iot", "thing/" + endpoint.name)
        if endpoint.kind == "Connector":
            return next(c.arn for c in group.connectors if c.id == endpoint.name)
        raise ValueError("unknown endpoint %s" % endpoint)
    return resolve


def subscription_definition(group, resolve):
    return {"Subscriptions": [{"Id": s.id, "Source": resolve(s.source), "Subject": s.subject,
                               "Target": resolve(s.target)} for s in group.subscriptions]}


def logger_definition(group):
    entries = []
    for lg in group.loggers:
        entry = {"Id": lg.id, "Component": lg.component, "Level": lg.level, "Type": lg.type}
        if lg.space is not None:
            entry["Space"] = lg.space
        entries.append(entry)
    return {"Loggers": entries}


def connector_definition(group):
    return {"Connectors": [{"Id": c.id, "ConnectorArn": c.arn, "Parameters": dict(c.parameters)}
                           for c in group.connectors]}
