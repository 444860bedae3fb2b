"""Pure logic of the inference Lambda: discovery, image checks, events, postprocess, feedback."""
import base64
import json
import os
import shutil

import numpy as np
import pytest

import feedback
import image_checks
import imaging
import inference_config
import inference_events
import lambda_models
import model_files
import postprocess


def settings(**env):
    return inference_config.Settings.from_env(dict((k, str(v)) for k, v in env.items()))


def test_discovers_sagemaker_classifier_with_newest_epoch(classifier_dir):
    info = model_files.discover(settings(MODEL_PATH=classifier_dir))
    assert (info.backend, info.task, info.prefix, info.epoch) == ("mxnet", "classification", "image-classification", 3)
    assert info.input_shape == lambda_models.IC_SHAPE          # from model-shapes.json
    assert info.labels == lambda_models.IC_LABELS              # from labels.txt


def test_epoch_and_shape_overrides(classifier_dir):
    info = model_files.discover(settings(MODEL_PATH=classifier_dir, MODEL_EPOCH=1, INPUT_SHAPE="3,64,64",
                                         LABELS="a,b,c,d"))
    assert (info.epoch, info.input_shape, info.labels) == (1, (3, 64, 64), ["a", "b", "c", "d"])
    with pytest.raises(model_files.ModelNotFound, match="MODEL_EPOCH=2"):
        model_files.discover(settings(MODEL_PATH=classifier_dir, MODEL_EPOCH=2))


def test_discovers_object_detection_deploy_layout(detector_dir):
    info = model_files.discover(settings(MODEL_PATH=detector_dir))
    assert (info.backend, info.task, info.epoch, info.input_shape) == ("mxnet", "detection", 0, (3, 512, 512))


def test_discovers_dlr_and_backend_override(dlr_dir, classifier_dir):
    assert model_files.discover(settings(MODEL_PATH=dlr_dir)).backend == "dlr"
    with pytest.raises(model_files.ModelNotFound, match="DLR"):
        model_files.discover(settings(MODEL_PATH=classifier_dir, MODEL_BACKEND="dlr"))


def test_missing_or_empty_model_folder_says_what_was_expected(tmp_path):
    with pytest.raises(model_files.ModelNotFound, match="not a directory"):
        model_files.discover(settings(MODEL_PATH=str(tmp_path / "absent")))
    with pytest.raises(model_files.ModelNotFound, match="image-classification-symbol.json"):
        model_files.discover(settings(MODEL_PATH=str(tmp_path)))


def test_bad_environment_values_are_named():
    with pytest.raises(inference_config.ConfigError, match="TOP_K"):
        settings(TOP_K="many")
    with pytest.raises(inference_config.ConfigError, match="DEVICE"):
        settings(DEVICE="tpu")


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"GIF89a....", "not a JPEG or PNG"),
    (lambda_models.jpeg(64, 48)[:-200], "truncated: JPEG ends before its EOI"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "damaged: JPEG has a header segment with an invalid length"),
])
def test_image_checks(data, message):
    with pytest.raises(imaging.ImageError, match=message):
        imaging.decode(data, 10 ** 6, 10 ** 6)


def test_image_limits_apply_before_decoding():
    data = lambda_models.jpeg(640, 480)
    assert image_checks.jpeg_size(data) == (640, 480)
    with pytest.raises(imaging.ImageError, match="MAX_IMAGE_BYTES"):
        imaging.decode(data, len(data) - 1, 10 ** 9)
    with pytest.raises(imaging.ImageError, match="640x480 = 307200 pixels"):
        imaging.decode(data, 10 ** 9, 640 * 480 - 1)


def test_png_is_accepted_and_truncated_png_rejected():
    import cv2
    ok, png = cv2.imencode(".png", np.full((20, 30, 3), 200, np.uint8))
    png = png.tobytes()
    assert imaging.decode(png, 10 ** 6, 10 ** 6).shape == (20, 30, 3)
    with pytest.raises(imaging.ImageError, match="truncated: PNG ends before its IEND"):
        imaging.decode(png[:-12], 10 ** 6, 10 ** 6)


def test_reduced_decoding_only_when_frame_is_much_larger_than_input():
    data = lambda_models.jpeg(640, 480)
    assert imaging.decode(data, 10 ** 7, 10 ** 7, (224, 224), reduce=True).shape == (240, 320, 3)
    assert imaging.decode(data, 10 ** 7, 10 ** 7, (512, 512), reduce=True).shape == (480, 640, 3)
    assert imaging.decode(data, 10 ** 7, 10 ** 7, (224, 224), reduce=False).shape == (480, 640, 3)


def test_preprocess_is_rgb_chw_with_mean_and_std():
    image = np.zeros((4, 6, 3), np.uint8)
    image[:, :, 0] = 10     # B
    image[:, :, 2] = 250    # R
    batch = imaging.Preprocessor((3, 2, 3), "rgb", mean=(50, 0, 0), std=(2, 1, 1))(image)
    assert batch.shape == (1, 3, 2, 3) and batch.dtype == np.float32
    assert np.allclose(batch[0, 0], 100.0) and np.allclose(batch[0, 2], 10.0)
    bgr = imaging.Preprocessor((3, 4, 6), "bgr")(image)
    assert np.allclose(bgr[0, 0], 10.0)


def test_events_in_every_accepted_form(tmp_path):
    data = lambda_models.jpeg(32, 32)
    path = tmp_path / "f.jpg"
    path.write_bytes(data)
    by_path = inference_events.parse({"filepath": str(path), "id": 7, "frame_id": 3, "source_frame": 0}, 10 ** 6,
                                     (str(tmp_path),))
    assert (by_path.data, by_path.filepath, by_path.echo) == (data, str(path),
                                                              {"id": 7, "frame_id": 3, "source_frame": 0})
    inline = inference_events.parse({"image": base64.b64encode(data).decode()}, 10 ** 6)
    assert inline.data == data
    assert inference_events.parse(data, 10 ** 6).data == data
    as_json_bytes = inference_events.parse(json.dumps({"filepath": str(path)}).encode(), 10 ** 6, (str(tmp_path),))
    assert as_json_bytes.filepath == str(path)


@pytest.mark.parametrize("event, message", [
    ({"filepath": "/no/such/frame.jpg"}, "not_found: no such file"),
    ({"camera": 1}, "no_image: the event has neither 'filepath' nor 'image'"),
    (42, "bad_type: unsupported event type int"),
    ("hello", "bad_json: the string event is not valid JSON"),
    ({"filepath": "/no", "id": 1}, "not_a_file: the path names a read folder"),
])
def test_bad_events_raise_event_error(event, message):
    with pytest.raises(inference_events.EventError, match=message):
        inference_events.parse(event, 10 ** 6, ("/no",))


def test_stale_frames_are_refused_when_max_age_set(tmp_path):
    path = tmp_path / "f.jpg"
    path.write_bytes(lambda_models.jpeg(8, 8))
    event = {"filepath": str(path), "captured_at": 100.0}
    with pytest.raises(inference_events.EventError, match="stale: frame captured 3.00s ago"):
        inference_events.parse(event, 10 ** 6, (str(tmp_path),), max_frame_age_s=2.0, now=103.0)
    assert inference_events.parse(event, 10 ** 6, (str(tmp_path),), max_frame_age_s=2.0, now=101.0).filepath == str(path)


def test_classification_postprocess_top_k_and_softmax_of_logits():
    result, best = postprocess.classification([np.array([[0.1, 0.6, 0.3]])], ["a", "b", "c"], top_k=2)
    assert result["prediction"] == pytest.approx([0.1, 0.6, 0.3])
    assert [t["label"] for t in result["top"]] == ["b", "c"] and best == pytest.approx(0.6)
    logits, _ = postprocess.classification([np.array([[2.0, -1.0]])], None, 5)
    assert sum(logits["prediction"]) == pytest.approx(1.0) and logits["top"][0]["label"] == "0"


def test_detection_postprocess_filters_sorts_and_normalises():
    rows = np.array([[[-1, 0.9, 0, 0, 1, 1], [1, 0.4, 0, 0, 1, 1], [0, 0.6, 0.1, 0.2, 0.3, 1.2], [2, 0.95, 0, 0, .5, .5]]])
    result, best = postprocess.detection([rows], threshold=0.5, labels=["x", "y", "z"])
    assert result["prediction"] == [[2, 0.95, 0, 0, 0.5, 0.5], [0, 0.6, 0.1, 0.2, 0.3, 1.0]]
    assert result["labels"] == ["z", "x"] and best == 0.95
    # Neo/GluonCV style: ids, scores, boxes in input pixels
    ids, scores, boxes = np.array([[[1.0]]]), np.array([[[0.8]]]), np.array([[[128.0, 0, 256, 512]]])
    neo, _ = postprocess.detection([ids, scores, boxes], 0.5, input_hw=(512, 512))
    assert neo["prediction"] == [[1.0, 0.8, 0.25, 0.0, 0.5, 1.0]]
    assert postprocess.detect_task([rows]) == "detection"
    assert postprocess.detect_task([np.zeros((1, 10))]) == "classification"


def test_feedback_store_is_bounded_in_files_and_bytes(tmp_path):
    store = feedback.FeedbackStore(str(tmp_path), max_files=3, max_bytes=10 ** 6)
    for i in range(5):
        store.add(b"x" * 100, "jpeg", {"i": i})
    images = sorted(p for p in os.listdir(str(tmp_path)) if p.endswith(".jpg"))
    assert len(images) == 3
    kept = [json.load(open(os.path.join(str(tmp_path), p[:-4] + ".json")))["i"] for p in images]
    assert kept == [2, 3, 4]                                   # the oldest went first
    small = feedback.FeedbackStore(str(tmp_path / "b"), max_files=100, max_bytes=1000)
    for i in range(20):
        small.add(b"y" * 200, "png", {"i": i})
    total = sum(os.path.getsize(os.path.join(str(tmp_path / "b"), p)) for p in os.listdir(str(tmp_path / "b")))
    assert total <= 1000
    assert small.add(b"z" * 2000, "jpeg", {}) is None          # bigger than the whole budget
    # a restarted Lambda finds what is already there and keeps the bound
    again = feedback.FeedbackStore(str(tmp_path), max_files=3, max_bytes=10 ** 6)
    again.add(b"x", "jpeg", {"i": 9})
    assert len([p for p in os.listdir(str(tmp_path)) if p.endswith(".jpg")]) == 3
    shutil.rmtree(str(tmp_path / "b"))


def test_published_probabilities_are_rounded_but_ranking_uses_full_precision():
    result, best = postprocess.classification([np.array([[0.123456789, 0.123456701, 0.75308651]])], None, 3, 6)
    assert result["prediction"] == [0.123457, 0.123457, 0.753087]
    assert [t["index"] for t in result["top"]] == [2, 0, 1] and best == pytest.approx(0.75308651)


def test_cpu_threads_caps_the_runtime_threads(monkeypatch):
    import backends
    monkeypatch.setenv("OMP_NUM_THREADS", "unset")     # recorded, so restored after the test
    monkeypatch.setenv("TVM_NUM_THREADS", "unset")
    backends.limit_cpu_threads(settings(CPU_THREADS=1))
    assert os.environ["OMP_NUM_THREADS"] == "1" and os.environ["TVM_NUM_THREADS"] == "1"
