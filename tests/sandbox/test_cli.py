"""`gg sandbox start/status/env/stop` as a user runs them: separate processes, nothing left behind."""
import json
import os
import subprocess
import sys
import time


from gg_manager.sandbox import process

GG = [sys.executable, "-m", "gg_manager.cli"]


def _gg(args, state_dir, env=None, check=True):
    full_env = dict(os.environ, GG_SANDBOX_DIR=str(state_dir), **(env or {}))
    result = subprocess.run(GG + args, capture_output=True, text=True, env=full_env, timeout=90)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _server_pids(state_dir):
    """Sandbox servers of this state dir (other test runs may have their own meanwhile)."""
    out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return {int(line.split()[0]) for line in out.splitlines()
            if process.SERVER_MODULE in line and str(state_dir) in line}


def test_start_env_use_stop_leaves_nothing(tmp_path):
    started = _gg(["sandbox", "start", "--port", "0", "--mqtt-port", "0", "--format", "json"], tmp_path)
    info = json.loads(started.stdout)
    try:
        assert _server_pids(tmp_path) == {info["pid"]}
        assert info["endpoint_url"].startswith("http://127.0.0.1:")
        assert (tmp_path / "sandbox.pid").read_text().strip() == str(info["pid"])
        assert (tmp_path / "sandbox.log").exists()

        env_lines = _gg(["sandbox", "env"], tmp_path).stdout.splitlines()
        env = dict(line[len("export "):].split("=", 1) for line in env_lines)
        assert env["AWS_ENDPOINT_URL"] == info["endpoint_url"]
        assert env["GG_MQTT_HOST"] == "127.0.0.1" and env["GG_MQTT_PORT"] == str(info["mqtt_port"])
        assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"} <= set(env)

        # what `eval "$(gg sandbox env)"` then plain boto3 does, in a fresh process
        script = ("import boto3; gg = boto3.client('greengrass'); g = gg.create_group(Name='cli');"
                  "print(gg.get_group(GroupId=g['Id'])['Name'])")
        clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        out = subprocess.run([sys.executable, "-c", script], env=dict(clean, **env), capture_output=True,
                             text=True, timeout=60)
        assert out.stdout.strip() == "cli", out.stderr

        status = _gg(["sandbox", "status"], tmp_path)
        assert "running (pid %d)" % info["pid"] in status.stdout

        again = _gg(["sandbox", "start", "--port", "0"], tmp_path, check=False)
        assert again.returncode == 1 and "already running" in again.stderr and "Traceback" not in again.stderr
    finally:
        stopped = _gg(["sandbox", "stop"], tmp_path)
    assert "stopped" in stopped.stdout
    assert _server_pids(tmp_path) == set()
    assert not (tmp_path / "state.json").exists() and not (tmp_path / "sandbox.pid").exists()
    assert _gg(["sandbox", "status"], tmp_path, check=False).returncode == 3


def test_env_without_sandbox_is_a_clear_error(tmp_path):
    result = _gg(["sandbox", "env"], tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no sandbox is running") and "Traceback" not in result.stderr


def test_stop_without_sandbox_is_harmless(tmp_path):
    assert "no sandbox was running" in _gg(["sandbox", "stop"], tmp_path).stdout


def test_stop_ignores_a_pid_that_is_not_ours(tmp_path):
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        (tmp_path / "sandbox.pid").write_text("%d\n" % sleeper.pid)
        _gg(["sandbox", "stop"], tmp_path)
        assert sleeper.poll() is None  # still alive: not a sandbox of this state dir
    finally:
        sleeper.kill()
        sleeper.wait()


def test_bad_knob_is_a_clear_error(tmp_path):
    result = _gg(["sandbox", "start", "--port", "0", "--fail-operation", ":once"], tmp_path, check=False)
    assert result.returncode == 1 and "error:" in result.stderr and "Traceback" not in result.stderr


def test_port_in_use_is_a_clear_error(tmp_path, sandbox):
    port = int(sandbox.endpoint_url.rsplit(":", 1)[1])
    result = _gg(["sandbox", "start", "--port", str(port), "--mqtt-port", "0"], tmp_path, check=False)
    assert result.returncode == 1 and "exited at start" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "sandbox.pid").exists()


def test_programmatic_start_with_knobs(tmp_path):
    sb = process.start_sandbox(port=0, mqtt=False, state_dir=str(tmp_path), latency_ms=5,
                               fail_operations=["CreateGroup:once"], auto_complete_after=1)
    try:
        assert sb.mqtt_port is None and "GG_MQTT_PORT" not in sb.env()
        assert sb.api("/_sandbox/faults")["fail_operations"] == {"CreateGroup": "once"}
        assert sb.api("/_sandbox/greengrass/settings") == {"auto_complete_after": 1}
    finally:
        assert sb.stop() is True
    assert process.read_sandbox(str(tmp_path)) is None


def test_sandbox_exits_with_its_parent(tmp_path):
    code = ("import sys; from gg_manager.sandbox import process;"
            "sb = process.start_sandbox(port=0, mqtt=False, state_dir=sys.argv[1], exit_with_parent=True);"
            "print(sb.pid)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    pid = int(out.stdout.strip())
    for _ in range(60):
        if not process._alive(pid):
            break
        time.sleep(0.1)
    assert not process._alive(pid)


def test_reset_forgets_resources_and_knobs(tmp_path):
    sb = process.start_sandbox(port=0, mqtt=False, state_dir=str(tmp_path), exit_with_parent=True)
    try:
        import boto3

        gg = boto3.client("greengrass", endpoint_url=sb.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="k", aws_secret_access_key="s")
        gg.create_group(Name="before-reset")
        sb.api("/_sandbox/faults", {"latency_ms": 1})
        result = _gg(["sandbox", "reset"], tmp_path)
        assert "reset" in result.stdout
        assert gg.list_groups()["Groups"] == []
        assert sb.api("/_sandbox/faults")["latency_ms"] == 0
        assert sb.api("/_sandbox/calls")["calls"] == {"greengrass:ListGroups": 1}
    finally:
        sb.stop()
