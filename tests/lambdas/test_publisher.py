"""The inference Lambda's publish worker: ordered, bounded, survives a failing core."""
import json
import threading
import time

import publisher


def test_messages_arrive_in_order_and_flush_waits_for_them():
    seen = []
    pub = publisher.Publisher(lambda topic, payload: seen.append((topic, json.loads(payload))), max_queue=4)
    for i in range(50):
        pub.submit("t", {"i": i})
    pub.flush()
    assert seen == [("t", {"i": i}) for i in range(50)]


def test_a_stalled_core_blocks_the_handler_instead_of_growing_a_queue():
    gate = threading.Event()
    posted = []

    def slow_publish(topic, payload):
        gate.wait()
        posted.append(payload)

    pub = publisher.Publisher(slow_publish, max_queue=3)
    submitted = []

    def handler_side():
        for i in range(10):
            pub.submit("t", {"i": i})
            submitted.append(i)

    thread = threading.Thread(target=handler_side, daemon=True)
    thread.start()
    deadline = time.time() + 5
    while len(submitted) < 4 and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert len(submitted) == 4          # one being posted + 3 queued; the 5th submit waits
    gate.set()
    thread.join(5)
    pub.flush()
    assert len(posted) == 10


def test_publish_failures_are_counted_and_the_worker_goes_on():
    calls = []

    def flaky(topic, payload):
        calls.append(payload)
        if len(calls) % 2:
            raise IOError("core restarting")

    pub = publisher.Publisher(flaky, max_queue=2)
    for i in range(6):
        pub.submit("t", {"i": i})
    pub.flush()
    assert (len(calls), pub.failures, pub.posted) == (6, 3, 3)


def test_inline_mode_posts_before_submit_returns():
    seen = []
    pub = publisher.Publisher(lambda topic, payload: seen.append(payload), max_queue=0)
    pub.submit("t", {"a": 1})
    assert seen == [b'{"a":1}']


def test_deferred_messages_are_built_in_the_worker_in_order_and_a_failing_builder_is_skipped():
    seen = []
    built_in = []
    pub = publisher.Publisher(lambda topic, payload: seen.append((topic, json.loads(payload))), max_queue=2)

    def build(i):
        def make():
            built_in.append(threading.current_thread().name)
            if i == 2:
                raise ValueError("broken")
            return "later", {"i": i}
        return make

    for i in range(4):
        pub.submit("now", {"i": i})
        pub.submit_later(build(i))
    pub.flush()
    assert seen == [("now", {"i": 0}), ("later", {"i": 0}), ("now", {"i": 1}), ("later", {"i": 1}),
                    ("now", {"i": 2}), ("now", {"i": 3}), ("later", {"i": 3})]
    assert set(built_in) == {"inference-publisher"}
