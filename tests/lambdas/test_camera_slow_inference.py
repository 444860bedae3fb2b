"""Inference slower than ACK_TIMEOUT_S: the camera drops frames instead of queueing them in the core.

Both Lambdas run as the core runs them (real greengrasssdk over the fake core);
this test plays the core's router: camera frames go into a FIFO queue that one
thread delivers to the inference handler (a pinned Lambda takes one event at a
time), and inference's answers go back to the camera handler. Each forward pass
sleeps longer than the camera's ACK_TIMEOUT_S. What a user would check: how
deep the core's queue gets, whether inference ever finds a frame file deleted,
and how old a frame is when its prediction arrives.
"""
import json
import queue
import threading
import time
from types import SimpleNamespace

FRAMES, STATUS, OUT, ERR = "test/slow/frames", "test/slow/status", "test/slow/out", "test/slow/err"
FORWARD_S, ACK_TIMEOUT_S, RING_SIZE, MAX_IN_FLIGHT = 0.4, 0.15, 4, 2
RUN_S = 6.0


def routed(subject):
    return SimpleNamespace(client_context=SimpleNamespace(custom={"source": "arn:test", "subject": subject}))


class Router(object):
    """The core's routing for camera -> inference -> camera, measuring the inference queue."""

    def __init__(self, camera_ipc, camera, inference_ipc, inference):
        self.camera_ipc, self.camera = camera_ipc, camera
        self.inference_ipc, self.inference = inference_ipc, inference
        self.queue = queue.Queue()                 # the core's queue for the inference Lambda: unbounded
        self.depths, self.answers = [], []          # (time, depth), (time, message)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=t, daemon=True) for t in (self._frames, self._deliver, self._acks)]

    def _new(self, ipc, topics, seen):
        fresh = [m for m in ipc.messages() if m["topic"] in topics][seen:]
        return [json.loads(m["payload"].decode()) for m in fresh]

    def _frames(self):
        seen = 0
        while not self.stopping.is_set():
            for reference in self._new(self.camera_ipc, (FRAMES,), seen):
                seen += 1
                self.queue.put(reference)
                self.depths.append((time.time(), self.queue.qsize()))
            time.sleep(0.005)

    def _deliver(self):
        while not self.stopping.is_set():
            try:
                reference = self.queue.get(timeout=0.05)
            except queue.Empty:
                continue
            self.inference.function_handler(reference, routed(FRAMES))

    def _acks(self):
        seen = 0
        while not self.stopping.is_set():
            for answer in self._new(self.inference_ipc, (OUT, ERR), seen):
                seen += 1
                self.answers.append((time.time(), answer))
                self.camera.function_handler(answer, routed(OUT))
            time.sleep(0.005)

    def run(self, seconds):
        for thread in self.threads:
            thread.start()
        time.sleep(seconds)
        self.stopping.set()
        for thread in self.threads:
            thread.join(5)


def test_camera_drops_instead_of_queueing_when_a_forward_outlasts_the_ack_timeout(load_lambda, classifier_dir,
                                                                                   tmp_path):
    camera, camera_ipc = load_lambda(
        "camera", CAMERA_SOURCE=str(_video(tmp_path)), FRAME_DIR=str(tmp_path / "frames"), FRAME_TOPIC=FRAMES,
        STATUS_TOPIC=STATUS, STATUS_INTERVAL_S="0.5", CAPTURE_FPS="20", RING_SIZE=str(RING_SIZE),
        MAX_IN_FLIGHT=str(MAX_IN_FLIGHT), ACK_TIMEOUT_S=str(ACK_TIMEOUT_S), AUTOSTART="off")
    inference, inference_ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT,
                                           ERROR_TOPIC=ERR)          # FRAME_DIR shared with the camera
    forward = inference.service.backend.forward

    def slow_forward(batch):
        time.sleep(FORWARD_S)
        return forward(batch)

    inference.service.backend.forward = slow_forward
    router = Router(camera_ipc, camera, inference_ipc, inference)
    started = time.time()
    camera.loop.start()
    router.run(RUN_S)
    camera.stop()

    answers = [message for _, message in router.answers]
    errors = [a for a in answers if "error" in a]
    assert errors == [], errors[:3]                                   # no frame file was gone when read
    served = [a for a in answers if "prediction" in a]
    assert len(served) >= 0.6 * RUN_S / FORWARD_S                     # inference was kept busy
    assert max(depth for _, depth in router.depths) <= RING_SIZE
    settled = started + RUN_S / 2
    assert max(depth for at, depth in router.depths if at >= settled) <= MAX_IN_FLIGHT
    ages = [at - message["captured_at"] for at, message in router.answers if at >= settled]
    assert max(ages) <= (MAX_IN_FLIGHT + 1) * FORWARD_S + 0.5, ages
    status = [json.loads(m["payload"].decode()) for m in camera_ipc.messages(STATUS)][-1]
    assert status["dropped"] > 0 and status["in_flight"] <= MAX_IN_FLIGHT
    assert status["ack_timeout_s"] > FORWARD_S                        # adapted to what inference showed


def _video(tmp_path, count=40):
    import cv2
    import numpy as np
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (64, 48))
    for i in range(count):
        writer.write(np.full((48, 64, 3), (i * 6) % 255, np.uint8))
    writer.release()
    return path
