"""Publishing off the critical path: a FIFO worker thread with a bounded queue.

The handler hands a message over and goes on with the next event while the
worker serialises it and posts it to the core (an HTTP round trip to the local
Greengrass daemon). The queue holds at most PUBLISH_QUEUE messages; when it is
full the handler waits, so a stalled core slows the Lambda down instead of
growing memory. Messages keep their order. PUBLISH_QUEUE=0 publishes inline.
"""
import json
import logging
import queue
import threading
import time

log = logging.getLogger(__name__)


def encode(message):
    return json.dumps(message, separators=(",", ":")).encode("utf-8")


class Publisher(object):
    def __init__(self, publish, max_queue=8):
        self.publish_raw = publish
        self.failures = 0
        self.posted = 0
        self.last_post_s = 0.0
        self.queue = queue.Queue(max_queue) if max_queue > 0 else None
        if self.queue is not None:
            self.thread = threading.Thread(target=self._work, name="inference-publisher", daemon=True)
            self.thread.start()

    def _post(self, topic, message):
        start = time.perf_counter()
        try:
            self.publish_raw(topic, encode(message))
            self.posted += 1
        except Exception as err:  # the core may be restarting; never let that kill the Lambda
            self.failures += 1
            log.error("publish to %s failed: %s", topic, err)
        self.last_post_s = time.perf_counter() - start

    def _work(self):
        while True:
            topic, message = self.queue.get()
            try:
                if topic is None:           # a deferred message: build it here, off the caller's path
                    topic, message = message()
                self._post(topic, message)
            except Exception:  # a failing builder must not kill the worker (it reports its own errors)
                log.exception("building a message failed")
            finally:
                self.queue.task_done()

    def submit(self, topic, message):
        """Queue (or, inline mode, post) one message; the dict must not change afterwards."""
        if self.queue is None:
            self._post(topic, message)
        else:
            self.queue.put((topic, message))

    def submit_later(self, build):
        """Queue build(), called in the worker (in order with submit()); it returns (topic, message)."""
        if self.queue is None:
            topic, message = build()
            self._post(topic, message)
        else:
            self.queue.put((None, build))

    def flush(self):
        """Wait until every submitted message has been posted."""
        if self.queue is not None:
            self.queue.join()
