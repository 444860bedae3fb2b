"""The model server without Greengrass: load once, then handle(event) per event.

`publish(topic, payload_bytes)` is injected, so this runs the same under the
real greengrasssdk, a local core, or a test. handle() never raises: a bad event
becomes a message on the error topic and the next event is served.
"""
import logging
import time

import backends
import imaging
import inference_events
import model_files
import postprocess
from feedback import FeedbackStore
from publisher import Publisher

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

    def _shape_from_backend(self):
        shape = getattr(self.backend, "input_shape", None)
        if not shape:
            raise ValueError("input shape unknown: set INPUT_SHAPE (e.g. 3,224,224) or add model-shapes.json")
        return tuple(shape[1:])

    def publish(self, topic, message):
        start = time.perf_counter()
        self.publisher.submit(topic, message)
        return time.perf_counter() - start

    def flush(self):
        """Wait until every result and error so far has reached the core."""
        self.publisher.flush()

    def error(self, event, reason, kind):
        self.errors += 1
        message = {"error": reason, "kind": kind, "timestamp": self.clock(), "model": self.model}
        message.update(inference_events.echo_fields(event))
        if isinstance(event, dict) and isinstance(event.get("filepath"), str):
            message["filepath"] = event["filepath"]
        log.warning("event rejected (%s): %s", kind, reason)
        self.publish(self.settings.error_topic, message)
        return message

    def handle(self, event):
        try:
            return self._handle(event)
        except (inference_events.EventError, imaging.ImageError) as err:
            kind = "bad_event" if isinstance(err, inference_events.EventError) else "bad_image"
            return self.error(event, str(err), kind)
        except MemoryError:
            return self.error(event, "out of memory while serving this event", "internal")
        except Exception as err:
            log.exception("inference failed")
            return self.error(event, "inference failed: {}: {}".format(type(err).__name__, err), "internal")

    def _handle(self, event):
        s = self.settings
        t0 = time.perf_counter()
        request = inference_events.parse(event, s.max_image_bytes, s.max_frame_age_s)
        image = imaging.decode(request.data, s.max_image_bytes, s.max_image_pixels,
                               self.input_hw, s.decode_reduced)
        t1 = time.perf_counter()
        batch = self.preprocess(image)
        t2 = time.perf_counter()
        outputs = self.backend.forward(batch)
        t3 = time.perf_counter()
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
        result["latency_ms"] = {"decode": _ms(t1 - t0), "preprocess": _ms(t2 - t1),
                                "forward": _ms(t3 - t2), "postprocess": _ms(t4 - t3)}
        publish_s = self.publish(s.output_topic, result)
        self.served += 1
        self.last_timings = dict(result["latency_ms"])
        self.last_timings["publish"] = _ms(publish_s)
        return result
