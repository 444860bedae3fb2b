"""The example greengrass.yaml deployed with gg to the sandbox and run by the local core, checked
the way a user would: gg's exit code and output, MQTT messages, AWS's deployment status."""
import os
import uuid

from gg_manager.demo import dataset, train
from tests.e2e.conftest import CLIP_LABELS


def request_prediction(app, mqtt, timeout=30):
    """cloud -> /request/classify/<id>: the camera captures a frame now; its prediction comes back."""
    request_id = uuid.uuid4().hex[:8]
    mqtt.publish("/request/classify/%s" % request_id, {"id": request_id})
    return mqtt.wait_for(app.topic("predictions"), lambda m: isinstance(m, dict) and m.get("id") == request_id,
                         timeout=timeout)


def deploy(app, core):
    output = app.gg_ok("deploy", "--timeout", "120")
    assert "group %s: Success" % app.group in output, output
    assert core.proc.poll() is None, core.output()
    return output


def test_deploy_then_a_cloud_request_to_the_camera_yields_a_prediction(app, core, mqtt):
    app.gg_ok("create")
    assert os.path.isfile(app.config_path)
    core.start(app)
    mqtt.subscribe(app.topic("predictions"))
    deploy(app, core)

    body = request_prediction(app, mqtt)
    assert body["filepath"].startswith(os.path.join(app.folder, "frames") + os.sep)
    assert body["model"]["backend"] == "mxnet" and body["model"]["task"] == "classification"
    assert body["model"]["path"] == os.path.join(core.work_dir, "ml", "classifier")
    top = body["top"][0]
    assert top["label"] == CLIP_LABELS[body["source_frame"]], body   # the frame the camera took, classified right
    assert len(body["prediction"]) == len(dataset.LABELS)


BROKEN = '''import no_such_module_for_gg_e2e  # noqa: F401


def function_handler(event, context):
    return event
'''


def test_a_lambda_that_fails_to_import_fails_the_deployment_and_gg_deploy(app, core):
    app.replace_lambda("inference", {"inference.py": BROKEN})
    app.gg_ok("create")
    core.start(app)
    code, output = app.gg("deploy", "--timeout", "120")
    assert code != 0, output
    assert "group %s: Failure" % app.group in output, output
    assert "No module named 'no_such_module_for_gg_e2e'" in output, output

    gg = app.sandbox.boto3_client("greengrass")
    group = next(g for g in gg.list_groups()["Groups"] if g["Name"] == app.group)
    deployment = gg.list_deployments(GroupId=group["Id"])["Deployments"][0]
    status = gg.get_deployment_status(GroupId=group["Id"], DeploymentId=deployment["DeploymentId"])
    assert status["DeploymentStatus"] == "Failure"
    assert "inference.function_handler" in status["ErrorMessage"]
    assert status["ErrorDetails"][0]["DetailedErrorCode"] == "LambdaStartFailure"


def test_a_retrained_model_applied_and_redeployed_is_the_one_served(app, core, mqtt):
    app.gg_ok("create")
    core.start(app)
    mqtt.subscribe(app.topic("predictions"))
    deploy(app, core)
    before = request_prediction(app, mqtt)["model"]

    retrained = train.train(app.model, samples=600, epochs=3, seed=11)    # replaces the folder's model
    assert retrained.validation_accuracy >= 0.9
    plan = app.gg_ok("plan")
    assert "model" in plan and "0 to create, 0 to update, 0 to delete" not in plan, plan
    app.gg_ok("apply")
    deploy(app, core)

    after = request_prediction(app, mqtt)
    assert after["model"]["sha256"] != before["sha256"], (before, after["model"])
    assert (before["epoch"], after["model"]["epoch"]) == (4, 3)
    assert after["top"][0]["label"] == CLIP_LABELS[after["source_frame"]], after
    # the new model replaced the old one on the core: one params file, of the retrained epoch
    model_dir = os.path.join(core.work_dir, "ml", "classifier")
    assert sorted(n for n in os.listdir(model_dir) if n.endswith(".params")) == ["image-classification-0003.params"]
