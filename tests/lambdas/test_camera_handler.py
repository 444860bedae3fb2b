"""The camera Lambda as the core runs it: real greengrasssdk, fake core IPC, real video sources."""
import json
import os
import time

import cv2
import numpy as np

import inference_config
import inference_service
from mjpeg_server import MjpegServer

FRAMES, STATUS = "test/cam/frame", "test/cam/status"


def wait_until(condition, timeout=10.0, step=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met within %ss" % timeout)


def payloads(ipc, topic):
    return [json.loads(m["payload"].decode()) for m in ipc.messages(topic)]


def write_video(path, count=12, size=(160, 120)):
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 25.0, size)
    assert writer.isOpened()
    for i in range(count):
        frame = np.full((size[1], size[0], 3), i * 20, np.uint8)
        writer.write(frame)
    writer.release()
    return path


def camera_env(tmp_path, source, **extra):
    env = dict(CAMERA_SOURCE=source, FRAME_DIR=str(tmp_path / "frames"), FRAME_TOPIC=FRAMES,
               STATUS_TOPIC=STATUS, STATUS_INTERVAL_S="0.2", RECONNECT_MIN_S="0.05", RECONNECT_MAX_S="0.2")
    env.update(extra)
    return env


def test_video_file_frames_are_published_as_references_in_a_bounded_ring(load_lambda, tmp_path):
    video = write_video(str(tmp_path / "clip.avi"))
    camera, ipc = load_lambda("camera", **camera_env(tmp_path, video, CAPTURE_FPS="100", RING_SIZE="5",
                                                     MAX_IN_FLIGHT="0", CAPTURE_WIDTH="80", JPEG_QUALITY="70"))
    wait_until(lambda: len(ipc.messages(FRAMES)) >= 30)         # more than the 12-frame clip: it was reopened
    wait_until(lambda: any(s["reconnects"] >= 2 for s in payloads(ipc, STATUS)))
    camera.stop()
    refs = payloads(ipc, FRAMES)
    assert [r["frame_id"] for r in refs] == list(range(1, len(refs) + 1))
    assert all(set(r) == {"filepath", "frame_id", "captured_at", "source_frame"} for r in refs)
    # source_frame: the frame's index in the clip, from 0 again after each reopen
    assert [r["source_frame"] for r in refs[:24]] == list(range(12)) * 2
    files = sorted(os.listdir(str(tmp_path / "frames")))
    assert len(files) == 5 and files == [os.path.basename(r["filepath"]) for r in refs[-5:]]
    image = cv2.imread(refs[-1]["filepath"])
    assert image.shape == (60, 80, 3)                           # CAPTURE_WIDTH=80 keeps the aspect ratio
    status = payloads(ipc, STATUS)
    assert status[-1]["reconnects"] >= 2 and status[-1]["published"] >= 12
    assert status[-1]["fps"] > 0 and status[-1]["dropped"] == 0


def test_mjpeg_stream_at_capture_fps_with_drops_and_reconnect(load_lambda, tmp_path):
    server = MjpegServer(fps=30)
    try:
        camera, ipc = load_lambda("camera", **camera_env(tmp_path, server.url, CAPTURE_FPS="10",
                                                         MAX_IN_FLIGHT="2", ACK_TIMEOUT_S="0.25"))
        wait_until(lambda: len(ipc.messages(FRAMES)) >= 2)
        started = time.time()
        time.sleep(1.0)
        # nobody acknowledges: at most 2 frames per ACK_TIMEOUT_S leave, the rest are dropped
        status = payloads(ipc, STATUS)[-1]
        assert status["dropped"] > 0 and status["in_flight"] <= 2
        published_in_1s = len([r for r in payloads(ipc, FRAMES) if r["captured_at"] >= started])
        assert published_in_1s <= 2 * (1.0 / 0.25) + 2
        # answers from inference free the window: every frame flows again
        ipc.clear()
        deadline = time.time() + 1.0
        while time.time() < deadline:
            for ref in payloads(ipc, FRAMES):
                camera.function_handler({"frame_id": ref["frame_id"], "prediction": [1.0]}, None)
            time.sleep(0.02)
        flowing = payloads(ipc, FRAMES)
        assert 4 <= len(flowing) <= 13                          # ~10 fps, never the source's 30
        port = server.port
        server.stop()
        wait_until(lambda: any(s["reconnects"] >= 1 and not s["connected"] for s in payloads(ipc, STATUS)))
        server = MjpegServer(fps=30, port=port)
        count = len(payloads(ipc, FRAMES))
        wait_until(lambda: len(payloads(ipc, FRAMES)) > count + 2, timeout=10)
        camera.stop()
    finally:
        server.stop()
    assert cv2.imread(payloads(ipc, FRAMES)[-1]["filepath"]).shape == (240, 320, 3)


def test_on_demand_capture_publishes_one_frame_now(load_lambda, tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / ("img%d.png" % i)), np.full((30, 40, 3), 50 * i, np.uint8))
    camera, ipc = load_lambda("camera", **camera_env(tmp_path, str(folder), AUTOSTART="off"))
    reference = camera.function_handler({"id": "ask-1"}, None)
    assert reference["reason"] == "on_demand" and reference["id"] == "ask-1"
    assert payloads(ipc, FRAMES) == [reference]
    assert cv2.imread(reference["filepath"]).shape == (30, 40, 3)
    assert camera.function_handler(b"", None)["frame_id"] == 2
    assert camera.function_handler({"frame_id": 2, "error": "stale"}, None) == {"ack": 2, "freed": True}


def test_camera_frames_flow_through_inference(load_lambda, tmp_path, classifier_dir):
    """camera reference -> inference output with the frame_id echoed -> ack frees the camera's window."""
    video = write_video(str(tmp_path / "clip.avi"), count=8)
    camera, ipc = load_lambda("camera", **camera_env(tmp_path, video, AUTOSTART="off", MAX_IN_FLIGHT="1"))
    service = inference_service.InferenceService(
        inference_config.Settings.from_env({"MODEL_PATH": classifier_dir}), lambda topic, payload: None)
    for _ in range(3):
        reference = camera.loop.step()
        assert isinstance(reference, dict)
        result = service.handle(reference)
        assert result["frame_id"] == reference["frame_id"] and result["filepath"] == reference["filepath"]
        assert camera.loop.step() == "dropped"
        assert camera.function_handler(result, None)["freed"]


def test_bad_settings_are_reported_and_the_container_stays_up(load_lambda, tmp_path):
    camera, ipc = load_lambda("camera", **camera_env(tmp_path, "0", CAPTURE_FPS="fast"))
    answer = camera.function_handler({}, None)
    assert answer["kind"] == "setup" and "CAPTURE_FPS" in answer["error"]
    assert [m["kind"] for m in payloads(ipc, STATUS)] == ["setup", "setup"]


def test_hostile_events_never_raise_and_bad_ids_are_refused(load_lambda, tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    cv2.imwrite(str(folder / "img.png"), np.full((30, 40, 3), 90, np.uint8))
    camera, ipc = load_lambda("camera", **camera_env(tmp_path, str(folder), AUTOSTART="off"))
    deep = []
    for _ in range(5000):
        deep = [deep]
    assert camera.function_handler({"frame_id": [1], "error": "x"}, None) == {"ack": None, "freed": False}
    assert camera.function_handler({"frame_id": True, "prediction": []}, None) == {"ack": None, "freed": False}
    refused = camera.function_handler({"id": deep}, None)
    assert refused["kind"] == "bad_event" and "'id' must be" in refused["error"]
    assert camera.function_handler({"id": "x" * 1000}, None)["kind"] == "bad_event"
    assert payloads(ipc, FRAMES) == []                       # nothing captured for a refused request
    for event in (b'{"id": ' + b"[" * 100000 + b"]" * 100000 + b"}", b"\xff\xfe", "[" * 100000):
        reference = camera.function_handler(event, None)      # not a request the camera knows: capture now
        assert reference["reason"] == "on_demand" and "id" not in reference
