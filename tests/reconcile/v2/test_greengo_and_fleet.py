"""greengo's own published example on V2 (its Devices as client devices), `gg plan --target v2` as the
converter of a V1 file, a V2 fleet whose no-op plan reads a few things per group, and the sandbox's
public catalog holding every component version gg pins."""
import json
import os
import shutil
import stat

from gg_manager.aws.session import paginate
from gg_manager.plan.operations import is_read
from gg_manager.targets.v2.public_components import PINS

HERE = os.path.dirname(os.path.abspath(__file__))
GREENGO = os.path.join(os.path.dirname(os.path.dirname(HERE)), "spec", "fixtures", "greengo_example")


def greengo(project):
    """greengo 1.0.7's example in the project folder, its handler ported (its one Python 2 line), named
    after the project so tests do not share names."""
    shutil.copytree(GREENGO, str(project.root / "greengo"))
    handler = project.root / "greengo" / "lambdas" / "GreengrassHelloWorld" / "function.py"
    handler.write_text(handler.read_text().replace('print "Executing run..."', 'print("Executing run...")'))
    text = (project.root / "greengo" / "greengo.yaml").read_text()
    for name in ("GreengoGroup", "GreengrassHelloWorld", "ml_take2_thing_1"):
        text = text.replace(name, "%s-%s" % (project.prefix, name.replace("_", "-")))
    (project.root / "greengrass.yaml").write_text(text)
    shutil.move(str(project.root / "greengo" / "lambdas"), str(project.root / "lambdas"))
    os.rename(str(project.root / "lambdas" / "GreengrassHelloWorld"),
              str(project.root / "lambdas" / ("%s-GreengrassHelloWorld" % project.prefix)))


def test_greengo_example_plans_and_applies_on_v2_with_its_device_as_a_client_device(v2_project, aws_env):
    greengo(v2_project)
    device = "%s-ml-take2-thing-1" % v2_project.prefix
    core = "%s-GreengoGroup_core_1" % v2_project.prefix
    code, plan = v2_project.plan_json()
    assert code == 2 and plan["target"] == "v2"
    kinds = {(c["kind"], c["name"]) for c in plan["changes"]}
    assert ("iot thing", device) in kinds and ("certificate", device) in kinds and ("iot policy",
                                                                                   device + "-ggv2-device-policy") in kinds
    deploy = next(c for c in plan["changes"] if c["action"] == "deploy")
    components = deploy["steps"][0]["params"]["components"]
    for name in ("aws.greengrass.clientdevices.Auth", "aws.greengrass.clientdevices.mqtt.Moquette",
                 "aws.greengrass.clientdevices.mqtt.Bridge", "aws.greengrass.clientdevices.IPDetector"):
        assert components[name]["componentVersion"] == PINS[name].version
    auth = json.loads(components["aws.greengrass.clientdevices.Auth"]["configurationUpdate"]["merge"])
    assert auth["deviceGroups"]["definitions"]["gg-" + device]["selectionRule"] == "thingName: " + device
    code, out = v2_project.gg("apply")
    assert code == 0, out
    v2, iot = aws_env.boto3_client("greengrassv2"), aws_env.boto3_client("iot")
    associated = v2.list_client_devices_associated_with_core_device(coreDeviceThingName=core)
    assert [d["thingName"] for d in associated["associatedClientDevices"]] == [device]
    assert iot.list_thing_principals(thingName=device)["principals"]
    key = v2_project.root / "certs" / (device + ".key")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600 and (v2_project.root / "certs" / (device + ".cert.pem")).exists()
    policy = json.loads(iot.get_policy(policyName=device + "-ggv2-device-policy")["policyDocument"])
    assert [s["Action"] for s in policy["Statement"]] == [["greengrass:Discover"]]
    assert v2_project.plan_json()[0] == 0
    assert v2_project.gg("remove", "--yes")[0] == 0
    assert device not in [t["thingName"] for t in paginate(iot, "list_things", "things")]


def test_plan_target_v2_on_a_v1_file_is_the_converter(v2_project):
    text = (v2_project.root / "greengrass.yaml").read_text()
    (v2_project.root / "greengrass.yaml").write_text("Target: v1\n" + text)
    code, out = v2_project.gg("plan")          # the project passes --target v2: it wins over the file
    assert code == 0, out
    assert "component version" in out and "thing group" in out and "group definition" not in out
    code, out = v2_project.gg("validate")
    assert code == 0 and "valid" in out


FLEET = """\
Defaults:
  Lambdas:
    - name: {p}-fn
      handler: main.handler
      package: src
      alias: live
      greengrassConfig: {{MemorySize: 131072, Timeout: 10, Pinned: true}}
  Subscriptions:
    - {{Id: out, Source: Lambda::{p}-fn, Subject: {p}/out, Target: cloud}}
Groups:
{groups}"""


def test_a_fleet_shares_its_components_and_a_no_op_plan_reads_three_things_per_group(v2_project, aws_env):
    n = 4
    groups = "".join("  - Group: {name: %s-g%d}\n    Cores: [{name: %s-core%d}]\n" % (
        v2_project.prefix, i, v2_project.prefix, i) for i in range(n))
    v2_project.write(FLEET.format(p=v2_project.prefix, groups=groups))
    assert v2_project.gg("apply")[0] == 0
    v2 = aws_env.boto3_client("greengrassv2")
    fn = next(c for c in paginate(v2, "list_components", "components") if c["componentName"] == v2_project.prefix + "-fn")
    assert fn["latestVersion"]["componentVersion"] == "1.0.0"        # one component for the whole fleet
    aws_env.reset_calls()
    code, plan = v2_project.plan_json()
    assert code == 0
    reads = {k: v for k, v in aws_env.calls().items() if is_read(k)}
    per_group = {k: v for k, v in reads.items() if v == n}
    assert per_group == {"iot:GetPolicy": n, "iot:ListTargetsForPolicy": n, "iot:ListThingGroupsForThing": n}, reads
    assert not [k for k, v in reads.items() if v > n]


def test_every_pinned_public_component_resolves_in_the_sandbox(aws_env):
    v2 = aws_env.boto3_client("greengrassv2")
    for name, pin in sorted(PINS.items()):
        arn = "arn:aws:greengrass:%s:aws:components:%s" % (aws_env.region, name)
        versions = [v["componentVersion"] for v in paginate(v2, "list_component_versions", "componentVersions", arn=arn)]
        assert pin.version in versions, (name, pin.version, versions)
        found = v2.resolve_component_candidates(
            platform={"attributes": {"os": "linux", "architecture": "amd64"}},
            componentCandidates=[{"componentName": name, "componentVersion": pin.version,
                                  "versionRequirements": {"gg": "=" + pin.version}}])
        assert found["resolvedComponentVersions"][0]["componentVersion"] == pin.version
