"""The inference Lambda as the core runs it: real greengrasssdk, fake core IPC, real models."""
import json
import logging
import os
import subprocess
import sys

import cv2
import numpy as np

import backends
import inference_config
import lambda_models
from lambda_paths import FAKE_CORE_DIR, INFERENCE_DIR, MY_ARN, ROUTER_ARN

OUT, ERR = "test/infer/out", "test/infer/err"


def published(ipc, topic, handler=None):
    if handler is not None and handler.service is not None:
        handler.service.flush()          # results are posted by a worker thread, in order
    return [json.loads(m["payload"].decode()) for m in ipc.messages(topic)]


def blog_style_forward(model_dir, prefix, epoch, image_path, size, label_names):
    """A direct MXNet forward pass, written the way the AWS blog posts do it."""
    import mxnet as mx
    sym, args, aux = mx.model.load_checkpoint(os.path.join(model_dir, prefix), epoch)
    mod = mx.mod.Module(symbol=sym, label_names=label_names, context=mx.cpu())
    mod.bind(for_training=False, data_shapes=[("data", (1, 3, size[0], size[1]))])
    mod.set_params(args, aux)
    img = cv2.cvtColor(cv2.imread(image_path), cv2.COLOR_BGR2RGB)
    img = cv2.resize(img, (size[1], size[0]))
    img = np.swapaxes(np.swapaxes(img, 0, 2), 1, 2)[np.newaxis, :]
    mod.forward(mx.io.DataBatch([mx.nd.array(img)]), is_train=False)
    return mod.get_outputs()[0].asnumpy()


def test_classifier_prediction_equals_direct_forward(load_lambda, classifier_dir, tmp_path):
    path = str(tmp_path / "frame.jpg")
    with open(path, "wb") as f:
        f.write(lambda_models.jpeg(48, 40, seed=3))
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path))

    returned = handler.function_handler({"filepath": path, "id": "req-1"}, None)

    expected = blog_style_forward(classifier_dir, "image-classification", 3, path, (32, 32), ["softmax_label"])[0]
    assert np.allclose(returned["prediction"], expected, rtol=1e-5, atol=1e-6)
    assert returned["top"][0]["label"] == lambda_models.IC_LABELS[int(np.argmax(expected))]
    handler.service.flush()
    messages = ipc.messages(OUT)
    assert len(messages) == 1
    assert (messages[0]["function_arn"], messages[0]["source"]) == (ROUTER_ARN, MY_ARN)
    assert json.loads(messages[0]["payload"].decode()) == returned
    assert returned["id"] == "req-1" and returned["filepath"] == path
    assert returned["model"]["name"] == "image-classification" and returned["model"]["epoch"] == 3
    assert set(returned["latency_ms"]) == {"decode", "preprocess", "forward", "postprocess"}
    assert ipc.messages(ERR) == []
    assert returned["prediction"] == [round(p, 6) for p in returned["prediction"]]


def test_detector_prediction_equals_direct_forward(load_lambda, detector_dir, tmp_path):
    path = str(tmp_path / "frame.jpg")
    with open(path, "wb") as f:
        f.write(lambda_models.jpeg(512, 512, seed=5))
    handler, ipc = load_lambda("inference", MODEL_PATH=detector_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               SCORE_THRESHOLD="0.4", READ_DIRS=str(tmp_path))

    returned = handler.function_handler({"filepath": path}, None)

    rows = blog_style_forward(detector_dir, "deploy_model_algo_1", 0, path, (512, 512), [])[0]
    rows = rows[(rows[:, 0] >= 0) & (rows[:, 1] >= 0.4)]
    rows = rows[np.argsort(-rows[:, 1], kind="stable")]
    assert len(rows) > 0
    assert np.allclose(np.array(returned["prediction"]), np.clip(rows, [-1, 0, 0, 0, 0, 0], [99, 1, 1, 1, 1, 1]),
                       atol=1e-5)
    assert all(len(r) == 6 and r[1] >= 0.4 for r in returned["prediction"])
    assert published(ipc, OUT, handler) == [returned]


def test_dlr_model_served_by_real_libdlr(load_lambda, dlr_dir):
    import dlr
    handler, ipc = load_lambda("inference", MODEL_PATH=dlr_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR)
    for bgr, label in (((0, 0, 255), "red"), ((0, 255, 0), "green"), ((255, 0, 0), "blue")):
        returned = handler.function_handler(lambda_models.jpeg(16, 16, colour=bgr), None)
        assert returned["top"][0]["label"] == label
        assert returned["model"]["backend"] == "dlr"
    direct = dlr.DLRModel(dlr_dir, "cpu").run({"data": np.full((1, 12), 0.0, np.float32)})[0][0]
    black = handler.function_handler(lambda_models.jpeg(16, 16, colour=(0, 0, 0)), None)
    assert np.allclose(black["prediction"], direct, atol=1e-6)
    assert [m["top"][0]["label"] for m in published(ipc, OUT, handler)] == ["red", "green", "blue", black["top"][0]["label"]]


def test_every_bad_event_is_reported_and_the_next_is_served(load_lambda, classifier_dir, tmp_path):
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               MAX_IMAGE_BYTES="200000", FRAME_DIR=str(tmp_path))
    good = lambda_models.jpeg(64, 48)
    not_image = tmp_path / "notes.txt"
    not_image.write_text("hello")
    bad_events = [
        ({"filepath": str(tmp_path / "missing.jpg"), "id": 1}, "not_found: no such file"),
        ({"filepath": str(not_image), "id": 2}, "not a JPEG or PNG"),
        (good[:len(good) // 2], "truncated: JPEG ends before its EOI marker"),
        (b"\xff\xd8\xff" + b"\x00" * 300000, "MAX_IMAGE_BYTES"),
        (3.14, "unsupported event type float"),
        ({"image": "not base64!"}, "not valid base64"),
    ]
    for event, reason in bad_events:
        returned = handler.function_handler(event, None)
        assert reason in returned["error"]
        served = handler.function_handler(good, None)
        assert "prediction" in served
    errors = published(ipc, ERR, handler)
    assert len(errors) == len(bad_events)
    for (event, reason), message in zip(bad_events, errors):
        assert reason in message["error"]
    assert [e.get("id") for e in errors[:2]] == [1, 2]
    assert len(ipc.messages(OUT)) == len(bad_events)


def test_model_load_failure_is_published_and_every_event_answered(load_lambda, tmp_path):
    handler, ipc = load_lambda("inference", MODEL_PATH=str(tmp_path / "nothing"), ERROR_TOPIC=ERR)
    returned = handler.function_handler({"filepath": "/x.jpg"}, None)
    assert returned["kind"] == "model_load" and "not a directory" in returned["error"]
    assert [m["kind"] for m in published(ipc, ERR)] == ["model_load", "model_load"]


def test_low_confidence_frames_are_kept_for_retraining(load_lambda, classifier_dir, tmp_path):
    folder = tmp_path / "feedback"
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT,
                               FEEDBACK_THRESHOLD="1.01", FEEDBACK_DIR=str(folder), FEEDBACK_MAX_FILES="2")
    for seed in range(4):
        returned = handler.function_handler(lambda_models.jpeg(40, 40, seed=seed), None)
        assert os.path.isfile(returned["feedback"])
    kept = sorted(os.listdir(str(folder)))
    assert len([k for k in kept if k.endswith(".jpg")]) == 2 and len([k for k in kept if k.endswith(".json")]) == 2
    record = json.load(open(str(folder / [k for k in kept if k.endswith(".json")][-1])))
    assert record["prediction"] == returned["prediction"]


def test_device_choice_is_logged(load_lambda, classifier_dir, caplog):
    with caplog.at_level(logging.INFO):
        load_lambda("inference", MODEL_PATH=classifier_dir, GPU_DEVICE_FILE="/dev/no-nvidia0")
    assert "inference device: CPU" in caplog.text


class _FakeMx(object):
    def __init__(self, gpus):
        self.context = type("ctx", (), {"num_gpus": staticmethod(lambda: gpus)})

    def cpu(self):
        return "cpu(0)"

    def gpu(self, index):
        return "gpu(%d)" % index


def test_gpu_chosen_only_with_device_file_and_cuda_runtime(tmp_path):
    device = tmp_path / "nvidia0"
    device.write_text("")
    env = {"GPU_DEVICE_FILE": str(device)}
    settings = inference_config.Settings.from_env(env)
    assert backends.choose_mxnet_context(settings, _FakeMx(1))[0] == "gpu(0)"
    assert backends.choose_mxnet_context(settings, _FakeMx(0))[0] == "cpu(0)"
    env["DEVICE"] = "cpu"
    assert backends.choose_mxnet_context(inference_config.Settings.from_env(env), _FakeMx(1))[0] == "cpu(0)"
    absent = inference_config.Settings.from_env({"GPU_DEVICE_FILE": str(tmp_path / "none")})
    assert backends.choose_mxnet_context(absent, _FakeMx(1))[0] == "cpu(0)"


MEMORY_SCRIPT = r"""
import base64, json, os, sys
sys.path[:0] = [os.environ["LAMBDA_DIR"], os.environ["FAKE_CORE_DIR"], os.environ["HELPERS"]]
import lambda_models
import inference
ipc = sys.modules["greengrass_ipc_python_sdk.ipc_client"]

def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

good = lambda_models.jpeg(96, 72)
events = [good, {"image": base64.b64encode(good).decode(), "id": 1}, {"filepath": "/nope.jpg"},
          good[:500], b"not an image", {"x": 1}]
samples = []
for i in range(int(os.environ["EVENTS"])):
    inference.function_handler(events[i % len(events)], None)
    if i % 100 == 99:
        ipc.clear()
        samples.append(rss_kb())
print(json.dumps({"samples": samples, "served": inference.service.served, "errors": inference.service.errors}))
"""


def test_memory_stays_flat_over_thousands_of_events(classifier_dir, tmp_path):
    env = dict(os.environ, LAMBDA_DIR=INFERENCE_DIR, FAKE_CORE_DIR=FAKE_CORE_DIR,
               HELPERS=os.path.dirname(__file__), EVENTS="3000", MODEL_PATH=classifier_dir,
               MY_FUNCTION_ARN=MY_ARN, ROUTER_FUNCTION_ARN=ROUTER_ARN, LOG_LEVEL="ERROR",
               FEEDBACK_DIR=str(tmp_path / "fb"), FEEDBACK_THRESHOLD="1.01", FEEDBACK_MAX_FILES="20",
               OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], env=env, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["served"] == 1000 and report["errors"] == 2000
    samples = report["samples"]
    growth_kb = samples[-1] - samples[4]          # after warm-up (500 events) to the end
    assert growth_kb < 8 * 1024, samples
    assert len(os.listdir(str(tmp_path / "fb"))) == 40          # 20 kept frames + their records
