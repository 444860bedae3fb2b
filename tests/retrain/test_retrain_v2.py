"""The retraining loop on Greengrass V2: `gg model push`, `gg apply --no-deploy`, `gg rollout` -> the group's
new revision carries a new model component version whose artifact is the retrained model; checked with
plain boto3 against the sandbox (its stand-in core takes the deployment and reports what it runs).

The served model's identity on a running core is checked by the local V2 core's own tests
(tests/core/v2/test_bundled_lambdas.py: a new model component version changes the served model) and, for
this same loop on the example app, end to end by
tests/e2e/test_example_app_v2.py::test_a_retrained_model_pushed_applied_and_rolled_out_is_the_one_served.
"""
import io
import json
import zipfile

import pytest

from gg_manager.aws.session import paginate
from gg_manager.cli import main
from tests.reconcile.v2.conftest import V2Project


@pytest.fixture
def aws_env(sandbox, monkeypatch):
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    sandbox.set_auto_complete(0)         # the sandbox's stand-in core answers every deployment
    yield sandbox
    sandbox.set_auto_complete(None)


def model_of(v2, s3, deployment, component):
    """(component version, the files of its artifact ZIP) as the deployment and the recipe say."""
    version = deployment["components"][component]["componentVersion"]
    arn = next(c["arn"] for c in paginate(v2, "list_components", "components", scope="PRIVATE")
               if c["componentName"] == component)
    recipe = json.loads(v2.get_component(arn="%s:versions:%s" % (arn, version), recipeOutputFormat="JSON")["recipe"])
    [artifact] = recipe["Manifests"][0]["Artifacts"]
    bucket, key = artifact["URI"][len("s3://"):].split("/", 1)
    with zipfile.ZipFile(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())) as archive:
        return version, {n: archive.read(n) for n in archive.namelist()}


def current(v2, iot, group):
    arn = iot.describe_thing_group(thingGroupName=group)["thingGroupArn"]
    [latest] = v2.list_deployments(targetArn=arn)["deployments"]
    return v2.get_deployment(deploymentId=latest["deploymentId"])


def test_model_push_apply_and_rollout_deploy_a_new_model_component_version(tmp_path, aws_env, capsys):
    project = V2Project(tmp_path, aws_env.unique_name("rt"), capsys)
    v2, iot, s3 = (aws_env.boto3_client(s) for s in ("greengrassv2", "iot", "s3"))
    group, core = project.prefix + "-g", project.prefix + "-core"
    component = "gg.model.%s_model" % project.prefix.replace("-", "_")
    code, out = project.gg("apply", "--deploy", "--timeout", "60")
    assert code == 0, out
    first = current(v2, iot, group)
    first_version, first_files = model_of(v2, s3, first, component)
    assert json.loads(first_files["model-shapes.json"]) == [{"shape": [1, 3, 32, 32]}]

    retrained = tmp_path / "boxes-v2"
    retrained.mkdir()
    (retrained / "model-shapes.json").write_text('[{"shape": [1, 3, 64, 64]}]')
    (retrained / "labels.txt").write_text("box\nno box\n")
    capsys.readouterr()
    code = main(["model", "push", str(retrained), "--name", project.prefix + "-model"])
    out = capsys.readouterr().out
    assert code == 0, out
    source = [line for line in out.splitlines() if line.strip().startswith("Source: ")][0].split("Source: ")[1]
    project.edit("Source: ./model", "Source: " + source)

    code, out = project.gg("apply", "--no-deploy")
    assert code == 0, out
    assert current(v2, iot, group)["deploymentId"] == first["deploymentId"]      # nothing deployed yet
    code, out = project.gg("rollout", "--poll-interval", "0.2", "--timeout", "60")
    assert code == 0, out
    assert "Rollout complete: 1 group succeeded" in out

    second = current(v2, iot, group)
    assert second["deploymentId"] != first["deploymentId"]
    version, files = model_of(v2, s3, second, component)
    assert version != first_version
    assert files == {"model-shapes.json": b'[{"shape": [1, 3, 64, 64]}]', "labels.txt": b"box\nno box\n"}
    # the core took it: its effective deployment succeeded, and it reports the new version installed
    effective = v2.list_effective_deployments(coreDeviceThingName=core)["effectiveDeployments"]
    assert [e["coreDeviceExecutionStatus"] for e in effective if e["deploymentId"] == second["deploymentId"]] == \
        ["SUCCEEDED"]
    installed = {c["componentName"]: c["componentVersion"] for c in
                 v2.list_installed_components(coreDeviceThingName=core)["installedComponents"]}
    assert installed[component] == version
    assert project.gg("plan", "--format", "json", "--detailed-exitcode")[0] == 0
    assert project.gg("remove", "--yes")[0] == 0
