"""The processes the demo starts: `gg` commands, and `gg core run` in the background.

Every gg call goes through the same command line a user types (the `gg`
console script next to this Python, else `python -m gg_manager.cli`).
"""
import os
import subprocess
import sys
import time

from gg_manager.core.launcher import CoreProcess


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


def start_core(config_path, work_dir, env, log_path, cwd):
    """`gg core run` in the background through the same `gg` command a user types."""
    return CoreProcess(config_path, work_dir, log_path, env=env, cwd=cwd, command=gg_command(),
                       args=["--poll-interval", "0.5"]).start(die_with_parent=True)


def alive(pid):
    """True while pid runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
