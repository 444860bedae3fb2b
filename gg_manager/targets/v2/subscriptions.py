"""V1 subscriptions on Greengrass V2: router entries, event sources and MQTT bridge mappings.

V2 has no subscription table; each V1 subscription becomes what carries it there:

| Source -> Target                 | on V2                                                       |
|----------------------------------|-------------------------------------------------------------|
| Lambda/connector -> cloud        | LegacySubscriptionRouter: component:S -> cloud               |
| Lambda/connector -> Lambda/conn. | LegacySubscriptionRouter: component:S -> component:T         |
| cloud -> Lambda                  | the Lambda's eventSources {topic, IOT_CORE} (wildcards ok)   |
| cloud -> connector               | the connector component's pubsubTopics {topic, IotCore}      |
| Device -> cloud / cloud -> Device| MQTT bridge LocalMqtt -> IotCore / IotCore -> LocalMqtt      |
| Device -> Lambda/connector       | bridge LocalMqtt -> Pubsub, and a PUB_SUB event source;       |
|                                  | local pub/sub takes no wildcards, so a wildcard subject goes  |
|                                  | LocalMqtt -> IotCore and an IOT_CORE source (a warning)       |
| Lambda/connector -> Device       | router -> cloud, then bridge IotCore -> LocalMqtt (a warning: |
|                                  | the message goes through AWS IoT Core, so it needs the cloud) |
| Device -> Device                 | the local broker itself; client device auth allows both ends |
| Device <-> GGShadowService       | bridge LocalMqtt <-> Pubsub, where shadow manager listens     |

Refused, with the reason: a Lambda or the cloud talking to GGShadowService (a
V1 Lambda's Core SDK shadow calls do not exist on V2: the Lambda has to use the
Device SDK V2 IPC client, and cloud shadow sync is `SyncShadow`, not a
subscription); an endpoint that is a connector with no V2 component; a raw ARN
that names nothing in the group.

The `component:` form needs LegacySubscriptionRouter 2.1.0 or later; unlike
function version ARNs it survives every new Lambda version.
"""
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Set, Tuple

CLOUD, SHADOW, LAMBDA, CONNECTOR, DEVICE = "cloud", "shadow", "lambda", "connector", "device"
LOCAL_COMPONENTS = (LAMBDA, CONNECTOR)


@dataclass(frozen=True)
class Problem:
    index: int          # position in the subscriptions given
    field: str          # "Source", "Target", "Subject" or "" (the entry)
    message: str
    severity: str = "error"
    unknown_endpoint: bool = False   # names nothing in the group (the common rules say so too)
    common: bool = False             # a problem on every target (the common rules report it)


@dataclass
class DeviceTopics:
    publish: Set[str] = field(default_factory=set)      # topics (filters) it may publish on
    subscribe: Set[str] = field(default_factory=set)    # topic filters it may subscribe to


@dataclass
class Routing:
    router: Dict[str, dict] = field(default_factory=dict)           # id -> router subscription
    event_sources: Dict[str, List[dict]] = field(default_factory=dict)   # Lambda -> sources
    connector_topics: Dict[str, List[dict]] = field(default_factory=dict)  # connector -> topics
    bridge: Dict[str, dict] = field(default_factory=dict)           # name -> topic mapping
    devices: Dict[str, DeviceTopics] = field(default_factory=dict)
    cloud_publish: Set[str] = field(default_factory=set)       # the core publishes to AWS IoT
    cloud_subscribe: Set[str] = field(default_factory=set)     # the core subscribes in AWS IoT
    publishers: Set[str] = field(default_factory=set)          # Lambdas that use the router
    shadow_devices: Set[str] = field(default_factory=set)      # devices using local shadows
    problems: List[Problem] = field(default_factory=list)

    def router_configuration(self) -> dict:
        return {"subscriptions": {k: self.router[k] for k in sorted(self.router)}}

    def bridge_configuration(self) -> dict:
        return {"mqttTopicMapping": {k: self.bridge[k] for k in sorted(self.bridge)}}

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == "error"]


@dataclass(frozen=True)
class Endpoint:
    kind: str
    name: str = ""


def has_wildcard(topic: str) -> bool:
    return any(level in ("+", "#") for level in topic.split("/"))


def route(subscriptions: Iterable[Mapping], lambdas: Iterable[str], devices: Iterable[str] = (),
          connectors: Optional[Mapping[str, str]] = None,
          lambda_components: Optional[Mapping[str, str]] = None,
          unmapped_connectors: Iterable[str] = ()) -> Routing:
    """Translate a group's subscriptions ({Id, Source, Subject, Target}, endpoints as in the
    spec) into V2 routing.

    `connectors`: connector Id -> its V2 component name, for connectors that have
    one; `unmapped_connectors`: the Ids of the group's other connectors (an
    endpoint naming one is refused). `lambda_components`: Lambda -> component
    name (default: the Lambda's name).
    """
    ctx = _Context(set(lambdas), set(devices), dict(connectors or {}), dict(lambda_components or {}),
                   set(unmapped_connectors))
    out = Routing()
    for index, sub in enumerate(subscriptions):
        source = ctx.endpoint(sub.get("Source"), index, "Source", out)
        target = ctx.endpoint(sub.get("Target"), index, "Target", out)
        if source is None or target is None:
            continue
        _route_one(ctx, out, index, str(sub.get("Id") or "sub-%d" % index), source,
                   sub.get("Subject"), target)
    return out


class _Context:
    def __init__(self, lambdas, devices, connectors, lambda_components, unmapped):
        self.lambdas, self.devices = lambdas, devices
        self.connectors, self.lambda_components = connectors, lambda_components
        self.unmapped = unmapped

    def component(self, endpoint: Endpoint) -> str:
        if endpoint.kind == LAMBDA:
            return self.lambda_components.get(endpoint.name, endpoint.name)
        return self.connectors[endpoint.name]

    def endpoint(self, text, index, key, out) -> Optional[Endpoint]:
        found, problem = self._parse(text)
        if problem:
            out.problems.append(Problem(index, key, problem[0], unknown_endpoint=problem[1]))
        return found

    def _parse(self, text) -> Tuple[Optional[Endpoint], Optional[str]]:
        if text == "cloud":
            return Endpoint(CLOUD), None
        if text == "GGShadowService":
            return Endpoint(SHADOW), None
        if not isinstance(text, str):
            return None, ("an endpoint must be a string", True)
        if text.startswith("arn:"):
            return self._from_arn(text)
        prefix, _, name = text.partition("::")
        if prefix == "Lambda" and name in self.lambdas:
            return Endpoint(LAMBDA, name), None
        if prefix == "Device" and name in self.devices:
            return Endpoint(DEVICE, name), None
        if prefix == "Connector":
            if name in self.connectors:
                return Endpoint(CONNECTOR, name), None
            if name in self.unmapped:
                return None, ("connector %r has no Greengrass V2 component, so nothing can route "
                              "to or from it on V2 (see its own error under Connectors)" % name, False)
        return None, ("%r is not a Lambda, device or connector of this group" % text, True)

    def _from_arn(self, arn):
        parts = arn.split(":")
        if len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function" \
                and parts[6] in self.lambdas:
            return Endpoint(LAMBDA, parts[6]), None
        if len(parts) >= 6 and parts[2] == "iot" and parts[5].startswith("thing/") \
                and parts[5][len("thing/"):] in self.devices:
            return Endpoint(DEVICE, parts[5][len("thing/"):]), None
        return None, ("%s names nothing gg deploys in this group; on V2 write Lambda::NAME or "
                      "Device::NAME for an entry of this file" % arn, False)


def _route_one(ctx, out, index, sid, source, subject, target):
    pair = (source.kind, target.kind)
    if SHADOW in pair and DEVICE not in pair:
        out.problems.append(Problem(index, "", _shadow_refusal(source, target)))
    elif pair == (CLOUD, CLOUD):
        out.problems.append(Problem(index, "", "this subscription routes nothing", common=True))
    elif source.kind in LOCAL_COMPONENTS:
        _from_component(ctx, out, index, sid, source, subject, target)
    elif source.kind == CLOUD:
        _from_cloud(ctx, out, index, sid, subject, target)
    elif source.kind == DEVICE:
        _from_device(ctx, out, index, sid, source, subject, target)
    else:  # GGShadowService -> Device
        out.bridge[sid] = _mapping(subject, "Pubsub", "LocalMqtt")
        out.shadow_devices.add(target.name)
        _device(out, target.name).subscribe.add(subject)


def _shadow_refusal(source, target):
    other = target if source.kind == SHADOW else source
    if other.kind == LAMBDA:
        return ("Lambda %r and GGShadowService: a V1 Lambda's Core SDK shadow calls do not exist on "
                "Greengrass V2; the Lambda must use the AWS IoT Device SDK V2 (IPC) against shadow "
                "manager, and needs no subscription for it" % other.name)
    if other.kind == CLOUD:
        return ("cloud and GGShadowService: on Greengrass V2 shadow manager syncs shadows with AWS "
                "IoT Core by configuration, not by a subscription; set SyncShadow: true on the "
                "core or device instead")
    return "GGShadowService can only be routed to or from a Device on Greengrass V2"


def _from_component(ctx, out, index, sid, source, subject, target):
    src = "component:" + ctx.component(source)
    if source.kind == LAMBDA:
        out.publishers.add(source.name)
    if target.kind == CLOUD:
        out.router[sid] = _router(sid, src, subject, "cloud")
        out.cloud_publish.add(subject)
    elif target.kind in LOCAL_COMPONENTS:
        out.router[sid] = _router(sid, src, subject, "component:" + ctx.component(target))
    elif target.kind == DEVICE:
        out.router[sid] = _router(sid, src, subject, "cloud")
        out.bridge[sid] = _mapping(subject, "IotCore", "LocalMqtt")
        out.cloud_publish.add(subject)
        out.cloud_subscribe.add(subject)
        _device(out, target.name).subscribe.add(subject)
        out.problems.append(Problem(index, "", (
            "on Greengrass V2 a Lambda or connector reaches a client device only through AWS IoT "
            "Core (the "
            "legacy subscription router has no local-device target): the message goes to the "
            "cloud and the MQTT bridge brings it back, so it needs connectivity"), "warning"))


def _from_cloud(ctx, out, index, sid, subject, target):
    out.cloud_subscribe.add(subject)
    if target.kind in LOCAL_COMPONENTS:
        _deliver(out, target, subject, "IOT_CORE", "IotCore")
    else:  # Device
        out.bridge[sid] = _mapping(subject, "IotCore", "LocalMqtt")
        _device(out, target.name).subscribe.add(subject)


def _from_device(ctx, out, index, sid, source, subject, target):
    _device(out, source.name).publish.add(subject)
    if target.kind == CLOUD:
        out.bridge[sid] = _mapping(subject, "LocalMqtt", "IotCore")
        out.cloud_publish.add(subject)
    elif target.kind == DEVICE:
        _device(out, target.name).subscribe.add(subject)
    elif target.kind == SHADOW:
        out.bridge[sid] = _mapping(subject, "LocalMqtt", "Pubsub")
        out.shadow_devices.add(source.name)
    elif has_wildcard(subject):
        # local publish/subscribe takes no wildcards: relay through AWS IoT Core instead
        out.bridge[sid] = _mapping(subject, "LocalMqtt", "IotCore")
        out.cloud_publish.add(subject)
        out.cloud_subscribe.add(subject)
        _deliver(out, target, subject, "IOT_CORE", "IotCore")
        out.problems.append(Problem(index, "Subject", (
            "local publish/subscribe on Greengrass V2 takes no MQTT wildcards, so messages on %r "
            "go from the device to AWS IoT Core and back to the %s: this needs connectivity; "
            "name each topic in its own subscription to keep them local" % (subject, target.kind)),
            "warning"))
    else:
        out.bridge[sid] = _mapping(subject, "LocalMqtt", "Pubsub")
        _deliver(out, target, subject, "PUB_SUB", "Pubsub")


def _deliver(out, target, subject, lambda_type, connector_type):
    """A Lambda's event source, or a connector component's input topic."""
    if target.kind == LAMBDA:
        out.event_sources.setdefault(target.name, []).append({"topic": subject,
                                                              "type": lambda_type})
    else:
        out.connector_topics.setdefault(target.name, []).append({"topic": subject,
                                                                 "type": connector_type})


def _router(sid, source, subject, target):
    return {"id": sid, "source": source, "subject": subject, "target": target}


def _mapping(topic, source, target):
    return {"topic": topic, "source": source, "target": target}


def _device(out, name):
    return out.devices.setdefault(name, DeviceTopics())
