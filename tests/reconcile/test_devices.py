"""greengo's `Devices:` on Greengrass V1, through the CLI against the sandbox, read back with plain boto3:
each device's thing, its certificate (issued for a CSR of a key made here, kept here), its own policy, the
group's device definition and subscriptions naming its thing; edits, drift, interruptions and removal."""
import io
import json
import os
import shutil
import subprocess
import zipfile
from urllib.parse import urlparse

import pytest

from gg_manager.aws.session import paginate
from gg_manager.cli import main
from gg_manager.provision.certs import cert_matches_key
from tests.reconcile.conftest import certificates_of, full_state, list_everything, mutating, normalized

ACCOUNT = "123456789012"
REGION = "ca-central-1"        # a region of its own: few certificates to look through, nothing of other tests

GROUP = """\
Group:
  name: {p}-g
Cores:
  - name: {p}-core
Devices:
  - {{name: {p}-cam, SyncShadow: true}}
"""
SPEC = GROUP + """\
  - {{name: {p}-sensor, key_path: ./device-keys}}
Subscriptions:
  - {{Id: frames, Source: Device::{p}-cam, Subject: {p}/frames, Target: cloud}}
  - {{Id: cmd, Source: cloud, Subject: {p}/cmd/+, Target: Device::{p}-cam}}
  - {{Id: temp, Source: Device::{p}-sensor, Subject: {p}/temp, Target: Device::{p}-cam}}
"""
# one device: what the interruption tests run at every write
ONE_DEVICE = GROUP + """\
Subscriptions:
  - {{Id: cmd, Source: cloud, Subject: {p}/cmd/+, Target: Device::{p}-cam}}
"""
# the whole repository as a Lambda's package: the key folders in it must never be packed
WITH_LAMBDA = SPEC + """\
Lambdas:
  - name: {p}-fn
    handler: src.main.handler
    package: .
    greengrassConfig: {{MemorySize: 131072, Timeout: 10}}
"""


@pytest.fixture
def region(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    return REGION


@pytest.fixture
def devices_project(new_project, region):
    """new_project() whose greengrass.yaml is SPEC (or `text`)."""
    def make(text=SPEC):
        project = new_project()
        project.write(text.format(p=project.prefix))
        return project
    return make


def client(sandbox, service):
    return sandbox.boto3_client(service, REGION)


def principals(sandbox, thing):
    return client(sandbox, "iot").list_thing_principals(thingName=thing)["principals"]


def definition(sandbox, kind, name):
    """(definition, its latest version's content) of the definition called `name`, or (None, None)."""
    gg = client(sandbox, "greengrass")
    found = [d for d in paginate(gg, "list_%s_definitions" % kind, "Definitions") if d.get("Name") == name]
    if not found:
        return None, None
    noun = kind.capitalize() + "Definition"
    version = getattr(gg, "get_%s_definition_version" % kind)(
        **{noun + "Id": found[0]["Id"], noun + "VersionId": found[0]["LatestVersion"]})
    return found[0], version["Definition"]


def group_version(sandbox, name):
    gg = client(sandbox, "greengrass")
    group = [g for g in paginate(gg, "list_groups", "Groups") if g.get("Name") == name][0]
    return gg.get_group_version(GroupId=group["Id"], GroupVersionId=group["LatestVersion"])["Definition"]


def policy_of(sandbox, thing):
    doc = client(sandbox, "iot").get_policy(policyName=thing + "-gg-policy")["policyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    as_list = lambda v: v if isinstance(v, list) else [v]     # noqa: E731
    return sorted((tuple(as_list(s["Action"])), tuple(sorted(as_list(s["Resource"])))) for s in doc["Statement"])


def device_state(sandbox, project):
    """Everything of the spec in AWS, devices read back in full (each device definition entry checked to name
    the certificate on its thing), prefix-normalized so two projects compare."""
    prefix, iot = project.prefix, client(sandbox, "iot")
    state = full_state(sandbox, prefix, REGION)
    made, content = definition(sandbox, "device", prefix + "-g-devices")
    if made:
        entries = content["Devices"]
        for entry in entries:
            thing = entry["ThingArn"].rsplit("/", 1)[1]
            assert [entry["CertificateArn"]] == principals(sandbox, thing), entry
            entry["CertificateArn"] = "the certificate on " + thing
        state["device definition"] = sorted(entries, key=lambda e: e["Id"])
        assert group_version(sandbox, prefix + "-g")["DeviceDefinitionVersionArn"] == made["LatestVersionArn"]
    for thing in [t["thingName"] for t in paginate(iot, "list_things", "things") if prefix in t["thingName"]]:
        [cert] = principals(sandbox, thing)
        status = iot.describe_certificate(certificateId=cert.rsplit("/", 1)[1])["certificateDescription"]["status"]
        attached = [p["policyName"] for p in iot.list_attached_policies(target=cert)["policies"]]
        state["thing " + thing] = {"certificate": status, "policies": attached, "policy": policy_of(sandbox, thing)}
    for group in paginate(client(sandbox, "greengrass"), "list_groups", "Groups"):
        if group.get("Name") == prefix + "-g":        # the core's policy names its group's id
            state = json.loads(json.dumps(state).replace(group["Id"], "GROUP-ID"))
    return normalized(state, prefix)


def key_file(project, device, folder="certs"):
    return project.root / folder / ("%s.key" % device)


# --- provisioning, read back as a user would --------------------------------------------------------------

def test_devices_are_provisioned_with_local_keys_and_their_own_policies(devices_project, aws_env, writes):
    project = devices_project(WITH_LAMBDA)
    p, iot = project.prefix, client(aws_env, "iot")
    code, planned = project.gg("plan")
    assert code == 0, planned
    for line in ("+ iot thing              %s-cam" % p, "+ iot policy             %s-cam-gg-policy" % p,
                 "+ certificate            %s-sensor" % p, "+ device definition      %s-g-devices" % p):
        assert line in planned, planned
    code, applied = project.gg("apply")
    assert code == 0, applied
    thing_arn = "arn:aws:iot:%s:%s:thing/" % (REGION, ACCOUNT)
    for device, folder in (("%s-cam" % p, "certs"), ("%s-sensor" % p, "device-keys")):
        assert iot.describe_thing(thingName=device)["attributes"]["gg_managed_by"] == "gg"
        [cert] = principals(aws_env, device)
        desc = iot.describe_certificate(certificateId=cert.rsplit("/", 1)[1])["certificateDescription"]
        assert desc["status"] == "ACTIVE"
        key = key_file(project, device, folder)
        assert oct(key.stat().st_mode & 0o777) == "0o600" and "PRIVATE KEY" in key.read_text()
        assert cert_matches_key(desc["certificatePem"].encode(), key.read_bytes())     # issued for the local key
        assert [x["policyName"] for x in iot.list_attached_policies(target=cert)["policies"]] == [
            device + "-gg-policy"]
    _, devices = definition(aws_env, "device", p + "-g-devices")
    assert sorted(devices["Devices"], key=lambda d: d["Id"]) == [
        {"Id": "%s-cam" % p, "ThingArn": thing_arn + "%s-cam" % p, "SyncShadow": True,
         "CertificateArn": principals(aws_env, "%s-cam" % p)[0]},
        {"Id": "%s-sensor" % p, "ThingArn": thing_arn + "%s-sensor" % p, "SyncShadow": False,
         "CertificateArn": principals(aws_env, "%s-sensor" % p)[0]}]
    made, _ = definition(aws_env, "device", p + "-g-devices")
    assert group_version(aws_env, p + "-g")["DeviceDefinitionVersionArn"] == made["LatestVersionArn"]
    _, subscriptions = definition(aws_env, "subscription", p + "-g-subscriptions")
    routes = {s["Id"]: (s["Source"], s["Target"]) for s in subscriptions["Subscriptions"]}
    assert routes["temp"] == (thing_arn + "%s-sensor" % p, thing_arn + "%s-cam" % p)
    assert routes["cmd"] == ("cloud", thing_arn + "%s-cam" % p)
    aws_env.reset_calls()
    code, out = project.gg("apply")
    assert code == 0 and "No changes." in out, out
    assert writes() == {}


def test_a_device_may_connect_as_itself_use_its_own_topics_and_discover_its_core_only(devices_project, aws_env):
    project = devices_project()
    p = project.prefix
    assert project.gg("apply")[0] == 0
    iot = "arn:aws:iot:%s:%s:" % (REGION, ACCOUNT)
    assert policy_of(aws_env, "%s-cam" % p) == sorted([
        (("iot:Connect",), (iot + "client/%s-cam" % p,)),
        (("iot:Publish",), (iot + "topic/%s/frames" % p,)),
        (("iot:Subscribe",), (iot + "topicfilter/%s/cmd/+" % p, iot + "topicfilter/%s/temp" % p)),
        (("iot:Receive",), (iot + "topic/%s/cmd/*" % p, iot + "topic/%s/temp" % p)),
        (("greengrass:Discover",), (iot + "thing/%s-cam" % p,))])
    assert policy_of(aws_env, "%s-sensor" % p) == sorted([
        (("iot:Connect",), (iot + "client/%s-sensor" % p,)),
        (("iot:Publish",), (iot + "topic/%s/temp" % p,)),
        (("greengrass:Discover",), (iot + "thing/%s-sensor" % p,))])
    core = dict(policy_of(aws_env, "%s-core" % p))
    shadows = core[("iot:DeleteThingShadow", "iot:GetThingShadow", "iot:UpdateThingShadow")]
    assert iot + "thing/%s-cam" % p in shadows and iot + "thing/%s-sensor" % p not in shadows   # SyncShadow


def test_a_private_key_never_leaves_this_machine(devices_project, aws_env, tmp_path):
    project = devices_project(WITH_LAMBDA)
    saved = tmp_path / "plan.json"
    outputs = [project.gg("plan", "--out", str(saved))[1]]
    outputs.append(project.gg("apply", str(saved))[1])
    outputs += [project.gg("plan", "--format", fmt)[1] for fmt in ("text", "json", "markdown")]
    outputs += [project.gg("plan", "--destroy", "--format", "json")[1], saved.read_text()]
    keys = [key_file(project, project.prefix + "-cam"), key_file(project, project.prefix + "-sensor", "device-keys")]
    secrets = [k.read_text().splitlines()[1] for k in keys]      # a line of each key's own material
    s3 = client(aws_env, "s3")
    for bucket in s3.list_buckets()["Buckets"]:
        for obj in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket["Name"]):
            body = s3.get_object(Bucket=bucket["Name"], Key=obj["Key"])["Body"].read()
            if b"PRIVATE KEY" in body or any(s.encode() in body for s in secrets):
                raise AssertionError("s3://%s/%s holds a private key" % (bucket["Name"], obj["Key"]))
    location = client(aws_env, "lambda").get_function(FunctionName=project.prefix + "-fn")["Code"]["Location"]
    url = urlparse(location)
    code = s3.get_object(Bucket=url.hostname.split(".s3.")[0], Key=url.path.lstrip("/"))["Body"].read()
    with zipfile.ZipFile(io.BytesIO(code)) as z:
        packed = z.namelist()
        assert "src/main.py" in packed and not [n for n in packed if n.endswith((".key", ".pem"))], packed
        assert not any(s.encode() in z.read(n) for n in packed for s in secrets)
    for folder, _, files in os.walk(aws_env.state_dir):         # what the sandbox (AWS) logged or kept
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            assert not any(s.encode() in data for s in secrets), name
    for text in outputs:
        assert "PRIVATE KEY" not in text and not any(s in text for s in secrets)


def test_a_key_folder_gg_creates_in_a_git_work_tree_stays_out_of_git(devices_project, aws_env):
    project = devices_project()
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    assert project.gg("apply")[0] == 0
    assert key_file(project, project.prefix + "-sensor", "device-keys").exists()
    status = subprocess.run(["git", "-C", str(project.root), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert "device-keys" not in status and ".key" not in status and "certs/" not in status, status
    assert "greengrass.yaml" in status


# --- edits, drift ------------------------------------------------------------------------------------------

SENSOR = "  - {{name: {p}-sensor, key_path: ./device-keys}}\n"
TEMP = "  - {{Id: temp, Source: Device::{p}-sensor, Subject: {p}/temp, Target: Device::{p}-cam}}\n"
EDITS = [
    # (id, [(old, new) in the spec], the plan's (action, kind, name); a deleted certificate's name is its id)
    ("added", [("  - {{name: {p}-cam, SyncShadow: true}}\n",
                "  - {{name: {p}-cam, SyncShadow: true}}\n  - {{name: {p}-door}}\n")],
     [("create", "certificate", "{p}-door"), ("create", "group version", "{p}-g"),
      ("create", "iot policy", "{p}-door-gg-policy"), ("create", "iot thing", "{p}-door"),
      ("update", "device definition", "{p}-g-devices")]),
    # the sensor, and the subscription that names it (the camera no longer receives its topic)
    ("removed", [(TEMP, ""), (SENSOR, "")],
     [("create", "group version", "{p}-g"), ("delete", "certificate", None),
      ("delete", "iot policy", "{p}-sensor-gg-policy"), ("delete", "iot thing", "{p}-sensor"),
      ("update", "device definition", "{p}-g-devices"), ("update", "iot policy", "{p}-cam-gg-policy"),
      ("update", "subscription definition", "{p}-g-subscriptions")]),
    ("renamed", [("{p}-sensor", "{p}-sensor2")],
     [("create", "certificate", "{p}-sensor2"), ("create", "group version", "{p}-g"),
      ("create", "iot policy", "{p}-sensor2-gg-policy"), ("create", "iot thing", "{p}-sensor2"),
      ("delete", "certificate", None), ("delete", "iot policy", "{p}-sensor-gg-policy"),
      ("delete", "iot thing", "{p}-sensor"), ("update", "device definition", "{p}-g-devices"),
      ("update", "subscription definition", "{p}-g-subscriptions")]),
    # the core syncs the shadows of the devices that ask for it, and may touch no other
    ("sync-shadow", [("{{name: {p}-cam, SyncShadow: true}}", "{{name: {p}-cam, SyncShadow: false}}")],
     [("create", "group version", "{p}-g"), ("update", "device definition", "{p}-g-devices"),
      ("update", "iot policy", "{p}-core-gg-policy")]),
    ("device-topic", [("Subject: {p}/frames", "Subject: {p}/frames/+")],
     [("create", "group version", "{p}-g"), ("update", "iot policy", "{p}-cam-gg-policy"),
      ("update", "iot policy", "{p}-core-gg-policy"), ("update", "subscription definition", "{p}-g-subscriptions")]),
]


def edit_spec(project, replacements):
    text = (project.root / "greengrass.yaml").read_text()
    for old, new in replacements:
        old, new = old.format(p=project.prefix), new.format(p=project.prefix)
        assert old in text, old
        text = text.replace(old, new)
    project.write(text)


def _changes(plan):
    return sorted((c["action"], c["kind"], None if (c["action"], c["kind"]) == ("delete", "certificate")
                   else c["name"]) for c in plan["changes"])


@pytest.mark.parametrize("edit", EDITS, ids=[e[0] for e in EDITS])
def test_each_device_edit_plans_exactly_that_change_and_converges(devices_project, aws_env, edit):
    case, replacements, expected = edit
    project = devices_project()
    p = project.prefix
    assert project.gg("apply")[0] == 0
    edit_spec(project, replacements)
    code, plan = project.plan_json()
    assert code == 2
    assert _changes(plan) == sorted((a, k, n.format(p=p) if n else None) for a, k, n in expected), plan["changes"]
    code, out = project.gg("apply")
    assert code == 0, out
    assert project.plan_json()[0] == 0
    things = [t["thingName"] for t in paginate(client(aws_env, "iot"), "list_things", "things") if p in t["thingName"]]
    _, devices = definition(aws_env, "device", p + "-g-devices")
    assert sorted(things) == sorted([p + "-core"] + [d["ThingArn"].rsplit("/", 1)[1] for d in devices["Devices"]])
    if case in ("removed", "renamed"):
        assert certificates_of(aws_env, p + "-sensor", REGION) == []
        assert "policy %s-sensor-gg-policy" % p not in list_everything(aws_env, p, REGION)
    device_state(aws_env, project)          # every device definition entry names the certificate on its thing


def test_device_definition_changed_outside_gg_is_drift_and_apply_puts_it_back(devices_project, aws_env):
    project = devices_project()
    p = project.prefix
    assert project.gg("apply")[0] == 0
    gg = client(aws_env, "greengrass")
    made, content = definition(aws_env, "device", p + "-g-devices")
    for entry in content["Devices"]:
        entry["SyncShadow"] = not entry["SyncShadow"]          # a console edit
    new = gg.create_device_definition_version(DeviceDefinitionId=made["Id"], Devices=content["Devices"])
    group = [g for g in paginate(gg, "list_groups", "Groups") if g.get("Name") == p + "-g"][0]
    current = group_version(aws_env, p + "-g")
    current["DeviceDefinitionVersionArn"] = new["Arn"]
    gg.create_group_version(GroupId=group["Id"], **current)
    code, plan = project.plan_json()
    assert code == 2
    assert {(c["action"], c["kind"], c["cause"]) for c in plan["changes"]} == {
        ("update", "device definition", "drift"), ("create", "group version", "drift")}
    _, text = project.gg("plan")                               # what a reviewer reads: field, expected, found
    assert "~ Devices[%s-cam].SyncShadow: expected true, found false" % p in text, text
    assert project.gg("apply")[0] == 0
    _, content = definition(aws_env, "device", p + "-g-devices")
    assert {d["Id"]: d["SyncShadow"] for d in content["Devices"]} == {p + "-cam": True, p + "-sensor": False}
    assert project.plan_json()[0] == 0


def test_a_device_thing_deleted_outside_gg_is_made_again_with_its_certificate(devices_project, aws_env):
    project = devices_project()
    p = project.prefix
    assert project.gg("apply")[0] == 0
    iot = client(aws_env, "iot")
    [cert] = principals(aws_env, p + "-sensor")
    iot.detach_thing_principal(thingName=p + "-sensor", principal=cert)
    iot.delete_thing(thingName=p + "-sensor")
    code, plan = project.plan_json()
    assert code == 2
    assert sorted((c["action"], c["kind"]) for c in plan["changes"]) == [("create", "certificate"),
                                                                       ("create", "iot thing")]
    assert project.gg("apply")[0] == 0
    assert principals(aws_env, p + "-sensor") == [cert]          # the certificate of the local key, reused
    assert project.plan_json()[0] == 0


FLEET = """\
Groups:
  - Group: {{name: {p}-a}}
    Cores: [{{name: {p}-core-a, config_path: ./config/a}}]
    Devices: [{{name: {p}-cam}}, {{name: {p}-sensor}}]
  - Group: {{name: {p}-b}}
    Cores: [{{name: {p}-core-b, config_path: ./config/b}}]
    Devices: [{{name: {p}-door}}]
"""


def test_a_device_moved_to_another_group_of_the_spec_keeps_its_thing_and_certificate(devices_project, aws_env):
    project = devices_project(FLEET)
    p = project.prefix
    assert project.gg("apply")[0] == 0
    [cert] = principals(aws_env, p + "-sensor")
    edit_spec(project, [("[{{name: {p}-cam}}, {{name: {p}-sensor}}]", "[{{name: {p}-cam}}]"),
                        ("[{{name: {p}-door}}]", "[{{name: {p}-door}}, {{name: {p}-sensor}}]")])
    code, plan = project.plan_json()
    assert code == 2
    assert sorted((c["group"], c["action"], c["kind"]) for c in plan["changes"]) == [
        (p + "-a", "create", "group version"), (p + "-a", "update", "device definition"),
        (p + "-b", "create", "group version"), (p + "-b", "update", "device definition")]
    assert project.gg("apply")[0] == 0
    assert principals(aws_env, p + "-sensor") == [cert]
    _, devices = definition(aws_env, "device", p + "-b-devices")
    assert {d["Id"]: d["CertificateArn"] for d in devices["Devices"]}[p + "-sensor"] == cert
    assert project.plan_json()[0] == 0
    code, out = project.gg("remove", "--yes", "--group", p + "-a")
    assert code == 0, out
    assert principals(aws_env, p + "-sensor") == [cert]            # group b's now: kept
    code, out = project.gg("remove", "--yes")
    assert code == 0, out
    assert list_everything(aws_env, p, REGION) == []


# --- interruptions --------------------------------------------------------------------------------------

def _writes(aws_env):
    return sum(mutating(aws_env.calls()).values())


def _interrupt_each_write(aws_env, prepared, check):
    """The apply of a `prepared()` project, once uninterrupted (counting its writes), then for each write k on
    a fresh prepared project: failing at write k, run again, it converges (nothing left to change) to the
    same state, which `check(project, expected, k)` compares."""
    reference = prepared()
    aws_env.reset_calls()
    assert reference.gg("apply")[0] == 0
    total = _writes(aws_env)
    expected = device_state(aws_env, reference)
    for k in range(1, total + 1):
        project = prepared()
        aws_env.set_faults(fail_nth_write=k)
        code, out = project.gg("apply")
        aws_env.clear_faults()
        assert "Injected failure" in out and "Traceback" not in out, out
        if k == total:             # the last write releases the group lock: the work is done
            assert code == 0 and "could not release the lock" in out, out
            assert project.gg("unlock")[0] == 0
        else:
            assert code == 1, "write %d\n%s" % (k, out)
        code, out = project.gg("apply")
        assert code == 0, "write %d: the re-run failed\n%s" % (k, out)
        code, plan = project.plan_json()
        assert code == 0, "write %d: not converged: %s" % (k, plan["changes"])
        check(project, expected, k)
    return total


def test_an_apply_interrupted_at_every_write_converges(devices_project, aws_env, state_difference):
    assert devices_project().gg("apply")[0] == 0          # the region's shared bucket and lock table

    def check(project, expected, k):
        assert not state_difference(device_state(aws_env, project), expected), "write %d" % k
        assert len(certificates_of(aws_env, project.prefix + "-cam", REGION)) == 1, "write %d: a spare certificate" % k
    assert _interrupt_each_write(aws_env, lambda: devices_project(ONE_DEVICE), check) >= 15


def test_dropping_a_device_interrupted_at_every_write_leaves_nothing_of_it(devices_project, aws_env,
                                                                          state_difference):
    def prepared():
        project = devices_project()
        assert project.gg("apply")[0] == 0
        edit_spec(project, [(TEMP, ""), (SENSOR, "")])
        return project

    def check(project, expected, k):
        assert not state_difference(device_state(aws_env, project), expected), "write %d" % k
        assert certificates_of(aws_env, project.prefix + "-sensor", REGION) == [], "write %d: a certificate is left" % k
        assert not [n for n in list_everything(aws_env, project.prefix, REGION) if "-sensor" in n], "write %d" % k
    assert _interrupt_each_write(aws_env, prepared, check) >= 10


# --- removal -----------------------------------------------------------------------------------------------

def test_remove_deletes_the_devices_and_with_purge_local_only_the_key_files_gg_wrote(devices_project, aws_env):
    project = devices_project()
    p = project.prefix
    assert project.gg("apply")[0] == 0
    mine = [project.root / "device-keys" / "notes.txt", project.root / "device-keys" / ("%s-sensor.key.bak" % p),
            project.root / "certs" / "other-device.key"]
    for path in mine:
        path.write_text("mine")
    code, plan = project.gg("plan", "--destroy", "--purge-local")
    assert code == 0
    for line in ("- iot thing              %s-sensor" % p, "- iot policy             %s-cam-gg-policy" % p,
                 "- device definition      %s-g-devices" % p):
        assert line in plan, plan
    code, out = project.gg("remove", "--yes", "--purge-local")
    assert code == 0, out
    assert list_everything(aws_env, p, REGION) == []
    for device in (p + "-cam", p + "-sensor", p + "-core"):
        assert certificates_of(aws_env, device, REGION) == [], device
    assert not key_file(project, p + "-cam").exists() and not key_file(project, p + "-sensor", "device-keys").exists()
    assert not (project.root / "device-keys" / ("%s-sensor.cert.pem" % p)).exists()
    assert all(path.read_text() == "mine" for path in mine)
    code, out = project.gg("remove", "--yes")
    assert code == 0 and "Nothing to remove" in out, out


def test_remove_interrupted_at_every_write_then_run_again_leaves_nothing(devices_project, aws_env):
    reference = devices_project(ONE_DEVICE)
    assert reference.gg("apply")[0] == 0
    aws_env.reset_calls()
    assert reference.gg("remove", "--yes")[0] == 0
    total = _writes(aws_env)
    assert total >= 12
    for k in range(1, total + 1):
        project = devices_project(ONE_DEVICE)
        assert project.gg("apply")[0] == 0
        aws_env.set_faults(fail_nth_write=k)
        code, out = project.gg("remove", "--yes")
        aws_env.clear_faults()
        assert code == 1 and "Injected failure" in out and "Traceback" not in out, "write %d\n%s" % (k, out)
        code, out = project.gg("remove", "--yes")
        assert code == 0, "write %d: the second run failed\n%s" % (k, out)
        assert list_everything(aws_env, project.prefix, REGION) == [], "write %d" % k
        assert certificates_of(aws_env, project.prefix + "-cam", REGION) == [], "write %d: a certificate is left" % k


# --- greengo's own published example -------------------------------------------------------------------------

GREENGO = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "spec", "fixtures",
                       "greengo_example")
PY2_LINE = '    print "Executing run..."\n'


def test_greengos_published_example_plans_applies_and_is_removed_on_v1(aws_env, region, tmp_path, capsys):
    """greengo 1.0.7's greengo.yaml unchanged, its handler ported to Python 3 (the one edit): its device
    ml_take2_thing_1 is provisioned like any other, and removed with the rest."""
    folder = tmp_path / "greengo"
    shutil.copytree(GREENGO, folder)
    handler = folder / "lambdas" / "GreengrassHelloWorld" / "function.py"
    handler.write_text(handler.read_text().replace(PY2_LINE, '    print("Executing run...")\n'))
    spec = folder / "greengo.yaml"

    def gg(*args):
        capsys.readouterr()
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            code = main([args[0], "-f", str(spec), "--target", "v1"] + list(args[1:]))
        finally:
            os.chdir(cwd)
        out = capsys.readouterr()
        return code, out.out + out.err

    code, planned = gg("plan")
    assert code == 0, planned
    for line in ("+ iot thing              ml_take2_thing_1", "+ iot policy             ml_take2_thing_1-gg-policy",
                 "+ certificate            ml_take2_thing_1", "+ device definition      GreengoGroup-devices"):
        assert line in planned, planned
    code, out = gg("apply", "--yes")
    assert code == 0, out
    with open(os.path.join(GREENGO, "greengo.yaml"), "rb") as published:
        assert spec.read_bytes() == published.read()
    [cert] = principals(aws_env, "ml_take2_thing_1")
    made, devices = definition(aws_env, "device", "GreengoGroup-devices")
    assert devices == {"Devices": [{"Id": "ml_take2_thing_1", "CertificateArn": cert, "SyncShadow": False,
                                    "ThingArn": "arn:aws:iot:%s:%s:thing/ml_take2_thing_1" % (REGION, ACCOUNT)}]}
    assert group_version(aws_env, "GreengoGroup")["DeviceDefinitionVersionArn"] == made["LatestVersionArn"]
    pem = client(aws_env, "iot").describe_certificate(certificateId=cert.rsplit("/", 1)[1])[
        "certificateDescription"]["certificatePem"]
    key = folder / "certs" / "ml_take2_thing_1.key"
    assert cert_matches_key(pem.encode(), key.read_bytes()) and oct(key.stat().st_mode & 0o777) == "0o600"
    code, out = gg("plan")
    assert code == 0 and "No changes." in out, out
    code, out = gg("remove", "--yes", "--purge-local")
    assert code == 0, out
    for name in ("GreengoGroup", "ml_take2_thing_1", "GreengrassHelloWorld"):
        assert list_everything(aws_env, name, REGION) == [], name
    assert certificates_of(aws_env, "ml_take2_thing_1", REGION) == []
    assert sorted(os.listdir(folder / "certs")) == ["root.ca.pem"]
