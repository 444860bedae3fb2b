"""greengo's `Devices:` on Greengrass V2: client devices.

A V1 device (an IoT thing in the group, talking MQTT to the core) is a V2
client device. What a group with devices gets:

- aws.greengrass.clientdevices.Auth with one device group and one policy per
  device: connect with its own client id, publish on the topics its
  subscriptions give it as a source, subscribe to the filters it is a target
  of (nothing else; a device with no subscription may only connect);
- a local broker, aws.greengrass.clientdevices.mqtt.Moquette (AWS's default
  broker for client devices), and aws.greengrass.clientdevices.IPDetector,
  which reports the core's addresses so devices can discover it;
- aws.greengrass.clientdevices.mqtt.Bridge with the topic mappings derived
  from the subscriptions (subscriptions.py);
- BatchAssociateClientDeviceWithCoreDevice for each core, so the devices may
  discover it (at most 100 entries per call);
- per device thing, an IoT policy that allows exactly greengrass:Discover on it;
- the account's Greengrass service role: the core verifies a device
  certificate with VerifyClientDeviceIoTCertificateAssociation, which AWS
  evaluates with that role (it needs iot:DescribeCertificate).
"""
from typing import Iterable, List, Mapping

from gg_manager.provision.policies import _allow, _doc, mqtt_to_policy_topic
from gg_manager.targets.v2.subscriptions import DeviceTopics

FORMAT_VERSION = "2021-03-05"
MAX_ASSOCIATIONS = 100


def _selection_rule(thing: str) -> str:
    # a colon in a thing name is escaped with a backslash in selection rules
    return "thingName: " + thing.replace(":", "\\:")


def auth_configuration(devices: Iterable[str], topics: Mapping[str, DeviceTopics]) -> dict:
    """aws.greengrass.clientdevices.Auth configuration for the group's devices."""
    definitions, policies = {}, {}
    for device in sorted(set(devices)):
        key = "gg-" + device
        used = topics.get(device) or DeviceTopics()
        statements = {"connect": {"statementDescription": "connect as itself",
                                  "operations": ["mqtt:connect"],
                                  "resources": ["mqtt:clientId:" + device]}}
        if used.publish:
            statements["publish"] = {
                "statementDescription": "publish on the topics of its subscriptions",
                "operations": ["mqtt:publish"],
                "resources": sorted("mqtt:topic:" + mqtt_to_policy_topic(t) for t in used.publish)}
        if used.subscribe:
            statements["subscribe"] = {
                "statementDescription": "subscribe to the topics of its subscriptions",
                "operations": ["mqtt:subscribe"],
                "resources": sorted("mqtt:topicfilter:" + t for t in used.subscribe)}
        definitions[key] = {"selectionRule": _selection_rule(device), "policyName": key}
        policies[key] = statements
    return {"deviceGroups": {"formatVersion": FORMAT_VERSION, "definitions": definitions,
                             "policies": policies}}


def association_requests(core_thing: str, devices: Iterable[str]) -> List[dict]:
    """BatchAssociateClientDeviceWithCoreDevice parameters, in calls of at most 100 devices."""
    things = sorted(set(devices))
    return [{"coreDeviceThingName": core_thing,
             "entries": [{"thingName": t} for t in things[i:i + MAX_ASSOCIATIONS]]}
            for i in range(0, len(things), MAX_ASSOCIATIONS)]


def device_iot_policy(region: str, account: str, thing: str, partition: str = "aws") -> dict:
    """A client device's own IoT policy: greengrass:Discover on its thing, nothing more.

    It talks MQTT to the core's local broker, where client device auth decides;
    AWS IoT itself only sees its discovery call.
    """
    return _doc([_allow(["greengrass:Discover"],
                        ["arn:%s:iot:%s:%s:thing/%s" % (partition, region, account, thing)])])


def service_role_trust(region: str, account: str, partition: str = "aws") -> dict:
    """Trust policy of the Greengrass service role, scoped to this account (confused deputy)."""
    return _doc([{"Effect": "Allow", "Principal": {"Service": "greengrass.amazonaws.com"},
                  "Action": "sts:AssumeRole",
                  "Condition": {"StringEquals": {"aws:SourceAccount": account},
                                "ArnLike": {"aws:SourceArn": "arn:%s:greengrass:%s:%s:*"
                                            % (partition, region, account)}}}])


def service_role_policy(region: str, account: str, partition: str = "aws") -> dict:
    """What the service role needs for client devices: read certificates, nothing else."""
    return _doc([_allow(["iot:DescribeCertificate"],
                        ["arn:%s:iot:%s:%s:cert/*" % (partition, region, account)])])
