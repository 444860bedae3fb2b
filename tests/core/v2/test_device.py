"""The V2 core device end to end against an in-memory cloud: deployments, Lambda components on the
real runtime shims and greengrasssdk, routing, rollback, status reports, resume after a restart."""
import json
import os
import threading
import time

from gg_manager.core.v2 import states as st

from .builders import digest, generic_component, lambda_arn, lambda_component, router
from .harness import OUT, Device
from .fakes import zip_bytes


def echo_revision(dev, version="1.0.0", folder="echo", handler="echo.function_handler", function_version=1, **kw):
    lambda_component(dev.cloud, "com.example.Echo", version, folder=folder, handler=handler,
                     function_version=function_version, env={"MARKER": "default"},
                     sources=[("v2/in/#", "IOT_CORE"), ("local/in", "PUB_SUB")], **kw)
    return {"com.example.Echo": {"version": version},
            "aws.greengrass.LegacySubscriptionRouter": router(("component:com.example.Echo", OUT, "cloud"))}


def test_lambda_and_script_components_deploy_run_and_answer(device, tmp_path):
    generic_component(device.cloud, "com.example.Hello", "1.0.0", defaults={"who": "world"}, lifecycle={
        "Run": "echo hello {configuration:/who} from {iot:thingName} in {work:path}"})
    components = echo_revision(device)
    components["com.example.Echo"]["configurationUpdate"] = {"merge": json.dumps(
        {"lambdaExecutionParameters": {"EnvironmentVariables": {"MARKER": "merged"}}})}
    components["com.example.Hello"] = {"version": "1.0.0", "configurationUpdate": {"merge": '{"who": "gg"}'}}
    job_id, status, details = device.deploy(components)
    assert (status, details) == ("SUCCEEDED", {"detailed-deployment-status": "SUCCESSFUL"})
    assert [u[1] for u in device.cloud.updates] == ["IN_PROGRESS", "SUCCEEDED"]
    states = device.states()
    assert states["com.example.Echo"] == ("1.0.0", st.RUNNING)
    assert states["com.example.Hello"] == ("1.0.0", st.FINISHED)
    assert states["aws.greengrass.LambdaLauncher"][1] == st.RUNNING
    report = device.cloud.reports[-1]
    assert report.deployment_status == "SUCCEEDED" and report.overall == "HEALTHY"
    assert {c.name: (c.state, c.root) for c in report.components}["com.example.Echo"] == (st.RUNNING, True)
    assert set(device.bridge.filters) == {"v2/in/#"}
    reply = device.ask("v2/in/a/b", {"q": 1})
    assert reply["subject"] == "v2/in/a/b" and reply["source"] == "cloud" and reply["marker"] == "merged"
    assert reply["function"] == lambda_arn("echo", 1)
    # PUB_SUB event source: the local bus
    device.core.lambdas.publish_local("local/in", json.dumps({"id": "local-1"}).encode())
    assert device.bridge.wait_for(OUT, 20, lambda b: b["event"].get("id") == "local-1")["source"] == "local-pubsub"
    hello_log = open(device.core.layout.log("com.example.Hello")).read()
    assert "hello gg from core-1 in %s" % device.core.layout.work("com.example.Hello") in hello_log
    echo_log = open(device.core.layout.log("com.example.Echo")).read()
    assert "handler echo.function_handler imported; RUNNING" in echo_log


def test_a_dependency_model_reaches_the_lambda_through_interpolation(device):
    model = zip_bytes({"model/params.bin": b"weights", "model/labels.txt": b"cat\n"})
    generic_component(device.cloud, "com.example.Model", "1.0.0", lifecycle={},
                      artifacts=[{"URI": "s3://models/resnet.zip", "Unarchive": "ZIP", "Digest": digest(model),
                                  "Algorithm": "SHA-256"}], files={"resnet.zip": model})
    lambda_component(device.cloud, "com.example.Echo", "1.0.0", sources=[("v2/in/#", "IOT_CORE")],
                     env={"MODEL_DIR": "{com.example.Model:artifacts:decompressedPath}/resnet/model"},
                     deps={"com.example.Model": {"VersionRequirement": "^1.0.0", "DependencyType": "HARD"}})
    _, status, details = device.deploy({"com.example.Echo": {"version": "1.0.0"},
                                        "aws.greengrass.LegacySubscriptionRouter": router(
                                            ("component:com.example.Echo", OUT, "cloud"))})
    assert status == "SUCCEEDED", details
    reply = device.ask("v2/in/x", {})
    assert reply["model_dir"] == os.path.join(device.core.layout.unarchived("com.example.Model", "1.0.0"),
                                              "resnet", "model")
    assert reply["model_files"] == ["labels.txt", "params.bin"]


def test_a_lambda_that_fails_to_import_fails_the_revision_and_rollback_keeps_the_old_one(device):
    assert device.deploy(echo_revision(device))[1] == "SUCCEEDED"
    first = device.ask("v2/in/1", {})
    _, status, details = device.deploy(echo_revision(device, "2.0.0", folder="broken",
                                                     handler="broken.function_handler", function_version=2))
    assert status == "FAILED"
    assert details["detailed-deployment-status"] == "FAILED_ROLLBACK_COMPLETE"
    cause = details["deployment-failure-cause"]
    assert "com.example.Echo" in cause and "No module named 'no_such_module_for_gg_core_tests'" in cause
    assert json.loads(details["deployment-error-stack"]) == ["DEPLOYMENT_FAILURE", "COMPONENT_UPDATE_ERROR",
                                                            "COMPONENT_BROKEN"]
    assert json.loads(details["deployment-error-types"]) == ["USER_COMPONENT_ERROR"]
    assert device.states()["com.example.Echo"] == ("1.0.0", st.RUNNING)
    again = device.ask("v2/in/2", {})
    assert again["function"] == lambda_arn("echo", 1) and again["pid"] != first["pid"]
    assert device.core.store.roots() == {"thinggroup/app": {"com.example.Echo": "1.0.0",
                                                            "aws.greengrass.LegacySubscriptionRouter": "2.1.14"}}
    assert device.cloud.reports[-1].deployment_status == "FAILED"


def test_do_nothing_leaves_the_failed_revision_in_place(device):
    assert device.deploy(echo_revision(device))[1] == "SUCCEEDED"
    _, status, details = device.deploy(echo_revision(device, "2.0.0", folder="broken", handler="broken.function_handler",
                                                     function_version=2), policy="DO_NOTHING")
    assert (status, details["detailed-deployment-status"]) == ("FAILED", "FAILED_ROLLBACK_NOT_REQUESTED")
    assert device.states()["com.example.Echo"] == ("2.0.0", st.BROKEN)
    assert device.cloud.reports[-1].overall == "UNHEALTHY"


def test_a_revision_that_cannot_be_prepared_changes_nothing(device):
    assert device.deploy(echo_revision(device))[1] == "SUCCEEDED"
    pid = device.ask("v2/in/1", {})["pid"]
    device.cloud.publish({"RecipeFormatVersion": "2020-01-25", "ComponentName": "com.example.Bad",
                          "ComponentVersion": "1.0.0", "Manifests": [{"Platform": {"os": "windows"}}]})
    components = echo_revision(device)
    components["com.example.Bad"] = {"version": "1.0.0"}
    _, status, details = device.deploy(components)
    assert (status, details["detailed-deployment-status"]) == ("FAILED", "FAILED_NO_STATE_CHANGE")
    assert "no manifest for this device's platform" in details["deployment-failure-cause"]
    components.pop("com.example.Bad")
    components["com.example.Missing"] = {"version": "1.0.0"}
    _, status, details = device.deploy(components)
    assert details["detailed-deployment-status"] == "FAILED_NO_STATE_CHANGE"
    assert "no version of com.example.Missing" in details["deployment-failure-cause"]
    assert device.ask("v2/in/2", {})["pid"] == pid


def test_a_new_revision_removes_dropped_components_and_restarts_only_changed_ones(device, tmp_path):
    generic_component(device.cloud, "com.example.Svc", "1.0.0", lifecycle={"Run": "sleep 60"})
    components = echo_revision(device)
    components["com.example.Svc"] = {"version": "1.0.0"}
    assert device.deploy(components)[1] == "SUCCEEDED"
    svc_pid = device.core.supervisor.get("com.example.Svc").run_proc.pid
    pid = device.ask("v2/in/1", {})["pid"]
    # unchanged revision: nothing restarts
    assert device.deploy(components)[1] == "SUCCEEDED"
    assert device.ask("v2/in/2", {})["pid"] == pid
    # a configuration change of the Lambda restarts it; Svc dropped: stopped and gone
    components.pop("com.example.Svc")
    components["com.example.Echo"]["configurationUpdate"] = {"merge": json.dumps(
        {"lambdaExecutionParameters": {"EnvironmentVariables": {"MARKER": "second"}}})}
    assert device.deploy(components)[1] == "SUCCEEDED"
    reply = device.ask("v2/in/3", {})
    assert reply["pid"] != pid and reply["marker"] == "second"
    assert "com.example.Svc" not in device.states() and not os.path.exists("/proc/%d" % svc_pid)
    assert "com.example.Svc" not in {c.name for c in device.cloud.reports[-1].components}
    # the merged value is kept by later revisions that do not touch it
    components["com.example.Echo"].pop("configurationUpdate")
    assert device.deploy(components)[1] == "SUCCEEDED"
    assert device.ask("v2/in/4", {})["marker"] == "second"


def test_a_crash_or_an_overrun_restarts_the_lambda(device):
    components = echo_revision(device)
    lambda_component(device.cloud, "com.example.Echo", "1.0.0", env={"MARKER": "default"}, timeout=1,
                     sources=[("v2/in/#", "IOT_CORE")])
    assert device.deploy(components)[1] == "SUCCEEDED"
    pid = device.ask("v2/in/1", {})["pid"]
    device.bridge.deliver("v2/in/crash", {"crash": True})
    deadline = time.monotonic() + 30
    while True:  # the process exits; the component starts it again
        component = device.core.supervisor.get("com.example.Echo")
        if component.state == st.RUNNING and component.proc.alive() and component.proc.proc.pid != pid:
            break
        assert time.monotonic() < deadline, component.state
        time.sleep(0.05)
    second = device.ask("v2/in/2", {})["pid"]
    assert second != pid
    device.bridge.deliver("v2/in/slow", {"sleep": 5})      # over timeoutInSeconds (1): killed, started again
    third = device.ask("v2/in/3", {}, timeout=40)["pid"]
    assert third not in (pid, second)
    log = open(device.core.layout.log("com.example.Echo")).read()
    assert "the Lambda process exited (code 7)" in log and "the Lambda process exited (code -9)" in log


def test_on_demand_lambda_and_lambda_to_lambda_routing(device):
    lambda_component(device.cloud, "com.example.Front", "1.0.0", sources=[("v2/front", "IOT_CORE")],
                     function="front")
    lambda_component(device.cloud, "com.example.Back", "1.0.0", pinned=False, function="back", idle=1)
    _, status, details = device.deploy({
        "com.example.Front": {"version": "1.0.0"}, "com.example.Back": {"version": "1.0.0"},
        "aws.greengrass.LegacySubscriptionRouter": router(
            ("component:com.example.Front", "to/back", "component:com.example.Back"),
            (lambda_arn("back", 1).rsplit(":", 1)[0], OUT, "cloud"))})
    assert status == "SUCCEEDED", details
    back = device.core.supervisor.get("com.example.Back")
    assert back.state == st.RUNNING and not back.proc.alive()
    device.bridge.deliver("v2/front", {"forward_to": "to/back", "n": 7})
    reply = device.bridge.wait_for(OUT, 30, lambda b: b["event"].get("forwarded", {}).get("n") == 7)
    assert reply["function"] == lambda_arn("back", 1) and reply["source"] == lambda_arn("front", 1)
    deadline = time.monotonic() + 20
    while back.proc.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not back.proc.alive(), "the on-demand Lambda did not exit when idle"


def test_the_device_resumes_its_revision_offline_after_a_restart(tmp_path):
    first = Device(tmp_path / "gg")
    first.core.start()
    try:
        assert first.deploy(echo_revision(first))[1] == "SUCCEEDED"
    finally:
        first.core.stop()
    first.cloud.fail.update(["resolve", "download"])
    second = Device(tmp_path / "gg", cloud=first.cloud)
    second.core.start()
    try:
        assert second.states()["com.example.Echo"][0] == "1.0.0"
        assert second.ask("v2/in/back", {})["marker"] == "default"
    finally:
        second.core.stop()


def test_a_component_that_breaks_later_is_reported(device):
    generic_component(device.cloud, "com.example.Flaky", "1.0.0", lifecycle={"Run": "sleep 0.3; exit 1"})
    assert device.deploy({"com.example.Flaky": {"version": "1.0.0"}})[1] == "SUCCEEDED"
    deadline = time.monotonic() + 30
    while device.core.supervisor.get("com.example.Flaky").state != st.BROKEN:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    reports = len(device.cloud.reports)
    assert device.core.poll() is False
    assert len(device.cloud.reports) == reports + 1
    report = device.cloud.reports[-1]
    assert report.overall == "UNHEALTHY" and report.deployment_status is None
    flaky = [c for c in report.components if c.name == "com.example.Flaky"][0]
    assert (flaky.state, flaky.status_reason) == (st.BROKEN, "run script exited with code 1")


def test_a_status_the_cloud_did_not_take_is_sent_again(device):
    device.cloud.fail.add("update_job")
    job = device.cloud.deploy("app", echo_revision(device))
    assert device.core.poll()
    assert device.cloud.updates == []
    device.cloud.fail.clear()
    device.core.poll()
    assert device.cloud.last_update(job)[1] == "SUCCEEDED"
    assert device.core.poll() is False   # nothing new


def test_run_loop_stops_on_request(device):
    stop = threading.Event()
    thread = threading.Thread(target=device.core.run, args=(stop, 0.05))
    thread.start()
    device.cloud.deploy("app", echo_revision(device))
    deadline = time.monotonic() + 60
    while not device.cloud.updates or device.cloud.updates[-1][1] == "IN_PROGRESS":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    stop.set()
    thread.join(10)
    assert not thread.is_alive() and device.cloud.updates[-1][1] == "SUCCEEDED"


def test_a_rollback_that_cannot_bring_the_old_revision_back(device, tmp_path):
    flag = tmp_path / "install-no-more"
    generic_component(device.cloud, "com.example.A", "1.0.0", lifecycle={"Install": "test ! -e %s" % flag,
                                                                         "Run": "sleep 60"})
    generic_component(device.cloud, "com.example.A", "2.0.0", lifecycle={"Run": "exit 1"})
    assert device.deploy({"com.example.A": {"version": "1.0.0"}})[1] == "SUCCEEDED"
    flag.write_text("the old version's Install now fails")
    _, status, details = device.deploy({"com.example.A": {"version": "2.0.0"}})
    assert (status, details["detailed-deployment-status"]) == ("FAILED", "FAILED_UNABLE_TO_ROLLBACK")
    assert "com.example.A in broken state" in details["deployment-failure-cause"]
    assert device.states()["com.example.A"] == ("1.0.0", st.BROKEN)


def test_a_dependency_cycle_fails_before_anything_changes(device):
    generic_component(device.cloud, "com.example.X", "1.0.0", lifecycle={},
                      deps={"com.example.Y": {"VersionRequirement": "^1.0.0"}})
    generic_component(device.cloud, "com.example.Y", "1.0.0", lifecycle={},
                      deps={"com.example.X": {"VersionRequirement": "^1.0.0"}})
    _, status, details = device.deploy({"com.example.X": {"version": "1.0.0"}})
    assert details["detailed-deployment-status"] == "FAILED_NO_STATE_CHANGE"
    assert details["deployment-failure-cause"] == \
        "circular dependency: com.example.X -> com.example.Y -> com.example.X"
    assert json.loads(details["deployment-error-stack"]) == ["DEPLOYMENT_FAILURE",
                                                            "COMPONENT_CIRCULAR_DEPENDENCY_ERROR"]
    assert device.states() == {}
