"""The example app on Greengrass V2, against the sandbox, checked through plain boto3:
apply makes no V1 call, a second plan has nothing to do and a no-op apply writes nothing,
a memory change is one component version and one deployment revision, a model change is one
model component version, and remove leaves nothing of the app."""
import json
import os
import stat
from collections import Counter

import yaml

from gg_manager.aws.session import paginate
from gg_manager.plan.operations import is_read
from tests.reconcile.v2.conftest import v2_leftovers


def mutating(log):
    return Counter(c for c in log if not is_read(c) and not c.startswith("dynamodb:"))


def plan_of(project, *args):
    code, text = project.gg("plan", "--format", "json", "--detailed-exitcode", *args)
    assert code in (0, 2), text
    return code, json.loads(text[text.index("{"):text.rindex("}") + 1])


def planned_calls(plan):
    return Counter(s["operation"] for c in plan["changes"] + plan["bookkeeping"] for s in c["steps"]
                   if not s["operation"].startswith("local:"))


def test_the_example_app_on_v2_end_to_end(v2_project, aws_env):
    example = v2_project.example()
    aws_env.call_log(reset=True)
    code, out = v2_project.gg("apply", *example)
    assert code == 0, out
    log = aws_env.call_log()
    assert not [c for c in log if c.startswith("greengrass:")], "V1 calls: %s" % Counter(
        c for c in log if c.startswith("greengrass:"))
    group, prefix = v2_project.prefix, v2_project.prefix
    v2, iot = aws_env.boto3_client("greengrassv2"), aws_env.boto3_client("iot")

    # what AWS holds, read the way a user would
    components = {c["componentName"]: c["latestVersion"]["componentVersion"]
                  for c in paginate(v2, "list_components", "components")}
    assert {components[n] for n in ("%s-inference" % prefix, "%s-camera" % prefix, "gg.model.classifier")} == {"1.0.0"}
    deployment, = [d for d in paginate(v2, "list_deployments", "deployments")
                   if d["targetArn"].endswith(":thinggroup/" + group)]
    document = v2.get_deployment(deploymentId=deployment["deploymentId"])
    assert document["components"]["%s-inference" % prefix]["componentVersion"] == "1.0.0"
    assert json.loads(document["components"]["aws.greengrass.Nucleus"]["configurationUpdate"]["merge"])[
        "interpolateComponentConfiguration"] is True
    assert [g["groupName"] for g in iot.list_thing_groups_for_thing(thingName=group + "_Core")["thingGroups"]] == [group]
    recipe = json.loads(v2.get_component(arn=_version_arn(v2, "%s-inference" % prefix, "1.0.0"))["recipe"])
    volumes = recipe["ComponentConfiguration"]["DefaultConfiguration"]["containerParams"]["volumes"]
    assert {"sourcePath": "{gg.model.classifier:artifacts:decompressedPath}/classifier",
            "destinationPath": "/ml/classifier", "permission": "ro", "addGroupOwner": False} in volumes.values()
    model = json.loads(v2.get_component(arn=_version_arn(v2, "gg.model.classifier", "1.0.0"))["recipe"])
    assert all(not m.get("Lifecycle") for m in model["Manifests"])      # no install script, nothing as root
    certs = v2_project.root / "certs"
    assert stat.S_IMODE(os.stat(certs / (group + "_Core.key")).st_mode) == 0o600
    config = yaml.safe_load((certs / (group + "_Core.config.yaml")).read_text())
    nucleus = config["services"]["aws.greengrass.Nucleus"]["configuration"]
    assert config["system"]["thingName"] == group + "_Core"
    assert nucleus["greengrassDataPlaneEndpoint"] == aws_env.endpoint_url
    assert nucleus["iotRoleAlias"] == "gg-%s-tes-alias" % group and nucleus["interpolateComponentConfiguration"]

    # nothing changed: a plan with no change, an apply with no write
    assert plan_of(v2_project, *example)[0] == 0
    aws_env.call_log(reset=True)
    assert v2_project.gg("apply", *example)[0] == 0
    assert mutating(aws_env.call_log()) == Counter()

    # one Lambda's memory: one new component version and one deployment revision, and only those
    text = (v2_project.root / "greengrass.yaml").read_text()
    (v2_project.root / "greengrass.yaml").write_text(text.replace("MemorySize: 1048576", "MemorySize: 2097152"))
    code, plan = plan_of(v2_project, *example)
    assert code == 2
    assert [(c["action"], c["kind"], c["name"]) for c in plan["changes"]] == [
        ("create", "component version", "%s-inference 1.0.1" % prefix), ("deploy", "deployment", group)]
    aws_env.call_log(reset=True)
    assert v2_project.gg("apply", *example)[0] == 0
    assert mutating(aws_env.call_log()) == Counter({"greengrassv2:CreateComponentVersion": 1,
                                                    "greengrassv2:CreateDeployment": 1}) == planned_calls(plan)
    revision = [d for d in paginate(v2, "list_deployments", "deployments") if d["targetArn"].endswith("/" + group)]
    assert revision[0]["revisionId"] == "2"

    # a retrained model: a new model component version (and the revision, and the role's read of it)
    (v2_project.root / "model" / "model-shapes.json").write_text('[{"shape": [1, 3, 64, 64]}]')
    code, plan = plan_of(v2_project, *example)
    kinds = Counter((c["kind"], c["name"].split(" ")[0]) for c in plan["changes"] if c["kind"] == "component version")
    assert kinds == Counter({("component version", "gg.model.classifier"): 1}), plan["changes"]
    assert v2_project.gg("apply", *example)[0] == 0
    assert _latest(v2, "gg.model.classifier") == "1.0.1"
    assert plan_of(v2_project, *example)[0] == 0
    s3 = aws_env.boto3_client("s3")
    bucket = "gg-artifacts-123456789012-%s" % aws_env.region
    zips = [o["Key"] for o in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix="gg-models/classifier/")]
    assert len(zips) == 2 and all(k.endswith("/classifier.zip") for k in zips)

    # remove: nothing of the app is left, listed through the APIs
    code, out = v2_project.gg("remove", "--yes", "--purge-local", *example)
    assert code == 0, out
    assert v2_leftovers(aws_env, prefix) == []
    assert "gg.model.classifier" not in {c["componentName"] for c in paginate(v2, "list_components", "components")}
    left = {o["Key"] for o in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket)}
    assert not left & set(zips)
    assert not list(certs.glob(group + "*"))


def _version_arn(v2, name, version):
    component = next(c for c in paginate(v2, "list_components", "components") if c["componentName"] == name)
    return "%s:versions:%s" % (component["arn"], version)


def _latest(v2, name):
    return next(c for c in paginate(v2, "list_components", "components")
                if c["componentName"] == name)["latestVersion"]["componentVersion"]
