"""The processes the demo starts: `gg` commands, and `gg core run` in the background.

Every gg call goes through the same command line a user types (the `gg`
console script next to this Python, else `python -m gg_manager.cli`).
"""
import os
import signal
import subprocess
import sys
import time


def gg_command():
    script = os.path.join(os.path.dirname(sys.executable), "gg")
    return [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "gg_manager.cli"]


def run_gg(args, env, cwd, echo=None, timeout=600):
    """Run `gg ARGS`; its output lines go to echo (a print-like callable) as they come.

    Returns (exit code, the whole output).
    """
    proc = subprocess.Popen(gg_command() + list(args), cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = []
    deadline = time.monotonic() + timeout
    try:
        for line in proc.stdout:
            lines.append(line)
            if echo is not None:
                echo(line.rstrip("\n"))
            if time.monotonic() > deadline:
                break
        return proc.wait(max(1.0, deadline - time.monotonic())), "".join(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _die_with_parent():
    """In the child: get SIGTERM when the demo is gone, however it ended (Linux)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class CoreProcess:
    """`gg core run` for one core, in its own session, output to a log file."""

    def __init__(self, config_path, work_dir, env, log_path, cwd):
        self.config_path = config_path
        self.work_dir = work_dir
        self.env = env
        self.log_path = log_path
        self.cwd = cwd
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                gg_command() + ["core", "run", "--config", self.config_path, "--work-dir", self.work_dir,
                                "--poll-interval", "0.5"],
                cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=_die_with_parent)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def tail(self, chars=3000):
        try:
            with open(self.log_path, errors="replace") as fh:
                return fh.read()[-chars:]
        except OSError:
            return ""

    def stop(self, timeout=20):
        """SIGTERM (the core stops its Lambdas), SIGKILL to its session if it does not end.
        Returns the pids still alive afterwards (the core's Lambdas that escaped), normally []."""
        if self.proc is None:
            return []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _kill_group(self.proc.pid)
                self.proc.wait(5)
        deadline = time.monotonic() + 5
        while lambda_pids(self.work_dir) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = lambda_pids(self.work_dir)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def lambda_pids(work_dir):
    """Live processes running inside work_dir: the local core's Lambdas."""
    pids = []
    prefix = os.path.abspath(work_dir) + os.sep
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % entry)
            with open("/proc/%s/stat" % entry) as fh:
                if fh.read().split(")")[-1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        if cwd.startswith(prefix):
            pids.append(int(entry))
    return pids


def alive(pid):
    """True while pid runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
