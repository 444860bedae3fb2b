"""greengo's Devices as V2 client devices: auth policy per device, associations, device policy."""
import pytest
from v2_shapes import validate

from gg_manager.targets.v2.client_devices import (association_requests, auth_configuration,
                                                  device_iot_policy, service_role_policy,
                                                  service_role_trust)
from gg_manager.targets.v2.subscriptions import route


def test_each_device_may_do_exactly_what_its_subscriptions_say():
    routing = route([
        {"Id": "up", "Source": "Device::sensor", "Subject": "sensors/+/t", "Target": "cloud"},
        {"Id": "down", "Source": "cloud", "Subject": "cmd/#", "Target": "Device::sensor"},
    ], [], ["sensor", "idle"])
    config = auth_configuration(["sensor", "idle"], routing.devices)
    groups = config["deviceGroups"]
    assert groups["formatVersion"] == "2021-03-05"
    assert groups["definitions"] == {
        "gg-idle": {"selectionRule": "thingName: idle", "policyName": "gg-idle"},
        "gg-sensor": {"selectionRule": "thingName: sensor", "policyName": "gg-sensor"}}
    sensor = groups["policies"]["gg-sensor"]
    assert sensor["connect"]["resources"] == ["mqtt:clientId:sensor"]
    assert sensor["publish"]["resources"] == ["mqtt:topic:sensors/*/t"]
    assert sensor["subscribe"]["resources"] == ["mqtt:topicfilter:cmd/#"]
    assert list(groups["policies"]["gg-idle"]) == ["connect"]


def test_colons_in_thing_names_are_escaped_in_selection_rules():
    config = auth_configuration(["team:cam1"], {})
    assert config["deviceGroups"]["definitions"]["gg-team:cam1"]["selectionRule"] == \
        "thingName: team\\:cam1"


def test_associations_are_batched_by_100_and_fit_botocore():
    requests = association_requests("core", ["d%03d" % i for i in range(250)])
    assert [len(r["entries"]) for r in requests] == [100, 100, 50]
    for request in requests:
        validate("greengrassv2", "BatchAssociateClientDeviceWithCoreDevice", request)
    assert association_requests("core", []) == []


def test_device_policy_allows_only_discovery_of_itself():
    policy = device_iot_policy("eu-west-1", "123456789012", "sensor")
    (statement,) = policy["Statement"]
    assert statement == {"Effect": "Allow", "Action": ["greengrass:Discover"],
                         "Resource": ["arn:aws:iot:eu-west-1:123456789012:thing/sensor"]}


def test_service_role_is_scoped_to_this_account():
    trust = service_role_trust("eu-west-1", "123456789012")["Statement"][0]
    assert trust["Principal"] == {"Service": "greengrass.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:greengrass:eu-west-1:123456789012:*"
    assert service_role_policy("eu-west-1", "123456789012")["Statement"][0]["Action"] == [
        "iot:DescribeCertificate"]
