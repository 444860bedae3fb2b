"""README's "Using gg" first session, run as written (in a folder outside the repository, with the
`gg` of this environment; tests/test_wheel.py covers the `pip install` line)."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def first_session():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    section = text.split("\n## Using gg\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("pip install")]


def test_the_readme_first_session_works_as_written(tmp_path):
    lines = first_session()
    assert lines[0].startswith("gg init") and lines[-1].startswith("gg sandbox stop")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GG_", "NO_COLOR"))}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    script = "set -euo pipefail\n" + "\n".join(lines) + "\n"
    try:
        proc = subprocess.run(["bash", "-c", script], cwd=str(tmp_path), env=env, capture_output=True,
                              text=True, timeout=600, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "gg"), "sandbox", "stop", "--state-dir",
                        str(tmp_path / "my-app" / ".gg" / "sandbox")], env=env, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "greengrass.yaml: valid (1 group: gg-edge-ml)" in out
    assert "Apply complete." in out                                  # on the default target, Greengrass V2:
    assert "group gg-edge-ml: core gg-edge-ml_Core SUCCEEDED" in out and "Deployed 1 group." in out
    assert "Removed " in out and "sandbox stopped" in out
    assert "Traceback" not in proc.stderr


if not os.access(os.path.join(os.path.dirname(sys.executable), "gg"), os.X_OK):
    pytest.skip("no gg console script next to this Python", allow_module_level=True)
