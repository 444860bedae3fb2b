"""greengo's `Devices:` on V1, planned with no AWS at all: each device's thing, certificate (from a CSR,
the key made locally) and own policy; the device definition naming them; what an edit or a dropped
device plans."""
from gg_manager.plan.model import Ref
from gg_manager.plan.review import differences
from gg_manager.resources.compare import substitute
from gg_manager.resources.iot import ActualCoreDevice, ActualPolicy
from gg_manager.resources.iot_removal import Certificate, CoreDeviceRemoval
from gg_manager.targets.v1.diff import diff
from gg_manager.targets.v1.lower import GROUP_ID
from tests.targets.v1_world import (ACCOUNT, GROUP_ID_VALUE, REGION, SPEC, desired_from, device_certificate,
                                    everything_as_desired, nothing_exists)

IOT = "arn:aws:iot:%s:%s:" % (REGION, ACCOUNT)
DEVICES = SPEC.replace("Loggers:", """\
Devices:
  - {name: cam-1, key_path: ./device-keys, SyncShadow: true}
  - {name: sensor}
Loggers:""").replace("  - {Id: out, Source: Lambda::fn, Subject: shop/out, Target: cloud}\n", """\
  - {Id: out, Source: Lambda::fn, Subject: shop/out, Target: cloud}
  - {Id: frames, Source: Device::cam-1, Subject: cam/frames/+, Target: Lambda::fn}
  - {Id: cmd, Source: Lambda::fn, Subject: cam/cmd, Target: Device::cam-1}
  - {Id: temp, Source: Device::sensor, Subject: sensors/temp, Target: cloud}
""")


def short(certificate_arn):
    """A certificate ARN as the plan shows it: its id (a SHA-256) cut to 12 hex digits."""
    prefix, _, cert_id = certificate_arn.rpartition("/")
    return "%s/%s…" % (prefix, cert_id[:12])


def reads(change):
    """What a reviewer reads under `change` in the plan: its differences (drift as expected/found)."""
    return ["%s %s" % (line.mark, line.text) for line in differences(change.before, change.after,
                                                                      change.cause == "drift") if line.depth == 0]


def summary(plan):
    return sorted((c.action, c.kind, c.name) for c in plan.changes)


def find(plan, kind, name=None, action=None):
    return next(c for c in plan.changes if c.kind == kind and name in (None, c.name)
                and action in (None, c.action))


def statements(document):
    return sorted((tuple(s["Action"]), tuple(s["Resource"])) for s in document["Statement"])


def test_each_device_gets_a_thing_a_certificate_from_a_csr_and_its_own_policy(tmp_path):
    desired = desired_from(tmp_path, DEVICES)
    plan = diff(desired, nothing_exists(desired))
    for device, folder in (("cam-1", "device-keys"), ("sensor", "certs")):
        thing = find(plan, "iot thing", device)
        assert [s.operation for s in thing.steps] == ["iot:CreateThing"]
        assert thing.steps[0].params["attributePayload"]["attributes"] == {"gg_managed_by": "gg", "gg_group": "shop"}
        policy = find(plan, "iot policy", device + "-gg-policy")
        assert [s.operation for s in policy.steps] == ["iot:CreatePolicy"]
        cert = find(plan, "certificate", device)
        assert [(s.operation, s.params.get("certs_dir")) for s in cert.steps] == [
            ("local:GenerateKey", str(tmp_path / folder)), ("iot:CreateCertificateFromCsr", None),
            ("local:WriteCertificate", str(tmp_path / folder)), ("iot:AttachThingPrincipal", None),
            ("iot:AttachPolicy", None)]
        assert cert.steps[1].params["certificateSigningRequest"] == Ref(cert.steps[0], "csr")   # only a CSR
        assert cert.steps[4].params == {"policyName": device + "-gg-policy", "target": Ref(cert.steps[1], "arn")}
    made = find(plan, "device definition").steps[0]
    assert made.operation == "greengrass:CreateDeviceDefinition" and made.params["Name"] == "shop-devices"
    assert made.params["InitialVersion"] == {"Devices": [
        {"Id": "cam-1", "ThingArn": IOT + "thing/cam-1", "SyncShadow": True,
         "CertificateArn": Ref(find(plan, "certificate", "cam-1").steps[1], "arn")},
        {"Id": "sensor", "ThingArn": IOT + "thing/sensor", "SyncShadow": False,
         "CertificateArn": Ref(find(plan, "certificate", "sensor").steps[1], "arn")}]}
    version = find(plan, "group version").steps[0].params
    assert version["DeviceDefinitionVersionArn"] == Ref(made, "version_arn")
    subscriptions = find(plan, "subscription definition").steps[0].params["InitialVersion"]["Subscriptions"]
    assert {s["Id"]: (s["Source"], s["Target"]) for s in subscriptions}["frames"][0] == IOT + "thing/cam-1"
    assert {s["Id"]: (s["Source"], s["Target"]) for s in subscriptions}["cmd"][1] == IOT + "thing/cam-1"
    record = plan.bookkeeping[0].steps[0].params["Body"]["groups"]["shop"]
    assert record["devices"] == {"cam-1": Ref(find(plan, "certificate", "cam-1").steps[1], "arn"),
                                 "sensor": Ref(find(plan, "certificate", "sensor").steps[1], "arn")}


def test_a_device_policy_allows_its_own_client_id_its_own_topics_and_discovery_only(tmp_path):
    desired = desired_from(tmp_path, DEVICES)
    plan = diff(desired, nothing_exists(desired))
    cam = find(plan, "iot policy", "cam-1-gg-policy").steps[0].params["policyDocument"]
    assert statements(cam) == sorted([
        (("iot:Connect",), (IOT + "client/cam-1",)),
        (("iot:Publish",), (IOT + "topic/cam/frames/*",)),
        (("iot:Subscribe",), (IOT + "topicfilter/cam/cmd",)),
        (("iot:Receive",), (IOT + "topic/cam/cmd",)),
        (("greengrass:Discover",), (IOT + "thing/cam-1",))])
    sensor = find(plan, "iot policy", "sensor-gg-policy").steps[0].params["policyDocument"]
    assert statements(sensor) == sorted([
        (("iot:Connect",), (IOT + "client/sensor",)),
        (("iot:Publish",), (IOT + "topic/sensors/temp",)),
        (("greengrass:Discover",), (IOT + "thing/sensor",))])


def test_the_core_may_sync_the_shadows_of_the_devices_that_ask_for_it_only(tmp_path):
    desired = desired_from(tmp_path, DEVICES)
    core = desired.groups[0].core.policy
    shadows = [r for s in core["Statement"] if "iot:UpdateThingShadow" in s["Action"] for r in s["Resource"]]
    assert IOT + "thing/cam-1" in shadows and IOT + "thing/sensor" not in shadows
    published = [r for s in core["Statement"] if s["Action"] == ["iot:Publish"] for r in s["Resource"]]
    assert IOT + "topic/sensors/temp" in published       # the core relays the sensor's messages to the cloud


def test_nothing_to_do_when_aws_holds_the_devices(tmp_path):
    desired = desired_from(tmp_path, DEVICES)
    plan = diff(desired, everything_as_desired(desired))
    assert plan.empty and plan.bookkeeping == []


def test_a_device_added(tmp_path):
    desired = desired_from(tmp_path, DEVICES.replace("  - {name: sensor}\n", "  - {name: sensor}\n  - {name: door}\n"))
    actual = everything_as_desired(desired)
    group = actual.groups["shop"]
    del group.devices["door"]
    group.definitions["device"].content["Devices"].pop()
    plan = diff(desired, actual)
    assert summary(plan) == [("create", "certificate", "door"), ("create", "group version", "shop"),
                             ("create", "iot policy", "door-gg-policy"), ("create", "iot thing", "door"),
                             ("update", "device definition", "shop-devices")]
    update = find(plan, "device definition")
    assert reads(update) == [
        "+ Devices[door]: {ThingArn: arn:aws:iot:%s:%s:thing/door, CertificateArn: <3.2 arn>, SyncShadow: false}"
        % (REGION, ACCOUNT)]
    assert [s.operation for s in update.steps] == ["greengrass:CreateDeviceDefinitionVersion"]
    entries = update.steps[0].params["Devices"]
    assert [e["Id"] for e in entries] == ["cam-1", "sensor", "door"]
    assert entries[0]["CertificateArn"] == device_certificate("cam-1")        # the others keep theirs
    assert entries[2]["CertificateArn"] == Ref(find(plan, "certificate", "door").steps[1], "arn")


def test_sync_shadow_changed_updates_the_definition_and_the_core_policy(tmp_path):
    (tmp_path / "before").mkdir()
    before = everything_as_desired(desired_from(tmp_path / "before", DEVICES))
    desired = desired_from(tmp_path, DEVICES.replace("{name: sensor}", "{name: sensor, SyncShadow: true}"))
    plan = diff(desired, before)
    assert summary(plan) == [("create", "group version", "shop"), ("update", "device definition", "shop-devices"),
                             ("update", "iot policy", "shop-core-gg-policy")]
    assert reads(find(plan, "device definition")) == ["~ Devices[sensor].SyncShadow: false -> true"]


def core_policy(desired):
    return substitute(desired.groups[0].core.policy, {GROUP_ID: GROUP_ID_VALUE})


def old_device(name):
    cert = device_certificate(name)
    policy = {"Version": "2012-10-17", "Statement": []}
    return CoreDeviceRemoval(name, name + "-gg-policy", thing_exists=True, thing_managed=True, principals=[cert],
                             certificates=[Certificate(cert, "ACTIVE", True, [name + "-gg-policy"])],
                             policy=ActualPolicy(policy, [cert]))


def test_a_dropped_device_goes_before_the_definition_stops_naming_it(tmp_path):
    """Its certificate, thing and policy are deleted first: until the new device definition version exists,
    the current one still names it, so a run interrupted in between finds it again."""
    (tmp_path / "before").mkdir()
    before = everything_as_desired(desired_from(tmp_path / "before", DEVICES))
    desired = desired_from(tmp_path, DEVICES.replace("  - {name: sensor}\n", "").replace(
        "  - {Id: temp, Source: Device::sensor, Subject: sensors/temp, Target: cloud}\n", ""))
    group = before.groups["shop"]
    group.old_devices = [old_device("sensor")]
    group.core.policy = ActualPolicy(core_policy(desired), group.core.policy.targets)
    del group.devices["sensor"]
    group.definitions["subscription"].content = desired.groups[0].definitions["subscription"]
    plan = diff(desired, before)
    assert summary(plan) == [("create", "group version", "shop"), ("delete", "certificate", device_certificate(
        "sensor").rsplit("/", 1)[1][:12]), ("delete", "iot policy", "sensor-gg-policy"),
        ("delete", "iot thing", "sensor"), ("update", "device definition", "shop-devices")]
    order = [(c.action, c.kind) for c in plan.changes]
    assert order.index(("delete", "iot policy")) < order.index(("update", "device definition")) \
        < order.index(("create", "group version"))
    cert = find(plan, "certificate", action="delete")
    assert [s.operation for s in cert.steps] == ["iot:UpdateCertificate", "iot:DetachPolicy",
                                                 "iot:DetachThingPrincipal", "iot:DeleteCertificate"]
    assert cert.fields == ["device no longer in the spec"]
    assert reads(find(plan, "device definition")) == [
        "- Devices[sensor]: {ThingArn: arn:aws:iot:%s:%s:thing/sensor, CertificateArn: %s, SyncShadow: false}"
        % (REGION, ACCOUNT, short(device_certificate("sensor")))]


def test_the_last_device_dropped_deletes_the_definition_after_the_group_version(tmp_path):
    (tmp_path / "before").mkdir()
    before = everything_as_desired(desired_from(tmp_path / "before", DEVICES))
    group = before.groups["shop"]
    no_devices = DEVICES[:DEVICES.index("Devices:")] + DEVICES[DEVICES.index("Loggers:"):]
    desired = desired_from(tmp_path, no_devices.replace(
        "  - {Id: frames, Source: Device::cam-1, Subject: cam/frames/+, Target: Lambda::fn}\n", "").replace(
        "  - {Id: cmd, Source: Lambda::fn, Subject: cam/cmd, Target: Device::cam-1}\n", "").replace(
        "  - {Id: temp, Source: Device::sensor, Subject: sensors/temp, Target: cloud}\n", ""))
    group.old_devices = [old_device("cam-1"), old_device("sensor")]
    group.devices = {}
    group.core.policy = ActualPolicy(core_policy(desired), group.core.policy.targets)
    group.definitions["subscription"].content = desired.groups[0].definitions["subscription"]
    plan = diff(desired, before)
    order = [(c.action, c.kind) for c in plan.changes]
    assert order[-1] == ("delete", "device definition")
    assert order.count(("delete", "iot thing")) == 2
    assert max(i for i, o in enumerate(order) if o[1] in ("iot thing", "iot policy", "certificate")) \
        < order.index(("create", "group version"))
    assert "DeviceDefinitionVersionArn" not in find(plan, "group version").steps[0].params
    assert find(plan, "group version").fields == ["drops the device definition"]
    assert "devices" not in plan.bookkeeping[0].steps[0].params["Body"]["groups"]["shop"]


def test_a_device_certificate_replaced_outside_gg_is_what_the_definition_names_next(tmp_path):
    desired = desired_from(tmp_path, DEVICES)
    actual = everything_as_desired(desired)
    other = device_certificate("someone else's")
    actual.groups["shop"].devices["sensor"] = ActualCoreDevice(
        True, [other], ActualPolicy(desired.groups[0].devices[1].policy, [other]))
    plan = diff(desired, actual)
    assert summary(plan) == [("create", "group version", "shop"), ("update", "device definition", "shop-devices")]
    assert reads(find(plan, "device definition")) == [
        "~ Devices[sensor].CertificateArn: %s -> %s" % (short(device_certificate("sensor")), short(other))]


def test_a_device_whose_policy_was_detached_gets_it_again(tmp_path):
    desired = desired_from(tmp_path, DEVICES)
    actual = everything_as_desired(desired)
    found = actual.groups["shop"].devices["cam-1"]
    found.policy = ActualPolicy(found.policy.document, [])
    plan = diff(desired, actual)
    assert [(c.action, c.kind, [(s.operation, s.params) for s in c.steps]) for c in plan.changes] == [
        ("update", "certificate", [("iot:AttachPolicy", {"policyName": "cam-1-gg-policy",
                                                         "target": device_certificate("cam-1")})])]
