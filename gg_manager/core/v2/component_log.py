"""logs/<component>.log: one line per event or line of output, each stamped the same way.

    2024-05-01T12:00:00.123Z [INFO] (stdout) com.example.Hello: hello world

Timestamps are ISO-8601 UTC with milliseconds. A lifecycle script's stdout and stderr are
pumped in line by line. A Lambda process writes to a named pipe instead of the file
(LambdaProcess appends to a path), and a relay thread stamps its lines into the log.
"""
import os
import select
import threading

from gg_manager import logstamp

MAX_LINE = 64 * 1024


def utc_stamp(now=None):
    """gg's one log timestamp (gg_manager.logstamp); `now` a datetime, for tests."""
    return logstamp.timestamp(now.timestamp() if now is not None else None)


class ComponentLog:
    def __init__(self, path, name):
        self.path = path
        self.name = name
        self._lock = threading.Lock()
        os.makedirs(os.path.dirname(path), exist_ok=True)

    def write(self, message, level="INFO", source="lifecycle"):
        lines = str(message).splitlines() or [""]
        with self._lock, open(self.path, "a", encoding="utf-8", errors="replace") as fh:
            for line in lines:
                fh.write("%s [%s] (%s) %s: %s\n" % (utc_stamp(), level, source, self.name, logstamp.clean(line)))

    def pump(self, stream, source):
        """Copy a binary stream's lines into the log until EOF, in a daemon thread; returns the thread."""
        level = "WARN" if source == "stderr" else "INFO"

        def run():
            with stream:
                for raw in iter(lambda: stream.readline(MAX_LINE), b""):
                    self.write(raw.decode("utf-8", "replace").rstrip("\r\n"), level, source)

        thread = threading.Thread(target=run, name="log-%s-%s" % (self.name, source), daemon=True)
        thread.start()
        return thread


class PipeRelay:
    """A named pipe that LambdaProcess writes to; every line read from it goes into the ComponentLog.

    The relay holds a writer end itself, so the pipe never reports end-of-file between two
    runs of the Lambda; close() releases it and ends the thread."""

    def __init__(self, fifo_path, log):
        self.path = fifo_path
        self.log = log
        os.makedirs(os.path.dirname(fifo_path), exist_ok=True)
        if os.path.exists(fifo_path):
            os.unlink(fifo_path)
        os.mkfifo(fifo_path, 0o600)
        self._read_fd = os.open(fifo_path, os.O_RDONLY | os.O_NONBLOCK)
        self._keep_fd = os.open(fifo_path, os.O_WRONLY | os.O_NONBLOCK)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relay-" + log.name, daemon=True)
        self._thread.start()

    def _run(self):
        pending = b""
        while True:
            readable, _, _ = select.select([self._read_fd], [], [], 0.2)
            if not readable:
                if self._closed.is_set():
                    break
                continue
            try:
                chunk = os.read(self._read_fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if len(pending) > MAX_LINE:
                lines.append(pending)
                pending = b""
            for line in lines:
                self.log.write(line.decode("utf-8", "replace").rstrip("\r"), "INFO", "stdout")
        if pending:
            self.log.write(pending.decode("utf-8", "replace"), "INFO", "stdout")
        os.close(self._read_fd)

    def close(self):
        if self._closed.is_set():
            return
        self._closed.set()
        os.close(self._keep_fd)   # the last writer gone: the reader drains and sees end-of-file
        self._thread.join(5)
        try:
            os.unlink(self.path)
        except OSError:
            pass
