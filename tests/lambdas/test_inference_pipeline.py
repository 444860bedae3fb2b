"""Subscription-routed events are pipelined (decode | forward+publish); direct invokes stay synchronous."""
import threading
import time
from types import SimpleNamespace

import lambda_models

OUT, ERR = "test/pipe/out", "test/pipe/err"
VOLATILE = ("timestamp", "latency_ms")


def routed(subject="camera/frames"):
    """The context the core gives a handler for a message delivered by a subscription."""
    return SimpleNamespace(client_context=SimpleNamespace(custom={"source": "arn:camera", "subject": subject}))


def direct():
    """A direct lambda invoke: a client context without a subject."""
    return SimpleNamespace(client_context=SimpleNamespace(custom=None))


def stable(message):
    return dict((k, v) for k, v in message.items() if k not in VOLATILE)


def payloads(ipc):
    import json
    return [(m["topic"], json.loads(m["payload"].decode())) for m in ipc.messages()]


def frames(tmp_path, count):
    events = []
    for i in range(count):
        path = str(tmp_path / ("frame-%d.jpg" % i))
        with open(path, "wb") as f:
            f.write(lambda_models.jpeg(48 + i, 40, seed=i))
        events.append({"filepath": path, "frame_id": i, "captured_at": 1000.0 + i, "id": "r%d" % i})
    return events


def test_pipelined_results_equal_synchronous_ones(load_lambda, classifier_dir, tmp_path):
    events = frames(tmp_path, 12)
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path))
    assert handler.service.pipeline is not None          # PIPELINE=on is the default
    for event in events:
        assert handler.function_handler(dict(event), routed()) is None     # Event invoke: nothing to return
    handler.service.flush()
    pipelined = payloads(ipc)
    ipc.clear()

    returned = [handler.function_handler(dict(event), None) for event in events]
    handler.service.flush()
    synchronous = payloads(ipc)

    assert [t for t, _ in pipelined] == [OUT] * len(events)
    assert [stable(m) for _, m in pipelined] == [stable(m) for _, m in synchronous] == [stable(r) for r in returned]
    assert [m["frame_id"] for _, m in pipelined] == list(range(len(events)))
    for (_, message), event in zip(pipelined, events):
        assert (message["id"], message["captured_at"], message["filepath"]) == (
            event["id"], event["captured_at"], event["filepath"])
        assert set(message["latency_ms"]) == {"decode", "preprocess", "forward", "postprocess"}


def test_a_bad_event_in_the_pipeline_gets_its_error_in_order_and_the_next_is_served(
        load_lambda, classifier_dir, tmp_path):
    good = frames(tmp_path, 3)
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path))
    missing = str(tmp_path / "missing.jpg")
    sequence = [good[0], {"filepath": missing, "frame_id": 101}, good[1],
                lambda_models.jpeg(64, 48)[:300], {"image": "not base64!", "frame_id": 103}, good[2]]
    for event in sequence:
        assert handler.function_handler(event, routed()) is None
    handler.service.flush()
    messages = payloads(ipc)
    assert [t for t, _ in messages] == [OUT, ERR, OUT, ERR, ERR, OUT]
    assert [m.get("frame_id") for _, m in messages] == [0, 101, 1, None, 103, 2]
    assert (messages[1][1]["kind"], messages[1][1]["reason"]) == ("bad_event", "not_found")
    assert messages[1][1]["filepath"] == missing
    assert (messages[3][1]["kind"], messages[3][1]["reason"]) == ("bad_image", "truncated")
    assert "not valid base64" in messages[4][1]["error"]
    assert all("prediction" in m for t, m in messages if t == OUT)


def test_a_failing_forward_in_the_pipeline_is_reported_and_the_worker_goes_on(load_lambda, classifier_dir, tmp_path):
    events = frames(tmp_path, 3)
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path))
    service = handler.service
    forward = service.backend.forward
    calls = []

    def flaky(batch):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("device lost")
        return forward(batch)

    service.backend.forward = flaky
    for event in events:
        handler.function_handler(event, routed())
    service.flush()
    messages = payloads(ipc)
    assert [t for t, _ in messages] == [OUT, ERR, OUT]
    assert messages[1][1]["kind"] == "internal" and "device lost" in messages[1][1]["error"]
    assert messages[1][1]["frame_id"] == 1


def test_a_slow_forward_blocks_the_handler_instead_of_growing_a_queue(load_lambda, classifier_dir, tmp_path):
    events = frames(tmp_path, 8)
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               PIPELINE_QUEUE="1", FRAME_DIR=str(tmp_path))
    service = handler.service
    forward = service.backend.forward
    gate = threading.Event()

    def slow(batch):
        gate.wait(10)
        return forward(batch)

    service.backend.forward = slow
    returned = []

    def core():
        for event in events:
            handler.function_handler(event, routed())
            returned.append(event["frame_id"])

    thread = threading.Thread(target=core, daemon=True)
    thread.start()
    deadline = time.time() + 5
    while len(returned) < 2 and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    # one event in the (stalled) forward, one queued; the third waits in the handler
    assert returned == [0, 1]
    assert service.pipeline.queue.qsize() == 1
    assert ipc.messages(OUT) == []
    gate.set()
    thread.join(10)
    service.flush()
    assert [m["frame_id"] for _, m in payloads(ipc)] == list(range(len(events)))
    assert service.buffers.qsize() == 1 + 2               # every batch buffer is back in the pool


def test_a_direct_invoke_returns_its_result_after_the_pipelined_ones(load_lambda, classifier_dir, tmp_path):
    events = frames(tmp_path, 5)
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path))
    for event in events[:4]:
        handler.function_handler(event, routed())
    returned = handler.function_handler(events[4], direct())
    assert returned["frame_id"] == 4 and "prediction" in returned
    bad = handler.function_handler({"filepath": "/nope.jpg", "id": "x"}, direct())
    assert bad["kind"] == "bad_event" and bad["id"] == "x"
    handler.service.flush()
    messages = payloads(ipc)
    assert [m.get("frame_id", m.get("id")) for _, m in messages] == [0, 1, 2, 3, 4, "x"]
    assert stable(messages[4][1]) == stable(returned)


def test_pipeline_off_serves_routed_events_synchronously(load_lambda, classifier_dir, tmp_path):
    events = frames(tmp_path, 2)
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               PIPELINE="off", FRAME_DIR=str(tmp_path))
    assert handler.service.pipeline is None
    returned = handler.function_handler(events[0], routed())
    assert returned["frame_id"] == 0 and "prediction" in returned
    handler.service.flush()
    assert [m["frame_id"] for _, m in payloads(ipc)] == [0]


def test_mxnet_direct_forward_equals_the_ndarray_front_end(classifier_dir, detector_dir):
    import numpy as np

    import backends
    import inference_config
    import model_files
    for folder in (classifier_dir, detector_dir):
        settings = inference_config.Settings.from_env({"MODEL_PATH": folder})
        backend = backends.load_backend(model_files.discover(settings), settings)
        assert backend._direct is not None
        for seed in range(2):
            batch = np.random.RandomState(seed).uniform(0, 255, backend.input_shape).astype(np.float32)
            direct_outputs = backend.forward(batch)
            saved, backend._direct = backend._direct, None
            front_end = backend.forward(batch)
            backend._direct = saved
            assert len(direct_outputs) == len(front_end)
            for a, b in zip(direct_outputs, front_end):
                assert a.shape == b.shape and np.array_equal(a, b)
