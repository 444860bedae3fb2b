"""Generic components run from their lifecycle: real `sh -c` scripts, states, retries, logs, environment."""
import os
import re
import time

import pytest

from gg_manager.core.v2 import states as st
from gg_manager.core.v2.component import ComponentSpec
from gg_manager.core.v2.layout import Layout
from gg_manager.core.v2.supervisor import Supervisor

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[(INFO|WARN|ERROR)\] \((lifecycle|stdout|stderr)\) ")


@pytest.fixture
def sup(tmp_path):
    supervisor = Supervisor(Layout(str(tmp_path / "gg")), None, "eu-west-1", "core-1")
    yield supervisor
    supervisor.stop_all([])


def spec(sup, name, lifecycle, deps=None):
    layout = sup.layout
    return ComponentSpec(name, "1.0.0", "aws.greengrass.generic", lifecycle, {}, deps or {}, layout.work(name),
                         layout.log(name))


def wait_state(sup, name, wanted, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        component = sup.get(name)
        if component and component.state == wanted:
            return component
        time.sleep(0.02)
    raise AssertionError("%s is %s, not %s; log:\n%s" % (name, sup.get(name) and sup.get(name).state, wanted,
                                                          open(sup.layout.log(name)).read()))


def test_install_then_run_to_finished_with_setenv_workdir_and_one_log_format(sup, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "core-secret-value")
    marks = tmp_path / "marks"
    sup.run(spec(sup, "com.example.Hello", {
        "Setenv": {"GREETING": "hello", "LEVEL": "top"},
        "Install": "echo installed >> %s" % marks,
        "Run": {"Script": "pwd; echo $GREETING $LEVEL $AWS_REGION $AWS_IOT_THING_NAME; "
                          "echo secret=${AWS_SECRET_ACCESS_KEY:-none}; echo oops >&2",
                "Setenv": {"LEVEL": "step"}, "RequiresPrivilege": True}}))
    wait_state(sup, "com.example.Hello", st.FINISHED)
    log = open(sup.layout.log("com.example.Hello")).read().splitlines()
    assert log and all(STAMP.match(line) for line in log), log
    text = "\n".join(log)
    assert "(stdout) com.example.Hello: %s" % sup.layout.work("com.example.Hello") in text
    assert "(stdout) com.example.Hello: hello step eu-west-1 core-1" in text
    assert "secret=none" in text and "core-secret-value" not in text
    assert "[WARN] (stderr) com.example.Hello: oops" in text
    assert "RequiresPrivilege ignored" in text
    assert marks.read_text() == "installed\n"


def test_a_failing_run_is_restarted_then_broken_on_the_third_error(sup, tmp_path):
    runs = tmp_path / "runs"
    installs = tmp_path / "installs"
    sup.run(spec(sup, "c", {"Install": "echo i >> %s" % installs, "Run": "echo r >> %s; exit 3" % runs}))
    component = wait_state(sup, "c", st.BROKEN)
    assert runs.read_text() == "r\nr\nr\n" and installs.read_text() == "i\n"
    assert component.machine.reason == "run script exited with code 3"


def test_a_failing_install_is_retried_then_broken(sup, tmp_path):
    installs = tmp_path / "installs"
    sup.run(spec(sup, "c", {"Install": "echo i >> %s; false" % installs, "Run": "echo never"}))
    wait_state(sup, "c", st.BROKEN)
    assert installs.read_text() == "i\ni\ni\n"
    assert "never" not in open(sup.layout.log("c")).read()


def test_skipif_onpath_and_exists(sup, tmp_path):
    flag = tmp_path / "flag"
    flag.write_text("x")
    sup.run(spec(sup, "c", {
        "Install": {"Skipif": "onpath sh", "Script": "echo install-ran"},
        "Startup": {"Skipif": "exists %s" % flag, "Script": "echo startup-ran"},
        "Run": {"Skipif": "!exists %s" % (tmp_path / "absent"), "Script": "echo run-ran"}}))
    wait_state(sup, "c", st.FINISHED)
    log = open(sup.layout.log("c")).read()
    assert "install-ran" not in log and "startup-ran" not in log and "run-ran" not in log
    assert "skipped (skipif onpath sh)" in log
    sup.run(spec(sup, "d", {"Install": {"Skipif": "whenever", "Script": "true"}}))
    assert "skipif 'whenever' is not" in wait_state(sup, "d", st.BROKEN).machine.reason


def test_startup_keeps_its_processes_until_shutdown(sup, tmp_path):
    pidfile, down = tmp_path / "pid", tmp_path / "down"
    sup.run(spec(sup, "svc", {"Startup": "sleep 60 & echo $! > %s" % pidfile,
                              "Shutdown": "echo stopped > %s" % down}))
    wait_state(sup, "svc", st.RUNNING)
    pid = int(pidfile.read_text())
    assert os.path.exists("/proc/%d" % pid)
    sup.stop("svc")
    assert down.read_text() == "stopped\n"
    time.sleep(0.2)
    assert not os.path.exists("/proc/%d" % pid) or open("/proc/%d/stat" % pid).read().split(")")[-1].split()[0] == "Z"


def test_timeouts_error_the_step(sup):
    sup.run(spec(sup, "slow-install", {"Install": {"Script": "sleep 30", "Timeout": 0.3}}))
    assert wait_state(sup, "slow-install", st.BROKEN, 30).machine.reason == "install timed out after 0.3s"
    sup.run(spec(sup, "slow-run", {"Run": {"Script": "sleep 30", "Timeout": 0.3}}))
    assert wait_state(sup, "slow-run", st.BROKEN, 30).machine.reason == "run timed out"


def test_dependents_start_after_their_dependencies_run(sup, tmp_path):
    order = tmp_path / "order"
    sup.run(spec(sup, "app", {"Run": "echo app >> %s; sleep 30" % order}, deps={"lib": "HARD"}))
    time.sleep(0.5)
    assert sup.get("app").state == st.INSTALLED and not order.exists()
    sup.run(spec(sup, "lib", {"Startup": "sleep 0.3; echo lib >> %s" % order}))
    wait_state(sup, "app", st.RUNNING)
    deadline = time.monotonic() + 5
    while order.read_text().count("\n") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert order.read_text() == "lib\napp\n"


def test_nothing_to_run_is_finished_and_stop_ends_a_run(sup):
    sup.run(spec(sup, "empty", {}))
    wait_state(sup, "empty", st.FINISHED)
    sup.run(spec(sup, "long", {"Run": "sleep 60"}))
    component = wait_state(sup, "long", st.RUNNING)
    pid = component.run_proc.pid
    started = time.monotonic()
    sup.stop("long")
    assert component.state == st.FINISHED and time.monotonic() - started < 10
    assert not os.path.exists("/proc/%d" % pid)
