"""The bundled camera and inference Lambdas (lambdas/) as V2 Lambda components, the model as a component.

Camera frames from an image folder go camera -> inference through the LegacySubscriptionRouter,
predictions to the cloud; the classifier is a generic component whose ZIP artifact the
inference Lambda finds through {com.example.Classifier:artifacts:decompressedPath}. A retrained
model (a new component version) changes the served model after the next deployment.
"""
import os

import pytest

from .builders import generic_component, lambda_component, router, zip_folder
from .harness import OUT

mx = pytest.importorskip("mxnet")
cv2 = pytest.importorskip("cv2")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FRAMES = "gg/camera/frame"


def _classifier(cloud, tmp_path, version, epoch):
    from tests.lambdas import lambda_models

    folder = lambda_models.write_classifier(str(tmp_path / ("model-%s" % version)), epochs=(epoch,))
    generic_component(cloud, "com.example.Classifier", version, lifecycle={},
                      artifacts=[{"URI": "s3://models/classifier.zip", "Unarchive": "ZIP"}],
                      files={"classifier.zip": zip_folder(folder)})


def test_camera_and_inference_serve_the_model_component_and_a_retrained_one(device, tmp_path):
    from tests.lambdas import lambda_models

    images = tmp_path / "images"
    images.mkdir()
    (images / "frame.jpg").write_bytes(lambda_models.jpeg(64, 48, seed=3))
    _classifier(device.cloud, tmp_path, "1.0.0", epoch=1)
    _classifier(device.cloud, tmp_path, "2.0.0", epoch=3)
    model_dep = {"com.example.Classifier": {"VersionRequirement": ">=1.0.0", "DependencyType": "HARD"}}
    lambda_component(device.cloud, "com.example.Inference", "1.0.0", folder=os.path.join(ROOT, "lambdas", "inference"),
                     handler="inference.function_handler", function="inference", timeout=30, deps=model_dep,
                     env={"MODEL_PATH": "{com.example.Classifier:artifacts:decompressedPath}/classifier",
                          "OUTPUT_TOPIC": OUT, "PUBLISH_QUEUE": "0", "FRAME_DIR": str(tmp_path / "frames")})
    lambda_component(device.cloud, "com.example.Camera", "1.0.0", folder=os.path.join(ROOT, "lambdas", "camera"),
                     handler="camera.function_handler", function="camera",
                     env={"CAMERA_SOURCE": str(images), "FRAME_DIR": str(tmp_path / "frames"), "FRAME_TOPIC": FRAMES,
                          "CAPTURE_FPS": "2", "MAX_IN_FLIGHT": "0", "STATUS_INTERVAL_S": "60"})
    components = {"com.example.Camera": {"version": "1.0.0"}, "com.example.Inference": {"version": "1.0.0"},
                  "com.example.Classifier": {"version": "1.0.0"},
                  "aws.greengrass.LegacySubscriptionRouter": router(
                      ("component:com.example.Camera", FRAMES, "component:com.example.Inference"),
                      ("component:com.example.Inference", OUT, "cloud"))}
    _, status, details = device.deploy(components)
    assert status == "SUCCEEDED", details
    first = device.bridge.wait_for(OUT, 90, lambda body: "prediction" in body and "frame_id" in body)
    unpacked = device.core.layout.unarchived("com.example.Classifier", "1.0.0")
    assert first["model"]["path"] == os.path.join(unpacked, "classifier") and first["model"]["epoch"] == 1
    assert first["filepath"].startswith(str(tmp_path / "frames"))

    components["com.example.Classifier"] = {"version": "2.0.0"}
    _, status, details = device.deploy(components)
    assert status == "SUCCEEDED", details
    second = device.bridge.wait_for(OUT, 90, lambda body: body.get("model", {}).get("epoch") == 3)
    assert second["model"]["sha256"] != first["model"]["sha256"]
    assert second["model"]["path"] == os.path.join(device.core.layout.unarchived("com.example.Classifier", "2.0.0"),
                                                   "classifier")
