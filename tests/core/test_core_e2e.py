"""`gg core run` against a real sandbox: groups made with plain boto3, messages over the real broker."""
import json
import os
import re
import time

ECHO = "echo.function_handler"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")   # gg's one log timestamp


def test_cloud_message_reaches_lambda_and_its_publish_comes_back(group_builder, core, mqtt):
    b = group_builder
    model_uri = b.model("m1", {"model-symbol.json": b"{}", "labels.txt": b"a\nb\n"})
    resources = [
        {"Id": "model", "Name": "Model", "ResourceDataContainer": {"S3MachineLearningModelResourceData": {
            "S3Uri": model_uri, "DestinationPath": "/ml/model"}}},
        {"Id": "frames", "Name": "Frames", "ResourceDataContainer": {"LocalVolumeResourceData": {
            "SourcePath": "/proc/gg-core-test-not-creatable", "DestinationPath": "/frames"}}},
    ]
    out = "t/%s/out" % b.uid
    fn = b.function("echo", ECHO, env={"OUT_TOPIC": out, "MODEL_DIR": "/ml/model", "VOLUME_DIR": "/frames/x"},
                    resources=["model", "frames"])
    dep = b.deploy([fn], [("cloud", "t/%s/in/+" % b.uid, fn), (fn, out, "cloud")], resources)
    mqtt.subscribe(out)
    core.start(b)
    assert b.wait_status(dep, core=core)["DeploymentStatus"] == "Success", core.output()

    mqtt.publish("t/%s/in/cam1" % b.uid, {"n": 1})
    body = mqtt.wait_for(out, lambda m: m.get("event") == {"n": 1})
    assert body["subject"] == "t/%s/in/cam1" % b.uid
    assert body["source"] == "cloud"
    assert body["function"] == fn["FunctionArn"]
    # resource paths resolved to local folders: the model extracted, the volume mapped under the work dir
    assert body["model_files"] == ["labels.txt", "model-symbol.json"]
    assert body["model_dir"] == os.path.join(core.work_dir, "ml", "model")
    assert body["volume_dir"] == os.path.join(core.work_dir, "volumes", "frames", "x")
    log = os.path.join(core.work_dir, "var", "log", "user", b.region, "123456789012", fn["Id"] + ".log")
    assert os.path.isfile(log)
    assert os.path.isfile(os.path.join(core.work_dir, "var", "log", "system", "runtime.log"))


def test_handler_that_fails_to_import_fails_the_deployment_with_its_reason(group_builder, core):
    b = group_builder
    ok = b.function("echo", ECHO)
    bad = b.function("broken", "broken.function_handler")
    dep = b.deploy([ok, bad], [])
    core.start(b, "--once")
    assert core.wait(60) == 1, core.output()
    status = b.status(dep)
    assert status["DeploymentStatus"] == "Failure"
    assert "No module named 'no_such_module_for_gg_core_tests'" in status["ErrorMessage"]
    assert "broken.function_handler" in status["ErrorMessage"]
    assert status["ErrorDetails"][0]["DetailedErrorCode"] == "LambdaStartFailure"
    assert bad["FunctionArn"] in status["ErrorDetails"][0]["DetailedErrorMessage"]


def test_model_that_cannot_be_downloaded_fails_the_deployment(group_builder, core):
    b = group_builder
    resources = [{"Id": "model", "Name": "Model", "ResourceDataContainer": {"S3MachineLearningModelResourceData": {
        "S3Uri": "s3://gg-core-test-no-such-bucket/m.tar.gz", "DestinationPath": "/ml/model"}}}]
    fn = b.function("echo", ECHO, resources=["model"])
    dep = b.deploy([fn], [], resources)
    core.start(b, "--once")
    assert core.wait(60) == 1, core.output()
    status = b.status(dep)
    assert status["DeploymentStatus"] == "Failure"
    assert "s3://gg-core-test-no-such-bucket/m.tar.gz" in status["ErrorMessage"]
    assert status["ErrorDetails"][0]["DetailedErrorCode"] == "ArtifactDownloadFailure"


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_crashed_long_lived_lambda_is_restarted(group_builder, core, mqtt, tmp_path):
    b = group_builder
    out = "t/%s/out" % b.uid
    started = tmp_path / "started.txt"
    fn = b.function("echo", ECHO, env={"OUT_TOPIC": out, "STARTED_FILE": str(started)})
    dep = b.deploy([fn], [("cloud", "t/%s/in" % b.uid, fn), (fn, out, "cloud")])
    mqtt.subscribe(out)
    core.start(b)
    assert b.wait_status(dep, core=core)["DeploymentStatus"] == "Success"
    mqtt.publish("t/%s/in" % b.uid, {"n": 1})
    first = mqtt.wait_for(out, lambda m: m["event"] == {"n": 1})["pid"]
    mqtt.publish("t/%s/in" % b.uid, {"crash": True})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(started.read_text().split()) < 2:
        time.sleep(0.1)
    pids = [int(p) for p in started.read_text().split()]
    assert len(pids) == 2 and pids[0] == first and not _alive(first)
    mqtt.publish("t/%s/in" % b.uid, {"n": 2})
    assert mqtt.wait_for(out, lambda m: m["event"] == {"n": 2})["pid"] == pids[1]


def test_new_deployment_replaces_the_old_lambdas(group_builder, core, mqtt):
    b = group_builder
    out = "t/%s/out" % b.uid
    fn1 = b.function("echo", ECHO, env={"OUT_TOPIC": out, "MARKER": "one"})
    subs = lambda fn: [("cloud", "t/%s/in" % b.uid, fn), (fn, out, "cloud")]  # noqa: E731
    dep1 = b.deploy([fn1], subs(fn1))
    mqtt.subscribe(out)
    core.start(b)
    assert b.wait_status(dep1, core=core)["DeploymentStatus"] == "Success"
    mqtt.publish("t/%s/in" % b.uid, {"n": 1})
    old_pid = mqtt.wait_for(out, lambda m: m["event"] == {"n": 1})["pid"]

    fn2 = b.function("echo", ECHO, env={"OUT_TOPIC": out, "MARKER": "two"})
    dep2 = b.deploy([fn2], subs(fn2))
    assert b.wait_status(dep2, core=core)["DeploymentStatus"] == "Success"
    mqtt.publish("t/%s/in" % b.uid, {"n": 2})
    body = mqtt.wait_for(out, lambda m: m["event"] == {"n": 2})
    assert body["marker"] == "two"
    assert body["pid"] != old_pid and not _alive(old_pid)
    assert len(core.lambda_pids()) == 1


def test_lambda_to_lambda_shadow_and_on_demand_invoke(group_builder, core, mqtt):
    b = group_builder
    out = "t/%s/out" % b.uid
    a = b.function("echo", ECHO, env={"OUT_TOPIC": out, "MARKER": "a"}, name="a-%s" % b.uid)
    z = b.function("echo", ECHO, env={"OUT_TOPIC": out, "MARKER": "z"}, name="z-%s" % b.uid, pinned=False)
    accepted = "$aws/things/%s/shadow/update/accepted" % b.thing_name
    dep = b.deploy([a, z], [("cloud", "t/%s/in" % b.uid, a), (a, "t/%s/a2z" % b.uid, z), (a, out, "cloud"),
                            (z, out, "cloud"), ("GGShadowService", accepted, "cloud")])
    mqtt.subscribe(out)
    mqtt.subscribe(accepted)
    core.start(b)
    assert b.wait_status(dep, core=core)["DeploymentStatus"] == "Success"

    # Lambda -> Lambda by subscription; the target is on-demand, started by the message
    mqtt.publish("t/%s/in" % b.uid, {"n": 1, "forward_to": "t/%s/a2z" % b.uid})
    body = mqtt.wait_for(out, lambda m: m.get("marker") == "z")
    assert body["event"] == {"forwarded": {"n": 1}}
    assert body["source"] == a["FunctionArn"] and body["subject"] == "t/%s/a2z" % b.uid

    # the local shadow service through the SDK; its accepted answer routed to the cloud
    mqtt.publish("t/%s/in" % b.uid, {"thing": b.thing_name, "shadow": {"mode": "on"}})
    body = mqtt.wait_for(out, lambda m: "shadow" in m)
    assert body["shadow"]["state"]["reported"] == {"mode": "on"} and body["shadow"]["version"] == 1
    assert json.dumps(mqtt.wait_for(accepted)["state"]) == json.dumps({"reported": {"mode": "on"}})

    # a RequestResponse invoke of the on-demand Lambda through greengrasssdk's lambda client
    mqtt.publish("t/%s/in" % b.uid, {"n": 3, "invoke": z["FunctionArn"]})
    body = mqtt.wait_for(out, lambda m: m.get("marker") == "a" and "invoked" in m)
    assert body["invoked"]["event"] == {"from": "invoke"} and body["invoked"]["marker"] == "z"


def test_invocation_past_its_timeout_restarts_the_lambda(group_builder, core, mqtt, tmp_path):
    b = group_builder
    out = "t/%s/out" % b.uid
    started = tmp_path / "started.txt"
    fn = b.function("echo", ECHO, env={"OUT_TOPIC": out, "STARTED_FILE": str(started)}, timeout=1)
    dep = b.deploy([fn], [("cloud", "t/%s/in" % b.uid, fn), (fn, out, "cloud")])
    mqtt.subscribe(out)
    core.start(b)
    assert b.wait_status(dep, core=core)["DeploymentStatus"] == "Success"
    mqtt.publish("t/%s/in" % b.uid, {"sleep": 30, "n": 1})
    mqtt.publish("t/%s/in" % b.uid, {"n": 2})
    body = mqtt.wait_for(out, lambda m: m["event"] == {"n": 2}, timeout=20)
    pids = [int(p) for p in started.read_text().split()]
    assert len(pids) == 2 and body["pid"] == pids[1] and not _alive(pids[0])
    assert not [m for t, m in mqtt.messages if b'"sleep"' in m]


def test_every_line_of_the_lambda_and_system_logs_has_one_timestamp_format_and_no_escapes(group_builder, core):
    """The launcher's line, the runtime shim, the Lambda's print/stderr/logging and the SDK's logger:
    one format (ISO 8601 UTC, milliseconds) on every line, colour codes stripped."""
    b = group_builder
    fn = b.function("chatty", "chatty.function_handler")
    dep = b.deploy([fn], [])
    core.start(b)
    assert b.wait_status(dep, core=core)["DeploymentStatus"] == "Success", core.output()
    path = os.path.join(core.work_dir, "var", "log", "user", b.region, "123456789012", fn["Id"] + ".log")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "logged like the SDK" not in _read(path):
        time.sleep(0.2)
    text = _read(path)
    for expected in ("local core: starting", "printed in red", "written to stderr", "over two lines",
                     "[WARNING] chatty: logged by the Lambda", "[ERROR] greengrasssdk.chatty: logged like the SDK"):
        assert expected in text, text
    system = _read(os.path.join(core.work_dir, "var", "log", "system", "runtime.log"))
    for log in (text, system):
        assert "\x1b" not in log
        lines = [line for line in log.splitlines() if line]
        assert lines and [line for line in lines if not STAMP.match(line)] == [], log
        assert not [line for line in lines if STAMP.match(line[25:])], "a line stamped twice"


def _read(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return ""
