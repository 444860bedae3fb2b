"""Two-stage serving: the handler thread decodes, a worker thread runs the model.

Messages a subscription delivers (Event invocations: the core discards their
return value) need not be answered before the handler returns. The handler
thread parses, decodes and preprocesses event N+1 while this worker runs the
forward pass of event N and hands its outputs to the publish worker, which
postprocesses and posts them; MXNet, DLR and OpenCV release the GIL, so the
stages overlap on separate cores.

The queue between the stages holds at most PIPELINE_QUEUE jobs (default 1):
when it is full the handler waits, so a slow model slows the Lambda down (and
the core queues or drops, as for any busy Lambda) instead of growing memory.
Jobs are finished in order, errors included, so OUTPUT_TOPIC/ERROR_TOPIC see
the same sequence as in synchronous serving.

Three threads then share the GIL (handler, model worker, publish worker). The
model worker needs it back briefly after each native call; with CPython's
default 5 ms switch interval it can wait that long behind the publish worker's
Python code, so the pipeline shortens the interval to 0.5 ms for this process
(the Lambda's own process; the default is kept if someone already changed it).
"""
import logging
import sys
import threading

import queue

log = logging.getLogger(__name__)


SWITCH_INTERVAL_S = 0.0005


def shorten_switch_interval():
    if sys.getswitchinterval() >= 0.005 - 1e-9:
        sys.setswitchinterval(SWITCH_INTERVAL_S)


class Pipeline(object):
    def __init__(self, finish, max_queue=1, name="inference-pipeline"):
        self.finish = finish
        self.queue = queue.Queue(max(1, max_queue))
        self.thread = threading.Thread(target=self._work, name=name, daemon=True)
        self.thread.start()

    def _work(self):
        while True:
            job = self.queue.get()
            try:
                self.finish(job)
            except Exception:  # finish() reports its own failures; never let the worker die
                log.exception("pipeline job failed")
            finally:
                self.queue.task_done()

    def submit(self, job):
        """Hand one job to the worker; waits while the queue is full."""
        self.queue.put(job)

    def flush(self):
        """Wait until every submitted job is finished (the worker is then idle)."""
        self.queue.join()
