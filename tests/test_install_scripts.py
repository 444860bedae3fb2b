"""`make install` on a fresh machine: it says what it does, and works for a non-root user."""
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSDEPS = os.path.join(ROOT, "scripts", "sysdeps.sh")


def _as_user(cmd, env):
    """Run `cmd` as an unprivileged user (nobody when the tests run as root)."""
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("runuser is needed to drop root")
        cmd = ["runuser", "-u", "nobody", "--"] + cmd
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def test_missing_libraries_as_non_root_prints_the_command_and_installs_nothing(tmp_path):
    env = dict(os.environ, GG_SYSDEPS_LIBDIRS=str(tmp_path))
    run = _as_user(["sh", SYSDEPS], env)
    assert run.returncode == 1
    assert "missing system libraries: libgomp.so.1 libquadmath.so.0" in run.stdout
    assert "sudo apt-get install -y libgomp1 libquadmath0" in run.stderr
    assert "installing" not in run.stdout


def test_present_libraries_need_no_root():
    libdir = tempfile.mkdtemp(prefix="gg-sysdeps-")   # outside pytest's 0700 tmp tree: nobody reads it
    try:
        os.chmod(libdir, 0o755)
        for lib in ("libgomp.so.1", "libquadmath.so.0"):
            open(os.path.join(libdir, lib), "wb").close()
        run = _as_user(["sh", SYSDEPS], dict(os.environ, GG_SYSDEPS_LIBDIRS=libdir))
    finally:
        shutil.rmtree(libdir)
    assert run.returncode == 0, run.stderr
    assert "system libraries present" in run.stdout


def test_install_says_what_it_does_before_pip_and_streams_pip_progress():
    run = subprocess.run(["make", "-n", "-B", ".venv/.installed"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    pip = next(i for i, line in enumerate(lines) if "pip install" in line)
    said = next(i for i, line in enumerate(lines) if "first time takes" in line)
    assert said < pip
    assert " -q " not in lines[pip] and "--quiet" not in lines[pip]
    assert "Collecting" in "\n".join(lines[pip:pip + 4])   # one line per package is shown
