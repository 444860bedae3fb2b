"""Lambda processes: one per long-lived Lambda (restarted with backoff), on demand for the others.

Each process runs runtime_shims/gg_lambda_runtime.py with the Lambda's code
folder, then the shims, on sys.path, in its own process group (so stopping it
stops whatever it started), its stdout and stderr appended to
var/log/user/<region>/<account>/<function>.log as on a real core, each line
stamped as every gg log is (gg_manager.logstamp). With stamp_lines=False the
output goes to `log_path` as it comes (a V2 core's pipe, whose reader stamps it).
"""
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from gg_manager import logstamp

log = logging.getLogger("gg.core.lambdas")

SHIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runtime_shims")
RUNTIME = os.path.join(SHIMS, "gg_lambda_runtime.py")
ROUTER_ARN = "arn:aws:lambda:::function:GGRouter"
SHADOW_ARN = "arn:aws:lambda:::function:GGShadowService"
SECRETS_ARN = "arn:aws:lambda:::function:GGSecretManager"
PASS_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "LD_LIBRARY_PATH", "OMP_NUM_THREADS",
            "MXNET_ENGINE_TYPE", "SYSTEMROOT")
BACKOFF_MIN_S, BACKOFF_MAX_S, HEALTHY_S = 0.5, 30.0, 60.0
ON_DEMAND_IDLE_S = 30.0


def function_name(arn):
    parts = arn.split(":")
    return parts[6] if len(parts) > 6 else arn


class LambdaProcess:
    """One Lambda of the running deployment. state: stopped | starting | ready | failed."""

    def __init__(self, arn, handler, code_dir, env, log_path, pinned, on_exit=None, python=None, stamp_lines=True):
        self.arn = arn
        self.stamp_lines = stamp_lines
        self.name = function_name(arn)
        self.handler = handler
        self.code_dir = code_dir
        self.env = env
        self.log_path = log_path
        self.pinned = pinned
        self.on_exit = on_exit
        self.python = python or sys.executable
        self.state = "stopped"
        self.error = None
        self.restarts = 0
        self.proc = None
        self._stopping = False
        self._lock = threading.RLock()
        self._state_changed = threading.Condition(self._lock)
        self._backoff = BACKOFF_MIN_S
        self._restart_timer = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self):
        with self._lock:
            if self._stopping or (self.proc and self.proc.poll() is None):
                return
            os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
            env = dict((k, os.environ[k]) for k in PASS_ENV if k in os.environ)
            env.update(self.env)
            env.update(PYTHONPATH=os.pathsep.join([self.code_dir, SHIMS]), PYTHONUNBUFFERED="1",
                       GG_HANDLER=self.handler, GG_CODE_DIR=self.code_dir)
            self.proc = self._spawn(env)
            self.started_at = time.monotonic()
            self.state, self.error = "starting", None
            self._state_changed.notify_all()
            proc = self.proc
        threading.Thread(target=self._watch, args=(proc,), name="watch-" + self.name, daemon=True).start()
        log.info("started %s (pid %d)", self.arn, proc.pid)

    def _spawn(self, env):
        """The runtime process, its output going to the log (stamped line by line, or as it comes)."""
        starting = "local core: starting %s (handler %s)" % (self.arn, self.handler)
        args = dict(cwd=self.code_dir, env=env, stdin=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                    start_new_session=True, close_fds=True)
        if not self.stamp_lines:
            with open(self.log_path, "ab") as out:
                out.write((starting + "\n").encode())
                out.flush()
                return subprocess.Popen([self.python, RUNTIME], stdout=out, **args)
        logstamp.append_line(self.log_path, starting)
        proc = subprocess.Popen([self.python, RUNTIME], stdout=subprocess.PIPE, **args)
        threading.Thread(target=logstamp.copy_stamped, args=(proc.stdout, self.log_path),
                         name="log-" + self.name, daemon=True).start()
        return proc

    def mark(self, state, error=None):
        """The runtime said the handler imported ("ready") or did not ("failed")."""
        with self._lock:
            self.state = "ready" if state == "ready" else "failed"
            if error:
                self.error = error
            self._state_changed.notify_all()

    def wait_started(self, timeout):
        """'ready' or 'failed' once known, 'starting' when the timeout passed first."""
        with self._lock:
            self._state_changed.wait_for(lambda: self.state in ("ready", "failed", "stopped"), timeout)
            return self.state

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _watch(self, proc):
        code = proc.wait()
        with self._lock:
            if proc is not self.proc:
                return
            if self.state == "starting":
                self.state = "failed"
                self.error = self.error or "%s exited with code %s before its handler was ready; see %s" % (
                    self.name, code, self.log_path)
            elif self.state == "ready":
                self.state = "stopped" if self._stopping else "crashed"
            self._state_changed.notify_all()
            stopping = self._stopping
            ran_for = time.monotonic() - self.started_at
        if stopping:
            return
        log.warning("%s exited with code %s after %.1fs", self.arn, code, ran_for)
        if self.on_exit:
            self.on_exit(self, code)

    def restart_later(self):
        """Start again after the current backoff (doubling up to 30 s; reset after a healthy minute)."""
        with self._lock:
            if self._stopping:
                return
            if time.monotonic() - self.started_at > HEALTHY_S:
                self._backoff = BACKOFF_MIN_S
            delay = self._backoff
            self._backoff = min(self._backoff * 2, BACKOFF_MAX_S)
            self.restarts += 1
            self._restart_timer = threading.Timer(delay, self.start)
            self._restart_timer.daemon = True
            self._restart_timer.start()
        log.info("restarting %s in %.1fs (restart %d)", self.arn, delay, self.restarts)

    def kill(self):
        """End the process now (an overrun); the exit is handled like a crash."""
        with self._lock:
            proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def stop(self, timeout=5.0):
        with self._lock:
            self._stopping = True
            if self._restart_timer:
                self._restart_timer.cancel()
            proc = self.proc
        if proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            try:
                proc.wait(timeout)
                break
            except subprocess.TimeoutExpired:
                continue
        try:  # whatever the Lambda started in its group goes too
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        with self._lock:
            self.state = "stopped"
            self._state_changed.notify_all()
