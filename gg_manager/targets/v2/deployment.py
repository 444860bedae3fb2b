"""A group's deployment document: CreateDeployment to its thing group.

Components: gg's own (Lambda and model components at the versions allocated for
their content) and the AWS-provided ones the group needs, at the versions of
public_components.PINS (never "latest", so a device added to the thing group
later gets exactly what the others run):

- always the nucleus (its `logging` and `iotRoleAlias`);
- with Lambdas: LambdaLauncher, LambdaManager, LambdaRuntimes,
  TokenExchangeService, and LegacySubscriptionRouter when anything routes
  through it;
- LogManager with a CloudWatch logger, ShadowManager with SyncShadow or device
  shadows, and for devices: client device auth, Moquette, the MQTT bridge and
  the IP detector; mapped connectors' components.

Configuration updates: a device keeps the configuration of earlier revisions
and a merge only adds keys, so a key gg stops writing would stay. For every
top-level key gg owns in a component's configuration, the update first resets
it (JSON pointer) and then merges the new value: the device ends up with
exactly what the spec says, while keys gg does not own (the nucleus endpoints
from config.yaml) are left alone.

The nucleus gets `interpolateComponentConfiguration: true` (nucleus >= 2.6), so a
Lambda component's configuration may name its model component's unpacked folder
(model_component.py).

Policies: failure handling ROLLBACK unless the spec says DO_NOTHING; the
component update and configuration validation policies AWS applies by default,
written out. The document's digest is in the deployment's name (and tagged on
it), so the one paged ListDeployments tells whether each group's revision is
current.
"""
import json
from typing import Iterable, Mapping, Optional

from gg_manager.errors import GGError
from gg_manager.targets.v2 import names, public_components as pc
from gg_manager.targets.v2.versioning import DIGEST_TAG, content_digest

FAILURE_POLICIES = ("ROLLBACK", "DO_NOTHING")
LAMBDA_SUPPORT = (pc.LAMBDA_LAUNCHER, pc.LAMBDA_MANAGER, pc.LAMBDA_RUNTIMES, pc.TOKEN_EXCHANGE)
CLIENT_DEVICE_SUPPORT = (pc.MOQUETTE, pc.IP_DETECTOR)


def json_pointer(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


def component_entry(version: str, merge: Optional[Mapping] = None, owned: Iterable[str] = (),
                    run_with: Optional[Mapping] = None) -> dict:
    """One component of the deployment: reset each key gg owns, then merge `merge`."""
    entry = {"componentVersion": version}
    owned = sorted(set(owned) | set(merge or {}))
    if owned:
        entry["configurationUpdate"] = {
            "reset": [json_pointer(k) for k in owned],
            "merge": json.dumps(dict(merge or {}), sort_keys=True, separators=(",", ":"))}
    if run_with:
        entry["runWith"] = dict(run_with)
    return entry


def nucleus_configuration(role_alias: str, logging: Mapping) -> dict:
    """What gg sets of the nucleus's configuration in every deployment (config.yaml sets the same)."""
    return {"iotRoleAlias": role_alias, "logging": dict(logging), "interpolateComponentConfiguration": True}


def public_entries(role_alias: str, nucleus_logging: Mapping, has_lambdas: bool,
                   router: Optional[Mapping] = None, log_manager: Optional[Mapping] = None,
                   shadow_manager: Optional[Mapping] = None,
                   client_device_auth: Optional[Mapping] = None,
                   bridge: Optional[Mapping] = None,
                   connectors: Iterable = ()) -> dict:
    """The AWS-provided components of a group's deployment, configured.

    `router`: the router configuration ({"subscriptions": ...}), None when no
    Lambda publishes through it. `connectors`: connectors.ConnectorOnV2 that were
    mapped. Client device components come with `client_device_auth`.
    """
    pin = pc.pinned_version
    out = {pc.NUCLEUS: component_entry(pin(pc.NUCLEUS), nucleus_configuration(role_alias, nucleus_logging))}
    mapped = [c for c in connectors if c.component]
    if has_lambdas or mapped:
        out.update({name: component_entry(pin(name)) for name in LAMBDA_SUPPORT})
    if router is not None:
        out[pc.SUBSCRIPTION_ROUTER] = component_entry(pin(pc.SUBSCRIPTION_ROUTER), router)
    if log_manager is not None:
        out[pc.LOG_MANAGER] = component_entry(pin(pc.LOG_MANAGER), log_manager)
    if shadow_manager is not None:
        out[pc.SHADOW_MANAGER] = component_entry(pin(pc.SHADOW_MANAGER), shadow_manager)
    if client_device_auth is not None:
        out[pc.CLIENT_DEVICE_AUTH] = component_entry(pin(pc.CLIENT_DEVICE_AUTH),
                                                     client_device_auth)
        out.update({name: component_entry(pin(name)) for name in CLIENT_DEVICE_SUPPORT})
        out[pc.MQTT_BRIDGE] = component_entry(pin(pc.MQTT_BRIDGE),
                                              bridge or {"mqttTopicMapping": {}})
    for connector in mapped:
        if connector.component in out:
            raise GGError("connectors %s: a group may hold one %s" % (connector.id, connector.name))
        out[connector.component] = component_entry(pin(connector.component),
                                                    connector.configuration)
    return out


def create_deployment_request(thing_group_arn: str, group: str, components: Mapping[str, Mapping],
                              failure_handling: str = "ROLLBACK",
                              tags: Optional[Mapping[str, str]] = None,
                              iot_job_configuration: Optional[Mapping] = None) -> dict:
    """CreateDeployment parameters; the digest of everything but the name and tags is in its name
    and tagged on it."""
    if failure_handling not in FAILURE_POLICIES:
        raise GGError("failure handling must be one of %s, got %r"
                      % (", ".join(FAILURE_POLICIES), failure_handling))
    request = {
        "targetArn": thing_group_arn,
        "components": {name: dict(components[name]) for name in sorted(components)},
        "deploymentPolicies": {
            "failureHandlingPolicy": failure_handling,
            "componentUpdatePolicy": {"timeoutInSeconds": 60, "action": "NOTIFY_COMPONENTS"},
            "configurationValidationPolicy": {"timeoutInSeconds": 30},
        },
    }
    if iot_job_configuration:
        request["iotJobConfiguration"] = dict(iot_job_configuration)
    digest = deployment_digest(request)
    request["deploymentName"] = names.deployment_name(group, digest)
    request["tags"] = dict(tags or {}, **{DIGEST_TAG: digest})
    return request


def deployment_digest(request: Mapping) -> str:
    """Digest of a deployment document (its name, tags and client token left out)."""
    return content_digest({k: v for k, v in request.items() if k not in ("tags", "clientToken", "deploymentName")})


def thing_group_arn(region: str, account: str, group: str, partition: str = "aws") -> str:
    return "arn:%s:iot:%s:%s:thinggroup/%s" % (partition, region, account, group)
