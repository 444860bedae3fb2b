"""`make demo` as a user runs it, on Greengrass V2 (the default): the whole chain passes and leaves nothing, also
when it is interrupted half-way. (V1's demo is the same code with a V1 core; tests/e2e covers both targets.)"""
import os
import signal
import subprocess
import sys
import time

import pytest

from gg_manager.demo.processes import alive

pytest.importorskip("mxnet")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SMALL = ["--samples", "600", "--epochs", "3"]       # right on every validation image, in half the time


def _demo(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GG_"))}
    return subprocess.Popen([sys.executable, "-m", "gg_manager.demo", "--work-dir", str(tmp_path / "demo")]
                            + SMALL + list(args), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _pids(output, label):
    return [int(line.split()[1]) for line in output.splitlines() if line.strip().startswith(label)]


def test_the_demo_on_v2_passes_and_leaves_nothing(tmp_path):
    proc = _demo(tmp_path)
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output[-4000:]
    assert "gg create  (the example greengrass.yaml on Greengrass V2" in output, output
    assert "Local Greengrass V2 core: gg core run --config certs/gg-demo_Core.config.yaml" in output, output
    assert "core gg-demo_Core SUCCEEDED" in output, output            # gg deploy waited for the device
    assert "answered in" in output                                   # the on-demand request
    assert "AWS after gg remove: nothing left" in output and "processes left: none" in output, output
    assert "accuracy: " in output and "demo passed" in output, output
    assert not [pid for pid in _pids(output, "pid ") if alive(pid)]   # the core, as `ps` would see it


def test_the_demo_interrupted_while_predicting_removes_everything(tmp_path):
    proc = _demo(tmp_path)
    lines = []
    deadline = time.monotonic() + 480
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("== Predictions") or time.monotonic() > deadline:
            break
    assert lines[-1].startswith("== Predictions"), "".join(lines)[-4000:]
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=300)
    output = "".join(lines) + rest
    assert proc.returncode == 130, output[-4000:]
    assert "AWS after gg remove: nothing left" in output and "processes left: none" in output, output
    assert "demo interrupted; everything it started was stopped and removed" in output
    assert not [pid for pid in _pids(output, "pid ") if alive(pid)]
