"""Turn whatever arrives at the handler into image bytes plus the fields to echo.

Accepted events:
  {"filepath": "/frames/frame-000000042.jpg", ...}   a frame file inside FRAME_DIR or READ_DIRS
  {"image": "<base64 jpeg/png>", ...}                 an inline image: standard base64, MIME
                                                      (line-wrapped) or URL-safe, padding optional
  b"\\xff\\xd8..."                                    raw jpeg/png bytes
Optional keys echoed back: "id", "frame_id", "captured_at", "source_frame", each a
number or a string of at most MAX_ECHO_CHARS characters.

An event is untrusted data: every way it can be malformed is an EventError
(kind bad_event) or an ImageError (bad_image) with a reason, never an exception
of another type, and no message quotes the bytes of a file.
"""
import base64
import binascii
import json
import math
import time

from frame_files import MAX_PATH_CHARS, read_frame
from refusals import EventError, ImageError

ECHO_KEYS = ("id", "frame_id", "captured_at", "source_frame")
MAX_ECHO_CHARS = 256
_MAX_INT = 2 ** 63
_FORMS = "send {\"filepath\": ...}, {\"image\": base64} or raw image bytes"


class Request(object):
    def __init__(self, data, filepath=None, echo=None):
        self.data = data
        self.filepath = filepath
        self.echo = echo or {}


def _echoable(value):
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_MAX_INT < value < _MAX_INT
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_ECHO_CHARS
    return False


def echo_fields(event):
    """The echo fields of an event that are safe to publish again (never raises)."""
    if not isinstance(event, dict):
        return {}
    return dict((k, event[k]) for k in ECHO_KEYS if k in event and _echoable(event[k]))


def echo_filepath(event):
    """The event's filepath if it may be repeated in a message (a string of sane length), else None."""
    path = event.get("filepath") if isinstance(event, dict) else None
    return path if isinstance(path, str) and len(path) <= MAX_PATH_CHARS else None


def _check_echo(event):
    for key in ECHO_KEYS:
        if key in event and not _echoable(event[key]):
            raise EventError("bad_field", "'{}' must be a number or a string of at most {} characters".format(
                key, MAX_ECHO_CHARS))


def _json(raw, what):
    try:
        return json.loads(raw)
    except RecursionError:
        raise EventError("bad_json", "{} is JSON nested too deeply".format(what))
    except (ValueError, UnicodeDecodeError):
        raise EventError("bad_json", "{} is not valid JSON; {}".format(what, _FORMS))


def decode_base64(text, max_bytes):
    """Image bytes from standard, MIME (line-wrapped) or URL-safe base64, padded or not."""
    if not isinstance(text, str):
        raise EventError("bad_field", "'image' must be a base64 string, got {}".format(type(text).__name__))
    limit = max_bytes * 4 // 3 + 4
    if len(text) > limit + limit // 38 + 64:            # room for MIME line breaks
        raise ImageError("too_large", "'image' is over the limit of {} bytes (MAX_IMAGE_BYTES)".format(max_bytes))
    if text.startswith("data:") and ";base64," in text[:100]:
        text = text.split(";base64,", 1)[1]
    text = "".join(text.split())
    if len(text) > limit:
        raise ImageError("too_large", "'image' is over the limit of {} bytes (MAX_IMAGE_BYTES)".format(max_bytes))
    if "-" in text or "_" in text:
        text = text.replace("-", "+").replace("_", "/")
    unpadded = text.rstrip("=")
    if text and not unpadded:
        raise ImageError("bad_base64", "'image' is only padding")
    text = unpadded
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ImageError("bad_base64", "'image' is not valid base64 (standard, MIME or URL-safe)")


def _as_dict(event):
    """The event as a dict, or a Request for raw image bytes."""
    if isinstance(event, (bytes, bytearray)):
        if bytes(event[:1]) != b"{":
            return Request(bytes(event))
        event = _json(bytes(event), "the payload")
    elif isinstance(event, str):
        event = _json(event, "the string event")
    if not isinstance(event, dict):
        raise EventError("bad_type", "unsupported event type {}: {}".format(type(event).__name__, _FORMS))
    return event


def _check_age(event, max_frame_age_s, now):
    captured = event["captured_at"]
    if isinstance(captured, bool) or not isinstance(captured, (int, float)) or not math.isfinite(captured):
        raise EventError("bad_field", "'captured_at' must be a number of seconds since the epoch")
    age = (time.time() if now is None else now) - captured
    if age > max_frame_age_s:
        raise EventError("stale", "frame captured {:.2f}s ago, over MAX_FRAME_AGE_S={}".format(age, max_frame_age_s))


def parse(event, max_bytes, read_dirs=(), max_frame_age_s=0.0, now=None):
    """Request for a handler event, or EventError / ImageError."""
    event = _as_dict(event)
    if isinstance(event, Request):
        return event
    _check_echo(event)
    if max_frame_age_s and "captured_at" in event:
        _check_age(event, max_frame_age_s, now)
    has_path, has_image = "filepath" in event, "image" in event
    if has_path and has_image:
        raise EventError("bad_field", "give either 'filepath' or 'image', not both")
    echo = echo_fields(event)
    if has_path:
        return Request(read_frame(event["filepath"], read_dirs, max_bytes), event["filepath"], echo)
    if has_image:
        return Request(decode_base64(event["image"], max_bytes), None, echo)
    raise EventError("no_image", "the event has neither 'filepath' nor 'image'")
