"""The bundled inference Lambda (lambdas/inference) served by the local core from a SageMaker job's model."""
import base64
import os

import pytest

from tests.core.conftest import ROOT

mx = pytest.importorskip("mxnet")
cv2 = pytest.importorskip("cv2")


def _png():
    import numpy as np

    ok, data = cv2.imencode(".png", np.full((32, 32, 3), (0, 128, 255), np.uint8))
    assert ok
    return base64.b64encode(data.tobytes()).decode("ascii")


def test_inference_lambda_serves_the_model_and_a_retrained_one_after_redeploy(group_builder, core, mqtt, tmp_path):
    from tests.lambdas import lambda_models

    b = group_builder
    out = "t/%s/predictions" % b.uid
    jobs = {}
    for n, epochs in (("a", (1,)), ("b", (3,))):
        folder = lambda_models.write_classifier(str(tmp_path / ("model-" + n)), epochs=epochs)
        jobs[n] = b.training_job("gg-core-%s-%s" % (b.uid, n), folder)

    def deploy(job, marker):
        resources = [{"Id": "classifier", "Name": "Classifier", "ResourceDataContainer": {
            "SageMakerMachineLearningModelResourceData": {"SageMakerJobArn": job,
                                                          "DestinationPath": "/ml/classifier"}}}]
        fn = b.function(os.path.join(ROOT, "lambdas", "inference"), "inference.function_handler",
                        name="inference-%s" % b.uid, resources=["classifier"], timeout=30,
                        env={"MODEL_PATH": "/ml/classifier", "OUTPUT_TOPIC": out, "MARKER": marker,
                             "PUBLISH_QUEUE": "0"})
        return b.deploy([fn], [("cloud", "t/%s/infer" % b.uid, fn), (fn, out, "cloud")], resources)

    mqtt.subscribe(out)
    dep = deploy(jobs["a"], "1")
    core.start(b)
    assert b.wait_status(dep, timeout=90, core=core)["DeploymentStatus"] == "Success", core.output()
    mqtt.publish("t/%s/infer" % b.uid, {"image": _png(), "id": "first"})
    first = mqtt.wait_for(out, lambda m: m.get("id") == "first", timeout=30)
    assert first["model"]["path"] == os.path.join(core.work_dir, "ml", "classifier")
    assert first["model"]["epoch"] == 1

    dep = deploy(jobs["b"], "2")  # retrained: a new job, a new artifact
    assert b.wait_status(dep, timeout=90, core=core)["DeploymentStatus"] == "Success", core.output()
    mqtt.publish("t/%s/infer" % b.uid, {"image": _png(), "id": "second"})
    second = mqtt.wait_for(out, lambda m: m.get("id") == "second", timeout=30)
    assert second["model"]["epoch"] == 3 and second["model"]["sha256"] != first["model"]["sha256"]

    dep = deploy(jobs["b"], "3")  # same model, other settings: no new download
    assert b.wait_status(dep, timeout=90, core=core)["DeploymentStatus"] == "Success", core.output()
    with open(os.path.join(core.work_dir, "var", "log", "system", "runtime.log")) as fh:
        downloads = [line for line in fh if "model classifier downloaded" in line]
    assert len(downloads) == 2, downloads
