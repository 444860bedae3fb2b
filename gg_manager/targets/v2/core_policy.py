"""The IoT policy of a Greengrass V2 core's certificate, scoped to that one core.

Built from AWS's "minimal AWS IoT policy for Greengrass V2 core devices",
narrowed:

- iot:Connect for the thing's own client ids only: `<thing>` and `<thing>#*`
  (the nucleus opens extra MQTT connections named `<thing>#2`, `<thing>#3`, ...).
  AWS's example `<thing>*` would also let this certificate connect as any
  other thing whose name starts with this one's;
- the reserved topics of exactly this thing: jobs (deployments to thing groups
  arrive as IoT jobs), shadow (the deployment shadow and shadow manager),
  `greengrassv2/health/json` (fleet status) and `greengrass/health/json`
  (telemetry);
- MQTT to AWS IoT Core on exactly the topics the spec routes through the cloud;
- iot:AssumeRoleWithCertificate on exactly its role alias;
- the Greengrass V2 data-plane actions a core calls (on `*`, as AWS documents:
  they take no narrower resource);
- with client devices: publishing its certificate authorities, verifying a
  device's identity and association (for the group's device things only),
  and its own connectivity information.

AWS IoT limits a policy document to 2048 characters (white space excluded) and
a certificate to 10 policies; the example app's policy alone is ~1900. So the
statements are packed, in order, into as few documents as fit
(`core_iot_policies`), a statement too large on its own being split by
resources; the first document holds what every core needs.
"""
import json
from typing import Iterable, List

from gg_manager.errors import GGError
from gg_manager.provision.policies import _allow, _doc, mqtt_to_policy_topic

CORE_DATA_PLANE = ("greengrass:GetComponentVersionArtifact", "greengrass:ResolveComponentCandidates",
                   "greengrass:GetDeploymentConfiguration", "greengrass:ListThingGroupsForCoreDevice")
SHADOW_ACTIONS = ("iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow")
MAX_POLICY_CHARS = 2048   # AWS IoT: policy document size, white space excluded
MAX_POLICIES = 10         # AWS IoT: policies attached to one certificate


def core_iot_policies(region: str, account: str, thing: str, role_alias: str,
                      cloud_publish: Iterable[str] = (), cloud_subscribe: Iterable[str] = (),
                      shadow_things: Iterable[str] = (), client_devices: Iterable[str] = (),
                      partition: str = "aws") -> List[dict]:
    """The policy documents to attach to the core's certificate, each within AWS IoT's limit.

    `shadow_things`: client devices whose shadows shadow manager syncs;
    `client_devices`: the group's device things (enables the client device statements).
    """
    if not thing or "*" in thing or "#" in thing:
        raise GGError("core thing name %r cannot scope a policy" % (thing,))
    iot = "arn:%s:iot:%s:%s:" % (partition, region, account)
    own = "$aws/things/%s/" % thing
    reserved = [own + "jobs/*", own + "shadow/*", own + "greengrassv2/health/json",
                own + "greengrass/health/json"]
    synced = sorted(set(shadow_things))
    shadows = ["$aws/things/%s/shadow/*" % t for t in synced]
    statements = [
        _allow(["iot:Connect"], [iot + "client/" + thing, iot + "client/%s#*" % thing]),
        _allow(["iot:Publish", "iot:Receive"], [iot + "topic/" + t for t in reserved]),
        _allow(["iot:Subscribe"], [iot + "topicfilter/" + t for t in reserved[:2]]),
        _allow(list(SHADOW_ACTIONS), [iot + "thing/" + thing]),
        _allow(["iot:AssumeRoleWithCertificate"], [iot + "rolealias/" + role_alias]),
        _allow(list(CORE_DATA_PLANE), ["*"]),
    ]
    if synced:
        statements += [
            _allow(["iot:Publish", "iot:Receive"], [iot + "topic/" + t for t in shadows]),
            _allow(["iot:Subscribe"], [iot + "topicfilter/" + t for t in shadows]),
            _allow(list(SHADOW_ACTIONS), [iot + "thing/" + t for t in synced]),
        ]
    statements += _cloud_statements(iot, set(cloud_publish), set(cloud_subscribe))
    statements += _client_device_statements(partition, region, account, iot, thing,
                                            sorted(set(client_devices)))
    docs = pack_statements(statements)
    if len(docs) > MAX_POLICIES:
        raise GGError("core %s would need %d IoT policies, over the %d a certificate may have: "
                      "route fewer distinct topics through the cloud" % (thing, len(docs),
                                                                         MAX_POLICIES))
    return docs


def _client_device_statements(partition, region, account, iot, thing, devices):
    if not devices:
        return []
    gg = "arn:%s:greengrass:%s:%s:" % (partition, region, account)
    return [
        _allow(["greengrass:PutCertificateAuthorities", "greengrass:VerifyClientDeviceIdentity"],
               ["*"]),
        _allow(["greengrass:VerifyClientDeviceIoTCertificateAssociation"],
               [iot + "thing/" + d for d in devices]),
        _allow(["greengrass:GetConnectivityInfo", "greengrass:UpdateConnectivityInfo"],
               [gg + "/greengrass/things/%s/connectivityInfo" % thing]),
    ]


def _cloud_statements(iot, publish, subscribe):
    out = []
    if publish:
        out.append(_allow(["iot:Publish"], [iot + "topic/" + mqtt_to_policy_topic(t)
                                            for t in publish]))
    if subscribe:
        out.append(_allow(["iot:Subscribe"], [iot + "topicfilter/" + t for t in subscribe]))
        out.append(_allow(["iot:Receive"], [iot + "topic/" + mqtt_to_policy_topic(t)
                                            for t in subscribe]))
    return out


def policy_chars(doc) -> int:
    """Size of a policy document as AWS IoT counts it (white space excluded)."""
    return sum(1 for ch in json.dumps(doc, separators=(",", ":")) if not ch.isspace())


def pack_statements(statements, limit: int = MAX_POLICY_CHARS) -> List[dict]:
    """Policy documents holding `statements` in order, each at most `limit` characters."""
    docs, current = [], []
    for statement in statements:
        for piece in _fitting(statement, limit):
            if current and policy_chars(_doc(current + [piece])) > limit:
                docs.append(_doc(current))
                current = []
            current.append(piece)
    if current:
        docs.append(_doc(current))
    return docs


def _fitting(statement, limit):
    """The statement, or its resources split in halves until each part fits a document."""
    if policy_chars(_doc([statement])) <= limit:
        return [statement]
    resources = statement["Resource"]
    if len(resources) < 2:
        raise GGError("an IoT policy statement is larger than AWS IoT allows: %s"
                      % json.dumps(statement)[:200])
    half = len(resources) // 2
    return (_fitting(dict(statement, Resource=resources[:half]), limit)
            + _fitting(dict(statement, Resource=resources[half:]), limit))
