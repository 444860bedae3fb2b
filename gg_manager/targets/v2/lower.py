"""Spec -> what Greengrass V2 should hold (local work only: Lambda zips and model ZIPs, to learn their
digests). The building blocks do the translating; this module feeds them the typed Spec.

Per group: a thing group (the group's name, its tags), the core device (thing, certificate from a
CSR with the key kept here, IoT policies scoped to it, membership of the thing group), the token
exchange role and its role alias, client devices (greengo's Devices), the nucleus config.yaml,
and one deployment: gg's Lambda and model components and the AWS components the group needs,
configured from its subscriptions, loggers, shadows and connectors.
"""
import os

from gg_manager.errors import GGError
from gg_manager.package.model_zip import model_zip, zip_digest
from gg_manager.resources import names as gg_names
from gg_manager.resources.artifacts import model_sources, record_key
from gg_manager.resources.iam import DesiredRole
from gg_manager.resources.iot import DesiredCoreDevice
from gg_manager.resources.lambda_fn import desired_function
from gg_manager.spec import model as m
from gg_manager.spec.packaging import never_packed
from gg_manager.targets.v2 import client_devices, connectors, deployment, device_role, names
from gg_manager.targets.v2 import lambda_component as lc
from gg_manager.targets.v2.core_policy import core_iot_policies
from gg_manager.targets.v2.desired import Desired, DesiredGroup, DesiredModel, LambdaUse
from gg_manager.targets.v2.logs import log_manager_configuration, nucleus_logging
from gg_manager.targets.v2.shadows import shadow_manager_configuration
from gg_manager.targets.v2.subscriptions import route

RECORD_PREFIX = "v2-"


def lower(spec, ctx, only=None, zip_cache=None) -> Desired:
    zip_cache = {} if zip_cache is None else zip_cache
    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    selected = [g for g in spec.groups if only is None or g.name in set(only)]
    excluded = [path for path, _ in never_packed(spec)]
    default_bucket = gg_names.default_artifact_bucket(ctx.account, ctx.region)
    functions, unmanaged, models, buckets, groups, sources = {}, {}, {}, [default_bucket], [], []
    for group in selected:
        for fn in group.functions:
            if fn.managed:
                functions.setdefault(fn.name, desired_function(ctx, fn, zip_cache, excluded)).groups.append(group.name)
            else:
                unmanaged[fn.name] = fn.alias
        bucket = group.artifact_bucket or default_bucket
        sources.extend(model_sources(group.models))
        for model in group.models:
            _add_model(models, model, bucket)
            if bucket not in buckets:
                buckets.append(bucket)
        groups.append(lower_group(ctx, spec_dir, group))
    everyone = [g.name for g in spec.groups]
    return Desired(spec.file, ctx.account, ctx.region, groups, functions, unmanaged, models, buckets,
                   default_bucket, v2_record_key(everyone), ctx.endpoint_url or "",
                   sorted(set(everyone) - {g.name for g in selected}), sources)


def v2_record_key(group_names):
    """gg-records/v2-<digest of the group names>.json: apart from V1's record of the same groups."""
    folder, name = record_key(group_names).rsplit("/", 1)
    return "%s/%s%s" % (folder, RECORD_PREFIX, name)


def _add_model(models, model, bucket):
    wanted = DesiredModel(model.id, bucket)
    if isinstance(model.source, m.LocalModel):
        wanted.local_path = model.source.path
        wanted.local_digest = zip_digest(model_zip(model.source.path))
    elif isinstance(model.source, m.S3Model):
        wanted.source_uri = model.source.uri
    else:
        wanted.job_arn = model.source.job_arn
    found = models.setdefault(model.id, wanted)
    if found != wanted:
        raise GGError("model %s: groups give it different sources (%s, %s); one Id is one model component"
                      % (model.id, _where(found), _where(wanted)))


def _where(model):
    return model.local_path or model.source_uri or model.job_arn


def subscription_dicts(group):
    return [{"Id": s.id, "Source": str(s.source), "Subject": s.subject, "Target": str(s.target)}
            for s in group.subscriptions]


def logger_dicts(group):
    return [{"Id": lg.id, "Component": lg.component, "Level": lg.level, "Type": lg.type, "Space": lg.space}
            for lg in group.loggers]


def connector_dicts(group):
    return [{"Id": c.id, "ConnectorArn": c.arn, "Parameters": dict(c.parameters)} for c in group.connectors]


def group_routing(group):
    """(routing, mapped connectors) of a group's subscriptions and connectors."""
    first = connectors.translate_all(connector_dicts(group))
    mapped = {c.id: c.component for c in first if c.component}
    routing = route(subscription_dicts(group), [f.name for f in group.functions], [d.name for d in group.devices],
                    mapped, {f.name: names.lambda_component(f.name) for f in group.functions},
                    [c.id for c in first if not c.component])
    problems = routing.errors + [c for c in first if c.refusal]
    if problems:     # gg validate reports each at its line; a spec reaching here was validated
        raise GGError("group %s cannot be expressed on Greengrass V2: %s" % (
            group.name, "; ".join(getattr(p, "message", None) or p.refusal for p in problems)))
    return routing, connectors.translate_all(connector_dicts(group), routing.connector_topics)


def lower_group(ctx, spec_dir, group) -> DesiredGroup:
    routing, mapped = group_routing(group)
    role_alias = names.role_alias(group.name)
    synced = [d.name for d in group.devices if d.sync_shadow]
    thing = group.core.name
    documents = core_iot_policies(ctx.region, ctx.account, thing, role_alias, routing.cloud_publish,
                                  routing.cloud_subscribe, synced, [d.name for d in group.devices], ctx.partition)
    policies = [(names.core_policy(thing, i), doc) for i, doc in enumerate(documents)]
    certs_dir = os.path.normpath(os.path.join(spec_dir, group.core.key_path))
    role, role_arn = None, group.role_arn
    if not role_arn:
        role = DesiredRole(names.token_exchange_role(group.name), device_role.trust_policy(ctx.account), None,
                           group.name, ctx.permissions_boundary)
        role_arn = role.arn(ctx)
    return DesiredGroup(
        name=group.name, tags=gg_names.tags(group.name, dict(group.tags)),
        thing_group_arn=ctx.arn("iot", "thinggroup/" + names.thing_group(group.name)),
        core=DesiredCoreDevice(thing, group.name, policies[0][0], policies[0][1], certs_dir),
        policies=policies, role=role, role_arn=role_arn, role_alias=role_alias, lambdas=lambda_uses(group, routing),
        models=sorted(r.id for r in group.models), public=public_components(group, routing, mapped, role_alias),
        failure_handling="ROLLBACK", cloudwatch_logs=any(lg.type == "AWSCloudWatch" for lg in group.loggers),
        connector_statements=[s for c in mapped for s in c.role_statements],
        devices=[_device(ctx, spec_dir, group.name, d) for d in group.devices],
        config_file=os.path.join(certs_dir, names.nucleus_config_file(thing)))


def lambda_uses(group, routing):
    resources = {r.id: r for r in group.resources}
    return [LambdaUse(f.name, f.alias, f.managed,
                      lc.lambda_parameters(f, resources, routing.event_sources.get(f.name, [])),
                      lc.component_dependencies(lc.model_dependencies(f, resources), f.name in routing.publishers),
                      lc.run_with(f)) for f in group.functions]


def public_components(group, routing, mapped, role_alias):
    """The AWS components of the group's deployment, configured from its loggers, shadows, devices,
    subscriptions and mapped connectors."""
    loggers = logger_dicts(group)
    synced = [d.name for d in group.devices if d.sync_shadow]
    devices = [d.name for d in group.devices]
    return deployment.public_entries(
        role_alias, nucleus_logging(loggers), bool(group.functions),
        router=routing.router_configuration() if routing.router else None,
        log_manager=log_manager_configuration(loggers, [names.lambda_component(f.name) for f in group.functions]),
        shadow_manager=shadow_manager_configuration(group.core.sync_shadow, synced, routing.shadow_devices),
        client_device_auth=client_devices.auth_configuration(devices, routing.devices) if devices else None,
        bridge=routing.bridge_configuration() if devices else None,
        connectors=[c for c in mapped if c.component])


def _device(ctx, spec_dir, group, device):
    return DesiredCoreDevice(device.name, group, names.client_device_policy(device.name),
                             client_devices.device_iot_policy(ctx.region, ctx.account, device.name, ctx.partition),
                             os.path.normpath(os.path.join(spec_dir, device.key_path)))
