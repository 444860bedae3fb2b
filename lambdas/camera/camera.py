"""Greengrass entry point of the camera Lambda (handler: camera.function_handler).

Long-lived (pinned): capture starts when the core loads this module. Events on
its subscriptions are either
  - answers from the inference Lambda ({"frame_id": N, "prediction"|"error": ...}),
    which free a slot of the in-flight window, or
  - anything else (e.g. cloud -> /request/classify/...): capture one frame now
    and publish its reference; the reference is also returned to a
    RequestResponse caller.
"""
import json
import logging
import os

import greengrasssdk

from camera_config import Settings
from capture_loop import CameraLoop
from capture_source import open_source

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper())
log = logging.getLogger("camera")

client = greengrasssdk.client("iot-data")


def publish(topic, payload):
    client.publish(topic=topic, payload=payload)


def _start():
    try:
        settings = Settings.from_env()
        loop = CameraLoop(settings, publish, open_source)
    except Exception as err:  # keep the container alive and say why on every event
        log.exception("camera setup failed")
        reason = "camera setup failed: {}: {}".format(type(err).__name__, err)
        _report_setup_error(reason)
        return None, reason
    if settings.autostart:
        loop.start()
        log.info("camera capture started: source=%s fps=%s ring=%s in-flight=%s", settings.source,
                 settings.fps, settings.ring_size, settings.max_in_flight)
    return loop, None


def _report_setup_error(reason):
    topic = os.environ.get("STATUS_TOPIC", "").strip() or "gg/camera/status"
    try:
        publish(topic, json.dumps({"error": reason, "kind": "setup"}).encode("utf-8"))
    except Exception:
        log.exception("could not publish the setup error")


loop, setup_error = _start()


MAX_ID_CHARS = 256


def _as_dict(event):
    """The event as a dict; anything else (bytes that are not a JSON object, a list...) as {}."""
    if isinstance(event, (bytes, bytearray)):
        try:
            event = bytes(event).decode("utf-8")
        except UnicodeDecodeError:
            return {}
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except (ValueError, RecursionError):
            return {}
    return event if isinstance(event, dict) else {}


def _plain_id(value):
    """True for an id that can be echoed: a number or a short string (events are untrusted)."""
    if isinstance(value, str):
        return len(value) <= MAX_ID_CHARS
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 2 ** 63


def function_handler(event, context):
    if loop is None:
        _report_setup_error(setup_error)
        return {"error": setup_error, "kind": "setup"}
    message = _as_dict(event)
    if "frame_id" in message and ("prediction" in message or "error" in message):
        frame_id = message["frame_id"]
        if isinstance(frame_id, bool) or not isinstance(frame_id, int):
            return {"ack": None, "freed": False}          # not a frame this camera published
        return {"ack": frame_id, "freed": loop.ack(frame_id)}
    if "id" in message and not _plain_id(message["id"]):
        return {"error": "bad_event: 'id' must be a number or a string of at most {} characters".format(
            MAX_ID_CHARS), "kind": "bad_event"}
    return loop.capture_now(message)


def stop():
    """Stop capturing (used by tests and a clean shutdown)."""
    if loop is not None:
        loop.stop()
