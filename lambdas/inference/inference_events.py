"""Turn whatever arrives at the handler into image bytes plus the fields to echo.

Accepted events:
  {"filepath": "/frames/frame-000000042.jpg", ...}   a frame on a shared volume
  {"image": "<base64 jpeg/png>", ...}                 an inline image
  b"\\xff\\xd8..."                                    raw jpeg/png bytes
Optional keys echoed back: "id", "frame_id", "captured_at", "source_frame".
"""
import base64
import binascii
import json
import os
import stat as stat_mode
import time

ECHO_KEYS = ("id", "frame_id", "captured_at", "source_frame")


class EventError(ValueError):
    """The event cannot be served; the message says what was wrong."""


class Request(object):
    def __init__(self, data, filepath=None, echo=None):
        self.data = data
        self.filepath = filepath
        self.echo = echo or {}


def echo_fields(event):
    if isinstance(event, dict):
        return dict((k, event[k]) for k in ECHO_KEYS if k in event)
    return {}


def read_file(path, max_bytes):
    if not isinstance(path, str) or not path:
        raise EventError("'filepath' must be a non-empty string, got {!r}".format(path))
    try:
        with open(path, "rb") as f:
            stat = os.fstat(f.fileno())
            if not stat_mode.S_ISREG(stat.st_mode):
                raise EventError("filepath {} is not a regular file".format(path))
            if stat.st_size > max_bytes:
                raise EventError("file {} is {} bytes, over the limit of {} (MAX_IMAGE_BYTES)".format(
                    path, stat.st_size, max_bytes))
            return f.read(stat.st_size)   # read(max_bytes) would allocate max_bytes every time
    except (IOError, OSError) as err:
        if getattr(err, "errno", None) == 21:   # EISDIR from open() on some systems
            raise EventError("filepath {} is not a regular file".format(path))
        raise EventError("cannot read filepath {}: {}".format(path, err.strerror or err))


def decode_base64(text, max_bytes):
    if not isinstance(text, (str, bytes)):
        raise EventError("'image' must be a base64 string, got {}".format(type(text).__name__))
    if len(text) > max_bytes * 4 // 3 + 4:
        raise EventError("'image' is over the limit of {} bytes (MAX_IMAGE_BYTES)".format(max_bytes))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as err:
        raise EventError("'image' is not valid base64: {}".format(err))


def parse(event, max_bytes, max_frame_age_s=0.0, now=None):
    """Request for a handler event, or EventError."""
    if isinstance(event, (bytes, bytearray)):
        stripped = bytes(event[:1])
        if stripped == b"{":
            try:
                event = json.loads(bytes(event).decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise EventError("payload starts with '{' but is not valid JSON")
        else:
            return Request(bytes(event))
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except ValueError:
            raise EventError("string event is not JSON; send {\"filepath\": ...}, {\"image\": base64} or raw image bytes")
    if not isinstance(event, dict):
        raise EventError("unsupported event type {}: send {{\"filepath\": ...}}, {{\"image\": base64}} "
                         "or raw image bytes".format(type(event).__name__))
    echo = echo_fields(event)
    if max_frame_age_s and "captured_at" in event:
        try:
            age = (time.time() if now is None else now) - float(event["captured_at"])
        except (TypeError, ValueError):
            raise EventError("'captured_at' must be a number of seconds since the epoch")
        if age > max_frame_age_s:
            raise EventError("stale frame: captured {:.2f}s ago, over MAX_FRAME_AGE_S={}".format(age, max_frame_age_s))
    if "filepath" in event:
        return Request(read_file(event["filepath"], max_bytes), event["filepath"], echo)
    if "image" in event:
        return Request(decode_base64(event["image"], max_bytes), None, echo)
    raise EventError("event has neither 'filepath' nor 'image' (keys: {})".format(sorted(event)[:10]))
