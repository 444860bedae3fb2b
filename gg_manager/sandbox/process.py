"""Start, find and stop a sandbox server process. Pure Python: importing this never imports moto.

    sb = start_sandbox(port=0, mqtt_port=0, latency_ms=5)   # returns once it answers
    sb.endpoint_url, sb.mqtt_host, sb.mqtt_port, sb.pid
    sb.stop()

A state dir (default `.gg/sandbox` under the cwd, or `$GG_SANDBOX_DIR`) holds
`state.json` (written by the server once it listens), `sandbox.pid` and
`sandbox.log`. `stop` signals only the pid whose command line is this module's
server started for that same state dir.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass

from gg_manager.errors import GGError

SERVER_MODULE = "gg_manager.sandbox.server"
STATE_FILE, PID_FILE, LOG_FILE = "state.json", "sandbox.pid", "sandbox.log"
DEFAULT_REGION = "us-east-1"
DUMMY_KEY, DUMMY_SECRET = "testing", "testing"
INSTALL_HINT = "pip install 'gg-manager[sandbox]'"  # what to run when the sandbox extra is missing


class SandboxError(GGError):
    """A sandbox that cannot start, be found, or be stopped."""


def default_state_dir():
    return os.path.abspath(os.environ.get("GG_SANDBOX_DIR") or os.path.join(os.getcwd(), ".gg", "sandbox"))


@dataclass
class Sandbox:
    endpoint_url: str
    mqtt_host: str
    mqtt_port: int
    pid: int
    state_dir: str
    region: str = DEFAULT_REGION

    def env(self):
        """The environment a client needs (see `gg sandbox env`)."""
        env = {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": DUMMY_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "GG_SANDBOX_ENDPOINT": self.endpoint_url,
        }
        if self.mqtt_port:
            env.update(GG_MQTT_HOST=self.mqtt_host, GG_MQTT_PORT=str(self.mqtt_port))
        return env

    def stop(self, timeout=10.0):
        return stop_sandbox(self.state_dir, timeout=timeout)

    def api(self, path, body=None, method=None, timeout=10.0):
        """Call the sandbox-only API (/_sandbox/...) and return its JSON answer."""
        return sandbox_api(self.endpoint_url, path, body, method, timeout)

    def to_dict(self):
        return asdict(self)


def sandbox_api(endpoint_url, path, body=None, method=None, timeout=10.0):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(endpoint_url.rstrip("/") + path, data=data,
                                 method=method or ("POST" if data is not None else "GET"),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as exc:
        try:
            message = json.load(exc).get("error", exc.reason)
        except ValueError:
            message = exc.reason
        raise SandboxError("sandbox API %s %s: %s" % (req.method, path, message)) from None


def knob_args(latency_ms=0, throttle_rate=0, throttle_every=0, fail_operations=(), auto_complete_after=None,
              seed=None):
    args = []
    if latency_ms:
        args += ["--latency-ms", str(latency_ms)]
    if throttle_rate:
        args += ["--throttle-rate", str(throttle_rate)]
    if throttle_every:
        args += ["--throttle-every", str(throttle_every)]
    for spec in fail_operations or ():
        args += ["--fail-operation", spec]
    if auto_complete_after is not None:
        args += ["--auto-complete-after", str(auto_complete_after)]
    if seed is not None:
        args += ["--seed", str(seed)]
    return args


def start_sandbox(port=0, host="127.0.0.1", mqtt_port=0, mqtt=True, state_dir=None, region=DEFAULT_REGION,
                  timeout=60.0, python=None, exit_with_parent=False, **knobs):
    """Start a server process in its own session; return a Sandbox once its HTTP API answers.

    exit_with_parent: the server stops by itself when this process is gone (for test fixtures).
    knobs: latency_ms, throttle_rate, throttle_every, fail_operations, auto_complete_after, seed.
    """
    state_dir = os.path.abspath(state_dir or default_state_dir())
    running = read_sandbox(state_dir)
    if running:
        raise SandboxError("a sandbox is already running from %s (pid %d, %s); stop it first"
                           % (state_dir, running.pid, running.endpoint_url))
    os.makedirs(state_dir, exist_ok=True)
    for name in (STATE_FILE, PID_FILE):
        _remove(os.path.join(state_dir, name))
    cmd = [python or sys.executable, "-m", SERVER_MODULE, "--state-dir", state_dir, "--host", host,
           "--port", str(port), "--mqtt-port", str(mqtt_port), "--region", region] + knob_args(**knobs)
    if not mqtt:
        cmd.append("--no-mqtt")
    if exit_with_parent:
        cmd += ["--exit-with-pid", str(os.getpid())]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(os.path.join(state_dir, LOG_FILE), "ab") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, env=env, close_fds=True)
    with open(os.path.join(state_dir, PID_FILE), "w") as fh:
        fh.write("%d\n" % proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _remove(os.path.join(state_dir, PID_FILE))
            raise SandboxError("the sandbox exited at start (code %s); see %s:\n%s" % (
                proc.returncode, os.path.join(state_dir, LOG_FILE), _tail(state_dir)))
        sandbox = _state(state_dir)
        if sandbox and sandbox.pid == proc.pid and _answers(sandbox.endpoint_url):
            return sandbox
        time.sleep(0.1)
    _terminate(proc.pid, 5)
    _remove(os.path.join(state_dir, PID_FILE))
    raise SandboxError("the sandbox did not answer within %ss; see %s" % (timeout, os.path.join(state_dir, LOG_FILE)))


def read_sandbox(state_dir=None):
    """The running sandbox of this state dir, or None (stale files are ignored)."""
    state_dir = os.path.abspath(state_dir or default_state_dir())
    sandbox = _state(state_dir)
    if sandbox and _is_ours(sandbox.pid, state_dir):
        return sandbox
    return None


def stop_sandbox(state_dir=None, timeout=10.0):
    """Stop the sandbox this state dir started; True if one was stopped, False if none was running."""
    state_dir = os.path.abspath(state_dir or default_state_dir())
    pid = _read_pid(state_dir)
    stopped = False
    if pid and _is_ours(pid, state_dir):
        _terminate(pid, timeout)
        stopped = True
    for name in (STATE_FILE, PID_FILE):
        _remove(os.path.join(state_dir, name))
    return stopped


def sandbox_status(state_dir=None):
    state_dir = os.path.abspath(state_dir or default_state_dir())
    sandbox = read_sandbox(state_dir)
    if not sandbox:
        return {"running": False, "state_dir": state_dir}
    return dict(sandbox.to_dict(), running=True, answers=_answers(sandbox.endpoint_url))


# -- helpers -------------------------------------------------------------------------
def _state(state_dir):
    try:
        with open(os.path.join(state_dir, STATE_FILE)) as fh:
            data = json.load(fh)
        return Sandbox(endpoint_url=data["endpoint_url"], mqtt_host=data.get("mqtt_host"),
                       mqtt_port=data.get("mqtt_port"), pid=int(data["pid"]), state_dir=state_dir,
                       region=data.get("region", DEFAULT_REGION))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_pid(state_dir):
    try:
        with open(os.path.join(state_dir, PID_FILE)) as fh:
            return int(fh.read().strip())
    except (OSError, ValueError):
        sandbox = _state(state_dir)
        return sandbox.pid if sandbox else None


def _is_ours(pid, state_dir):
    """True when pid runs this module's server for this state dir (not a recycled pid)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as fh:
            argv = fh.read().decode(errors="replace").split("\0")
    except OSError:
        return False
    return SERVER_MODULE in argv and state_dir in argv


def _answers(endpoint_url):
    try:
        sandbox_api(endpoint_url, "/_sandbox/health", timeout=2)
        return True
    except (SandboxError, OSError):
        return False


def _terminate(pid, timeout):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.05)


def _alive(pid):
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def _tail(state_dir, lines=15):
    try:
        with open(os.path.join(state_dir, LOG_FILE), errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except OSError:
        return ""
