"""`gg core run` as a child process: started in its own session, stopped with everything it started.

Used by the demo and by tests that run real cores. A core's Lambdas run with their
working directory inside its work dir, which is how what a core left behind is found.
"""
import os
import signal
import subprocess
import sys
import time


def lambda_pids(*work_dirs):
    """Live (non-zombie) processes whose working directory is inside one of `work_dirs`."""
    prefixes = tuple(os.path.abspath(w) + os.sep for w in work_dirs)
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % entry) + os.sep
            with open("/proc/%s/stat" % entry) as fh:
                if fh.read().split(")")[-1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        if cwd.startswith(prefixes):
            pids.append(int(entry))
    return sorted(pids)


def _die_with_parent():
    """In the child: SIGTERM when the parent is gone, however it ended (Linux prctl)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class CoreProcess:
    """One `gg core run`, output to `log_path`."""

    def __init__(self, config_path, work_dir, log_path, env=None, cwd=None, command=None, args=()):
        self.config_path, self.work_dir, self.log_path = config_path, str(work_dir), str(log_path)
        self.env, self.cwd, self.args = env, cwd, list(args)
        self.command = command or [sys.executable, "-m", "gg_manager.cli"]
        self.proc = None

    def start(self, die_with_parent=False):
        os.makedirs(self.work_dir, exist_ok=True)
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                self.command + ["core", "run", "--config", self.config_path, "--work-dir", self.work_dir]
                + self.args, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=_die_with_parent if die_with_parent else None)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def tail(self, chars=6000):
        try:
            with open(self.log_path, errors="replace") as fh:
                return fh.read()[-chars:]
        except OSError:
            return ""

    def lambda_pids(self):
        return lambda_pids(self.work_dir)

    def terminate(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)

    def stop(self, timeout=20):
        """SIGTERM (the core stops its Lambdas), then SIGKILL to its session if it hangs.
        Returns (stuck, left): whether it ignored SIGTERM, and the Lambda pids that outlived it
        (killed now). Both are normally empty."""
        if self.proc is None:
            return False, []
        stuck = False
        self.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            stuck = True
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait(5)
        deadline = time.monotonic() + 5
        while self.lambda_pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        left = self.lambda_pids()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return stuck, left
