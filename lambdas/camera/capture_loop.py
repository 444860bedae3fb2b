"""The camera Lambda without Greengrass: capture, write to the ring, publish references.

`publish(topic, payload_bytes)` and `open_source(settings)` are injected; the
clock and sleep too, so the loop's policy is testable without real time.
"""
import json
import logging
import threading
import time

from capture_source import SourceError
from frame_flow import Backoff, InFlightWindow, Pacer, RateMeter
from frame_ring import FrameRing

log = logging.getLogger(__name__)


class CameraLoop(object):
    def __init__(self, settings, publish, open_source, clock=time.time):
        self.settings = settings
        self.publish_raw = publish
        self.open_source = open_source
        self.clock = clock
        self.ring = FrameRing(settings.frame_dir, settings.ring_size, settings.jpeg_quality)
        self.window = InFlightWindow(settings.max_in_flight, settings.ack_timeout_s, settings.ack_timeout_max_s)
        self.backoff = Backoff(settings.reconnect_min_s, settings.reconnect_max_s)
        self.meter = RateMeter()
        self.source = None
        self.lock = threading.RLock()         # source, ring and counters: loop thread vs handler
        self.stop_event = threading.Event()
        self.thread = None
        self.frame_id = 0
        self.counts = {"captured": 0, "published": 0, "dropped": 0, "reconnects": 0,
                       "source_errors": 0, "on_demand": 0, "ring_busy": 0}
        self.last_error = None
        self.started_at = clock()

    # -- messages -------------------------------------------------------
    def publish(self, topic, message):
        try:
            self.publish_raw(topic, json.dumps(message, separators=(",", ":")).encode("utf-8"))
            return True
        except Exception as err:
            log.error("publish to %s failed: %s", topic, err)
            return False

    def status(self):
        now = self.clock()
        with self.lock:
            message = dict(self.counts)
            message.update({
                "fps": round(self.meter.rate(now), 3),
                "target_fps": self.settings.fps,
                "in_flight": len(self.window.pending),
                "overdue": len(self.window.overdue),
                "acked": self.window.acked,
                "late_acks": self.window.late,
                "expired": self.window.expired,
                "lost": self.window.lost,
                "ack_timeout_s": round(self.window.current_timeout(), 3),
                "ring_files": len(self.ring.paths),
                "source": self.settings.source,
                "connected": self.source is not None,
                "last_error": self.last_error,
                "timestamp": now,
                "uptime_s": round(now - self.started_at, 3),
            })
        return message

    def publish_status(self):
        return self.publish(self.settings.status_topic, self.status())

    # -- source ---------------------------------------------------------
    def _ensure_source(self):
        if self.source is None:
            self.source = self.open_source(self.settings)
            log.info("camera source %s opened", self.settings.source)

    def _drop_source(self, reason):
        self.last_error = reason
        if self.source is not None:
            try:
                self.source.close()
            except Exception:
                log.exception("closing the source failed")
            self.source = None

    def _read(self):
        """A frame, or None when the source ended or failed (it is then closed for reopening)."""
        try:
            self._ensure_source()
            frame = self.source.read()
        except SourceError as err:
            self.counts["source_errors"] += 1
            self._drop_source(str(err))
            return None
        except Exception as err:  # a driver error must not end the loop
            self.counts["source_errors"] += 1
            self._drop_source("{}: {}".format(type(err).__name__, err))
            return None
        if frame is None:
            self._drop_source("source ended")
            return None
        self.backoff.reset()
        return frame

    # -- frames ---------------------------------------------------------
    def _emit(self, frame, now, reason, extra=None):
        self.frame_id += 1
        path = self.ring.write(frame, self.frame_id, self.window.outstanding)
        reference = {"filepath": path, "frame_id": self.frame_id, "captured_at": now}
        position = getattr(self.source, "position", None)
        if position is not None:           # a file or folder: where in the recording this frame is
            reference["source_frame"] = position
        if reason != "stream":
            reference["reason"] = reason
        reference.update(extra or {})
        self.window.sent(self.frame_id, now)
        if self.publish(self.settings.frame_topic, reference):
            self.counts["published"] += 1
        return reference

    def step(self):
        """One capture tick. Returns the published reference, 'dropped', or None (no frame)."""
        with self.lock:
            frame = self._read()
            now = self.clock()
            if frame is None:
                return None
            self.counts["captured"] += 1
            self.meter.add(now)
            if not self.window.has_room(now):
                self.counts["dropped"] += 1
                return "dropped"
            if self.ring.busy(self.window.outstanding):
                self.counts["dropped"] += 1
                self.counts["ring_busy"] += 1
                return "dropped"
            return self._emit(frame, now, "stream")

    def capture_now(self, request=None):
        """On-demand frame: captured and published even when the window is full."""
        with self.lock:
            frame = self._read()
            if frame is None:          # one reopen attempt, then report
                frame = self._read()
            if frame is None:
                return {"error": "no frame: {}".format(self.last_error), "source": self.settings.source}
            now = self.clock()
            self.counts["captured"] += 1
            self.window.expire(now)
            if self.ring.busy(self.window.outstanding):
                self.counts["dropped"] += 1
                self.counts["ring_busy"] += 1
                return {"error": "busy: all {} frame files still await inference (RING_SIZE)".format(
                    self.settings.ring_size), "source": self.settings.source}
            self.counts["on_demand"] += 1
            extra = {"id": request["id"]} if isinstance(request, dict) and "id" in request else None
            return self._emit(frame, now, "on_demand", extra)

    def ack(self, frame_id):
        with self.lock:
            return self.window.ack(frame_id, self.clock())

    # -- loop -----------------------------------------------------------
    def run(self, sleep=None):
        sleep = sleep or self.stop_event.wait
        pacer = Pacer(self.settings.fps, self.clock())
        next_status = self.clock() + self.settings.status_interval_s
        while not self.stop_event.is_set():
            wait = pacer.wait_time(self.clock())
            if wait > 0:
                sleep(wait)
                if self.stop_event.is_set():
                    break
            pacer.tick(self.clock())
            result = self.step()
            if result is None and self.source is None:
                self.counts["reconnects"] += 1
                delay = self.backoff.next_delay()
                log.warning("camera source unavailable (%s); reopening in %.2fs", self.last_error, delay)
                sleep(delay)
                pacer = Pacer(self.settings.fps, self.clock())
            now = self.clock()
            if now >= next_status:
                self.publish_status()
                next_status = now + self.settings.status_interval_s
        with self.lock:
            self._drop_source("stopped")

    def start(self):
        self.thread = threading.Thread(target=self.run, name="camera-capture", daemon=True)
        self.thread.start()
        return self.thread

    def stop(self, timeout=10.0):
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout)
