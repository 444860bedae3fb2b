"""The model server without Greengrass: load once, then handle(event) per event.

`publish(topic, payload_bytes)` is injected, so this runs the same under the
real greengrasssdk, a local core, or a test. handle() never raises: a bad event
becomes a message on the error topic and the next event is served.
"""
import collections
import logging
import time

import queue

import backends
import imaging
import inference_events
import model_files
import postprocess
from feedback import FeedbackStore
import pipeline as pipeline_mod
from pipeline import Pipeline
from publisher import Publisher
from refusals import Refusal

log = logging.getLogger(__name__)


def _ms(seconds):
    return round(seconds * 1000.0, 3)


class InferenceService(object):
    def __init__(self, settings, publish, clock=time.time):
        self.settings = settings
        self.publisher = Publisher(publish, settings.publish_queue)
        self.clock = clock
        self.info = model_files.discover(settings)
        self.backend = backends.load_backend(self.info, settings)
        log.info("inference device: %s (%s); model %s from %s", self.backend.device.upper(),
                 self.backend.device_reason, self.info.prefix, self.info.folder)
        log.info("frame files are read only from: %s (FRAME_DIR, READ_DIRS)", ", ".join(settings.read_dirs))
        self.model = self.info.identity()
        self.model["device"] = self.backend.device
        shape = self.info.input_shape or self._shape_from_backend()
        self.input_hw = tuple(shape[1:3])
        self.preprocess = imaging.Preprocessor(shape, settings.color_order, settings.mean, settings.std)
        if self.info.task == "auto":
            self.info.task = postprocess.detect_task(self.backend.forward(self.preprocess.buffer * 0))
            self.model["task"] = self.info.task
        self.feedback = None
        if settings.feedback_dir and settings.feedback_threshold > 0:
            self.feedback = FeedbackStore(settings.feedback_dir, settings.feedback_max_files,
                                          settings.feedback_max_bytes)
        self.served = 0
        self.errors = 0
        self.last_timings = {}
        self.recent_timings = collections.deque(maxlen=64)   # per-event stage times, newest last
        self.pipeline = self.buffers = None
        if settings.pipeline:
            # one batch buffer per job the pipeline can hold: queued, in the worker, being filled
            self.buffers = queue.Queue()
            for _ in range(settings.pipeline_queue + 2):
                self.buffers.put(self.preprocess.new_buffer())
            self.pipeline = Pipeline(self._finish, settings.pipeline_queue)
            pipeline_mod.shorten_switch_interval()

    def _shape_from_backend(self):
        shape = getattr(self.backend, "input_shape", None)
        if not shape:
            raise ValueError("input shape unknown: set INPUT_SHAPE (e.g. 3,224,224) or add model-shapes.json")
        return tuple(shape[1:])

    def publish(self, topic, message):
        start = time.perf_counter()
        self.publisher.submit(topic, message)
        return time.perf_counter() - start

    def _error_message(self, event, text, kind, reason=None):
        self.errors += 1
        message = {"error": text, "kind": kind, "timestamp": self.clock(), "model": self.model}
        if reason:
            message["reason"] = reason
        message.update(inference_events.echo_fields(event))
        filepath = inference_events.echo_filepath(event)
        if filepath is not None:
            message["filepath"] = filepath
        log.warning("event rejected (%s): %s", kind, text)
        return message

    def error(self, event, text, kind, reason=None):
        message = self._error_message(event, text, kind, reason)
        self.publish(self.settings.error_topic, message)
        return message

    def handle(self, event):
        """Serve one event in this thread and return its result (or its error message)."""
        if self.pipeline is not None:
            # earlier pipelined events first: both workers are idle from here on, so the
            # model, the feedback store and the counters are this thread's alone
            self.flush()
        job = self._prepare(event, None)
        return self._finish(job)

    def submit(self, event):
        """Pipelined serving (nothing returned): decode here, forward and publish in the worker.

        Waits only while the pipeline's queue is full. Without a pipeline
        (PIPELINE=off) the event is served synchronously.
        """
        if self.pipeline is None:
            self.handle(event)
            return
        self.pipeline.submit(self._prepare(event, self.buffers))

    def flush(self):
        """Wait until every event so far is finished and its result or error has reached the core."""
        if self.pipeline is not None:
            self.pipeline.flush()
        self.publisher.flush()

    def _prepare(self, event, buffers):
        """Parse, read, check, decode and preprocess; never raises (a failure is kept in the job)."""
        job = _Job(event)
        try:
            s = self.settings
            t0 = time.perf_counter()
            job.request = inference_events.parse(event, s.max_image_bytes, s.read_dirs, s.max_frame_age_s)
            image = imaging.decode(job.request.data, s.max_image_bytes, s.max_image_pixels,
                                   self.input_hw, s.decode_reduced)
            t1 = time.perf_counter()
            if buffers is None:
                job.batch = self.preprocess(image)
            else:
                job.buffer = buffers.get()
                job.release = buffers.put
                job.batch = self.preprocess(image, job.buffer)
                job.pipelined = True
            t2 = time.perf_counter()
            job.timings = {"decode": _ms(t1 - t0), "preprocess": _ms(t2 - t1)}
        except BaseException as err:
            job.fail(err)
            if not isinstance(err, Exception):
                raise
        return job

    def _finish(self, job):
        try:
            if job.exception is not None:
                raise job.exception
            return self._infer(job)
        except Refusal as err:
            return self.error(job.event, str(err), err.kind, err.reason)
        except MemoryError:
            return self.error(job.event, "out of memory while serving this event", "internal")
        except Exception as err:
            log.exception("inference failed")
            return self.error(job.event, "inference failed: {}: {}".format(type(err).__name__, err), "internal")
        finally:
            job.done()

    def _infer(self, job):
        t2 = time.perf_counter()
        outputs = self.backend.forward(job.batch)
        job.done()                      # the batch buffer may be refilled now
        t3 = time.perf_counter()
        if job.pipelined:
            # pipelined: postprocessing runs in the publish worker, so this thread goes
            # straight back to the next forward pass (MXNet's asnumpy() outputs are fresh
            # arrays; other runtimes' may be reused, so they are copied)
            if self.backend.name != "mxnet":
                outputs = [o.copy() for o in outputs]
            self.publisher.submit_later(lambda: self._result_message(job, outputs, t2, t3))
            return None
        result = self._result(job, outputs, t2, t3)
        self._account(result, self.publish(self.settings.output_topic, result))
        return result

    def _result_message(self, job, outputs, t2, t3):
        """(topic, message) for a pipelined event: its result, or its error."""
        try:
            result = self._result(job, outputs, t2, t3)
        except Exception as err:
            log.exception("inference failed")
            return self.settings.error_topic, self._error_message(
                job.event, "inference failed: {}: {}".format(type(err).__name__, err), "internal")
        self._account(result, 0.0)
        return self.settings.output_topic, result

    def _result(self, job, outputs, t2, t3):
        s = self.settings
        request = job.request
        t_post = time.perf_counter()    # pipelined: later than t3, by the wait for the publish worker
        if self.info.task == "detection":
            result, best = postprocess.detection(outputs, s.score_threshold, self.input_hw, self.info.labels)
        else:
            result, best = postprocess.classification(outputs, self.info.labels, s.top_k,
                                                      s.prediction_decimals)
        result["timestamp"] = self.clock()
        result["filepath"] = request.filepath
        result["model"] = self.model
        result.update(request.echo)
        if self.feedback is not None and best < s.feedback_threshold:
            kind = imaging.sniff(request.data[:8])
            record = dict(result)
            record["best_score"] = best
            result["feedback"] = self.feedback.add(request.data, kind, record)
        t4 = time.perf_counter()
        latency = dict(job.timings)
        latency["forward"] = _ms(t3 - t2)
        latency["postprocess"] = _ms(t4 - t_post)
        result["latency_ms"] = latency
        return result

    def _account(self, result, publish_s):
        self.served += 1
        timings = dict(result["latency_ms"])
        timings["publish"] = _ms(publish_s)
        self.last_timings = timings
        self.recent_timings.append(timings)


class _Job(object):
    """One event between the stages: its request and batch, or the exception that stopped it."""

    __slots__ = ("event", "request", "batch", "buffer", "release", "timings", "exception",
                 "pipelined")

    def __init__(self, event):
        self.event = event
        self.request = self.batch = self.buffer = self.release = self.timings = self.exception = None
        self.pipelined = False

    def fail(self, err):
        self.exception = err
        self.done()

    def done(self):
        """Give the batch buffer back to the pool (once)."""
        if self.release is not None:
            release, self.release = self.release, None
            self.batch = None
            release(self.buffer)
