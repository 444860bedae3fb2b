"""The example greengrass.yaml on Greengrass V2: `gg create` against the sandbox, `gg core run` as the V2 core
device (it reads the config.yaml gg create wrote), checked the way a user would: gg's exit code and output,
MQTT messages, and the device's state through plain boto3 (greengrassv2, iot jobs)."""
import os
import re

from gg_manager.demo import train
from gg_manager.demo.processes import gg_command
from tests.e2e.conftest import CLIP_LABELS
from tests.e2e.test_example_app import BROKEN, request_prediction


def deploy(app, core):
    output = app.gg_ok("deploy", "--timeout", "120")
    assert "core %s SUCCEEDED" % app.core_name in output, output
    assert core.proc.poll() is None, core.output()
    return output


def installed(app):
    gg2 = app.sandbox.boto3_client("greengrassv2")
    return {c["componentName"]: c for c in gg2.list_installed_components(
        coreDeviceThingName=app.core_name)["installedComponents"]}


def effective(app):
    """What the device reported for the thing group's current revision (its effective deployment)."""
    gg2 = app.sandbox.boto3_client("greengrassv2")
    latest = [d for d in gg2.list_deployments(historyFilter="LATEST_ONLY")["deployments"]
              if d["targetArn"].endswith("thinggroup/" + app.group)]
    assert len(latest) == 1, latest
    found = [e for e in gg2.list_effective_deployments(coreDeviceThingName=app.core_name)["effectiveDeployments"]
             if e["deploymentId"] == latest[0]["deploymentId"]]
    assert len(found) == 1, found
    return found[0]


def test_deploy_succeeds_on_the_v2_device_and_a_cloud_request_yields_a_prediction(app_v2, core, mqtt):
    app = app_v2
    app.gg_ok("create")
    assert os.path.isfile(app.config_path)
    core.start(app)                                   # gg core run --config <key_path>/<core>.config.yaml
    mqtt.subscribe(app.topic("predictions"))
    deploy(app, core)

    assert effective(app)["coreDeviceExecutionStatus"] == "SUCCEEDED"
    components = installed(app)
    assert components[app.group + "-inference"]["lifecycleState"] == "RUNNING"
    assert components[app.group + "-camera"]["lifecycleState"] == "RUNNING"
    assert components["gg.model.classifier"]["lifecycleState"] == "FINISHED"

    body = request_prediction(app, mqtt)
    assert body["filepath"].startswith(os.path.join(app.folder, "frames") + os.sep)
    assert body["model"]["backend"] == "mxnet" and body["model"]["task"] == "classification"
    # the model is the model component's unpacked artifact on the device, reached through the Lambda's volume
    assert body["model"]["path"].startswith(os.path.join(core.work_dir, "packages", "artifacts-unarchived",
                                                         "gg.model.classifier", "1.0.0") + os.sep), body["model"]
    assert body["top"][0]["label"] == CLIP_LABELS[body["source_frame"]], body

    status = app.gg_ok("status")
    assert "core %s HEALTHY, deployment SUCCEEDED" % app.core_name in status, status
    for name, state in ((app.group + "-inference", "RUNNING"), (app.group + "-camera", "RUNNING"),
                        ("gg.model.classifier", "FINISHED")):
        assert re.search(r"\b%s 1\.0\.0 %s\b" % (re.escape(name), state), status), status


def test_a_v2_revision_whose_lambda_fails_to_import_fails_and_rolls_back_to_lambdas_that_keep_serving(
        app_v2, core, mqtt):
    app = app_v2
    app.gg_ok("create")
    core.start(app)
    mqtt.subscribe(app.topic("predictions"))
    deploy(app, core)
    before = request_prediction(app, mqtt)

    app.replace_lambda("inference", {"inference.py": BROKEN})
    app.gg_ok("apply")                               # the new revision: inference 1.0.1
    code, output = app.gg("deploy", "--timeout", "120")
    assert code == 1, output
    assert "core %s FAILED" % app.core_name in output, output
    assert "FAILED_ROLLBACK_COMPLETE" in output, output             # the device's reason, as gg prints it
    assert "No module named 'no_such_module_for_gg_e2e'" in output, output

    reported = effective(app)
    assert reported["coreDeviceExecutionStatus"] == "FAILED", reported
    job = app.sandbox.boto3_client("iot").describe_job_execution(
        jobId=reported["iotJobId"], thingName=app.core_name)["execution"]
    assert job["status"] == "FAILED"
    assert job["statusDetails"]["detailsMap"]["detailed-deployment-status"] == "FAILED_ROLLBACK_COMPLETE"
    components = installed(app)                      # the previous revision's Lambda is back and running
    assert components[app.group + "-inference"]["componentVersion"] == "1.0.0", components
    assert components[app.group + "-inference"]["lifecycleState"] == "RUNNING", components

    after = request_prediction(app, mqtt)           # ... and answers
    assert after["model"]["sha256"] == before["model"]["sha256"]
    assert after["top"][0]["label"] == CLIP_LABELS[after["source_frame"]], after
    assert core.proc.poll() is None, core.output()


def push_model(app, folder, name):
    """`gg model push FOLDER --name NAME` as a user runs it in the app folder: the `Source:` it prints."""
    code, output = app.run(gg_command() + ["model", "push", folder, "--name", name])
    assert code == 0, output
    sources = [line.split("Source: ", 1)[1].strip() for line in output.splitlines() if "Source: " in line]
    assert len(sources) == 1 and sources[0].startswith("s3://"), output
    return sources[0]


def test_a_retrained_model_pushed_applied_and_rolled_out_is_the_one_served(app_v2, core, mqtt, tmp_path):
    app = app_v2
    app.gg_ok("create")
    core.start(app)
    mqtt.subscribe(app.topic("predictions"))
    deploy(app, core)
    before = request_prediction(app, mqtt)["model"]
    first_version = installed(app)["gg.model.classifier"]["componentVersion"]

    retrained = train.train(str(tmp_path / "boxes-v2"), samples=600, epochs=3, seed=11)
    assert retrained.validation_accuracy >= 0.9
    app.set_var("model_source", push_model(app, retrained.folder, "classifier"))
    plan = app.gg_ok("apply", "--no-deploy")
    assert "Deploy needed" in plan, plan
    assert effective(app)["coreDeviceExecutionStatus"] == "SUCCEEDED"   # the device still runs the first revision
    assert installed(app)["gg.model.classifier"]["componentVersion"] == first_version
    assert request_prediction(app, mqtt)["model"]["sha256"] == before["sha256"]

    output = app.gg_ok("rollout", "--poll-interval", "0.5", "--timeout", "120")
    assert "Rollout complete: 1 group succeeded" in output, output
    assert effective(app)["coreDeviceExecutionStatus"] == "SUCCEEDED"
    model = installed(app)["gg.model.classifier"]
    assert model["componentVersion"] != first_version, model
    assert model["lifecycleState"] == "FINISHED", model

    after = request_prediction(app, mqtt)
    assert after["model"]["sha256"] != before["sha256"], (before, after["model"])
    assert (before["epoch"], after["model"]["epoch"]) == (4, 3)
    # served from the new model component version's artifact on the device
    assert after["model"]["path"].startswith(os.path.join(
        core.work_dir, "packages", "artifacts-unarchived", "gg.model.classifier", model["componentVersion"]) + os.sep), \
        after["model"]
    assert after["top"][0]["label"] == CLIP_LABELS[after["source_frame"]], after
    assert core.proc.poll() is None, core.output()
