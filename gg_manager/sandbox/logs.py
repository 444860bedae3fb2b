"""The sandbox log: one timestamp format on every line, no terminal escapes (no moto).

Every line the server process writes (its own messages, the HTTP request log,
amqtt's and moto's log records, warnings, tracebacks on stderr) goes through
`TimestampedStream`, which starts each line with an ISO 8601 UTC timestamp with
milliseconds (`2026-11-30T12:00:00.123Z`) and removes ANSI escape sequences.
"""
import io
import logging
import sys
import threading

from gg_manager.logstamp import clean, timestamp


class TimestampedStream(io.TextIOBase):
    """A text stream that writes whole lines, each one stamped and cleaned, to `target`."""

    def __init__(self, target):
        super().__init__()
        self._target = target
        self._partial = ""
        self._lock = threading.Lock()

    def writable(self):
        return True

    def write(self, text):
        with self._lock:
            data = self._partial + clean(text)
            lines = data.split("\n")
            self._partial = lines.pop()
            for line in lines:
                self._target.write("%s %s\n" % (timestamp(), line.rstrip("\r")))
            self._target.flush()
        return len(text)

    def flush(self):
        with self._lock:
            if self._partial:
                self._target.write("%s %s\n" % (timestamp(), self._partial))
                self._partial = ""
            self._target.flush()

    @property
    def encoding(self):
        return getattr(self._target, "encoding", "utf-8")


def setup(level=logging.INFO):
    """Route stdout, stderr and the logging module through stamped streams (the server calls this first)."""
    out = TimestampedStream(sys.__stdout__)
    sys.stdout = out
    sys.stderr = TimestampedStream(sys.__stderr__)
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    return out


def quiet_request_handler(base):
    """A werkzeug request handler class that logs through `logging`, plainly (no colours, no second date)."""

    class Handler(base):
        def log_request(self, code="-", size="-"):
            line = getattr(self, "requestline", "")
            logging.getLogger("sandbox.http").info('%s "%s" %s %s', self.address_string(), line, code, size)

        def log(self, type, message, *args):
            getattr(logging.getLogger("sandbox.http"), type, logging.getLogger("sandbox.http").info)(
                "%s %s", self.address_string(), message % args if args else message)

    Handler.__name__ = "Quiet" + base.__name__
    return Handler
