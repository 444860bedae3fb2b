"""One lifecycle script: `sh -c SCRIPT` in the component's work folder, its output in the component log.

The script runs in its own process group (stopping it stops what it started), with only the
environment it is given (never the core's own credentials). kill() sends SIGTERM to the group,
then SIGKILL after a grace period, as the nucleus closes a lifecycle process.
"""
import os
import signal
import subprocess
import time

GRACE_S = 5.0


class Script:
    def __init__(self, step_name, script, cwd, env, log):
        self.step = step_name
        self.log = log
        os.makedirs(cwd, exist_ok=True)
        log.write("%s: running: %s" % (step_name, script))
        self.proc = subprocess.Popen(["sh", "-c", script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                     close_fds=True)
        self._pumps = [log.pump(self.proc.stdout, "stdout"), log.pump(self.proc.stderr, "stderr")]
        self.killed = False

    @property
    def pid(self):
        return self.proc.pid

    def running(self):
        return self.proc.poll() is None

    def wait(self, timeout=None):
        """The exit code, or None when still running after `timeout` seconds."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        for pump in self._pumps:
            pump.join(1.0)
        return code

    def kill(self, grace=GRACE_S):
        """End the script and everything in its process group (also when the script itself has ended)."""
        self.killed = True
        for sig, wait_s in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            deadline = time.monotonic() + wait_s
            while self.proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.proc.poll() is not None:
                break
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)   # stragglers in the group
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait(5)


def run_to_end(proc, timeout, stop_event=None):
    """Wait for a started Script: (exit code, None) or (None, "timeout"/"stopped") after killing it."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        code = proc.wait(0.1)
        if code is not None:
            return code, None
        if stop_event is not None and stop_event.is_set():
            proc.kill(grace=1.0)
            return None, "stopped"
        if deadline is not None and time.monotonic() >= deadline:
            proc.log.write("%s: timed out after %ss" % (proc.step, timeout), "ERROR")
            proc.kill()
            return None, "timeout"
