"""The sandbox's clock: real time plus an offset that tests may move forward.

Everything in the sandbox that waits on time (V1 auto-complete, V2 rollout rates,
job timeouts, auto-complete of job executions) reads this clock, so a test can
say "a minute has passed" with `POST /_sandbox/clock {"advance_seconds": 60}`
instead of sleeping. Pure Python: no moto.
"""
import threading
import time
from datetime import datetime, timezone

_lock = threading.Lock()
_offset = 0.0


def now():
    """Seconds since the epoch, as the sandbox sees them."""
    return time.time() + _offset


def monotonic():
    return time.monotonic() + _offset


def utcnow():
    """A naive UTC datetime (moto's convention) at the sandbox's now."""
    return datetime.fromtimestamp(now(), timezone.utc).replace(tzinfo=None)


def offset():
    return _offset


def advance(seconds):
    """Move the clock forward by `seconds` (>= 0); returns the new offset."""
    global _offset
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        raise ValueError("advance_seconds must be a number >= 0")
    with _lock:
        _offset += float(seconds)
        return _offset


def reset():
    global _offset
    with _lock:
        _offset = 0.0


def epoch(dt):
    """A naive UTC datetime -> epoch seconds (float), None stays None."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc).timestamp()
