"""`gg rollout` on Greengrass V2, against the sandbox through the CLI; every claim checked with plain boto3.

A 20-group fleet (one core each) gets a first revision from `gg apply`; a change to the spec is
made with `gg apply --no-deploy` and rolled out in waves, the devices answering through the
sandbox's jobs data plane (tests/rollout/v2_fleet.py).
"""
import json

import pytest

from tests.rollout.v2_fleet import V2Fleet

WAVES = ("--waves", "1,25%,100%")      # 20 groups: 1 (the canary), 4, 15


@pytest.fixture
def v2_fleet(tmp_path, aws_env, capsys):
    return V2Fleet(tmp_path, aws_env.unique_name("r2"), aws_env, capsys)


def first_revision_then_change(fleet):
    """Revision 1 (INFO) deployed and succeeded on every core; revision 2 (DEBUG) made, not deployed."""
    fleet.write("INFO")
    with fleet.devices():
        code, out, err = fleet.cli("apply", "--yes", "--deploy", "--timeout", "60")
    assert code == 0, out + err
    fleet.write("DEBUG")
    code, out, err = fleet.cli("apply", "--yes", "--no-deploy")
    assert code == 0, out + err
    assert "Deploy needed: %s" % fleet.names[0] in out + err


def test_rollout_needs_the_rest_applied_first(v2_fleet):
    v2_fleet.write("INFO")
    code, out, err = v2_fleet.cli("rollout")
    assert code == 1
    assert "besides deployments pending" in err and "run `gg apply --no-deploy` first" in err
    assert "Traceback" not in out + err


def test_fleet_rolled_out_in_waves_canary_first(v2_fleet):
    fleet = v2_fleet
    first_revision_then_change(fleet)
    for name in fleet.names:             # --no-deploy made no new revision
        assert [d["revisionId"] for d in fleet.history(name)] == ["1"]
    with fleet.devices():
        code, report, err = fleet.rollout(*WAVES)
    assert code == 0, err
    assert [w["groups"] for w in report["waves"]] == [fleet.names[:1], fleet.names[1:5], fleet.names[5:]]
    assert report["ok"] and report["succeeded_count"] == 20 and report["failed_count"] == 0
    created = {}
    for name in fleet.names:
        current = fleet.current(name)
        assert current["revisionId"] == "2" and fleet.logging_level(current) == "DEBUG"
        assert current["deploymentPolicies"]["failureHandlingPolicy"] == "ROLLBACK"
        job = current["iotJobConfiguration"]
        assert job["abortConfig"]["criteriaList"] == [{"failureType": "ALL", "action": "CANCEL",
                                                       "thresholdPercentage": 100.0, "minNumberOfExecutedThings": 1}]
        assert job["jobExecutionsRolloutConfig"]["exponentialRate"]["baseRatePerMinute"] == 50
        assert job["timeoutConfig"]["inProgressTimeoutInMinutes"] == 1
        effective = fleet.v2.list_effective_deployments(coreDeviceThingName=fleet.core(name))["effectiveDeployments"]
        mine = [e for e in effective if e["deploymentId"] == current["deploymentId"]]
        assert mine and mine[0]["coreDeviceExecutionStatus"] == "SUCCEEDED"
        created[name] = current["creationTimestamp"]
    # the canary's deployment was made, and succeeded, before any other group got one
    assert all(created[fleet.names[0]] < created[n] for n in fleet.names[1:])
    assert max(created[n] for n in fleet.names[1:5]) < min(created[n] for n in fleet.names[5:])
    # the revisions the rollout made are the spec's: nothing left to plan
    code, out, err = fleet.cli("plan", "--detailed-exitcode")
    assert code == 0, out + err
    # and a second rollout has nothing to do
    code, again, _ = fleet.rollout()
    assert code == 0 and again["waves"] == [] and len(again["skipped"]) == 20
    assert again["skipped"][0]["reason"] == "revision 2 is current"


def test_json_report_shape(v2_fleet):
    fleet = V2Fleet(v2_fleet.root, v2_fleet.prefix, v2_fleet.sb, v2_fleet.capsys, size=2)
    first_revision_then_change(fleet)
    with fleet.devices():
        code, report, _ = fleet.rollout("--waves", "1")
    assert code == 0
    assert set(report) == {"action", "max_failures", "waves", "halted", "halt_reason", "not_started", "skipped",
                           "seconds", "ok", "succeeded_count", "failed_count"}
    assert report["action"] == "rollout" and report["max_failures"] == "0"
    wave = report["waves"][0]
    assert set(wave) == {"wave", "groups", "deployments", "succeeded", "failed", "seconds", "stopped"}
    assert wave["deployments"] == {fleet.names[0]: fleet.current(fleet.names[0])["deploymentId"]}


def test_failing_wave_halts_and_rollback_restores_the_previous_revision(v2_fleet):
    fleet = v2_fleet
    first_revision_then_change(fleet)
    broken = fleet.core(fleet.names[3])          # in wave 2
    cause = "component %s.Infer is BROKEN: exit code 1" % fleet.prefix
    with fleet.devices(fail={broken: cause}):
        code, report, err = fleet.rollout(*WAVES)
    assert code == 1
    assert report["halted"] and not report["ok"]
    assert len(report["waves"]) == 2 and report["not_started"] == fleet.names[5:]
    [failed] = report["waves"][1]["failed"]
    assert failed["group"] == fleet.names[3]
    [device] = [d for d in failed["devices"] if d["status"] == "FAILED"]
    assert device["thing"] == broken
    assert "FAILED_ROLLBACK_COMPLETE" in device["reason"] and cause in device["reason"]
    assert "COMPONENT_BROKEN" in device["reason"] and cause in failed["error"]
    assert cause in err                            # the device's reason, as it happened
    # later waves' groups got no new deployment (through the API)
    for name in fleet.names[5:]:
        assert [d["revisionId"] for d in fleet.history(name)] == ["1"]
        assert fleet.logging_level(fleet.current(name)) == "INFO"
    for name in fleet.names[:5]:
        assert fleet.logging_level(fleet.current(name)) == "DEBUG"
    # AWS's part: the failed group's job met its abort criterion (any failure of its one device)
    aborted = fleet.current(fleet.names[3])
    assert aborted["deploymentStatus"] == "CANCELED"
    assert fleet.iot.describe_job(jobId=aborted["iotJobId"])["job"]["reasonCode"] == "ABORTED"
    assert fleet.current(fleet.names[2])["deploymentStatus"] == "ACTIVE"
    with fleet.devices():
        code, out, err = fleet.cli("rollout", "--rollback", "--poll-interval", "0.2", "--timeout", "60")
    assert code == 0, out + err
    assert "skipped 15 groups (its revision 1 is not the spec's" in out + err
    for name in fleet.names[:5]:
        history = fleet.history(name)
        assert [d["revisionId"] for d in history] == ["3", "2", "1"]
        current, first = fleet.current(name), fleet.v2.get_deployment(deploymentId=history[2]["deploymentId"])
        assert current["components"] == first["components"] and fleet.logging_level(current) == "INFO"
        assert current["deploymentName"] == first["deploymentName"]
    for name in fleet.names[5:]:
        assert [d["revisionId"] for d in fleet.history(name)] == ["1"]
    # a second rollback does nothing
    code, report, _ = fleet.rollout("--rollback")
    assert code == 0 and report["waves"] == [] and len(report["skipped"]) == 20
    # every group runs revision 1's document again: the spec's revision is pending for all 20
    code, out, err = fleet.cli("plan", "--detailed-exitcode")
    assert code == 2 and "20 to deploy" in out + err


def test_max_failures_counts_failed_groups_over_the_waves(v2_fleet):
    fleet = v2_fleet
    first_revision_then_change(fleet)
    fail = {fleet.core(fleet.names[3]): "boom 3", fleet.core(fleet.names[4]): "boom 4"}
    with fleet.devices(fail=fail):
        code, report, _ = fleet.rollout(*WAVES, "--max-failures", "1")
    assert code == 1 and report["halt_reason"] == "2 of 5 groups failed by wave 2 (max failures 1)"
    assert report["not_started"] == fleet.names[5:]
    # with a count N no group alone can pass, AWS's abort criterion is left out
    assert "abortConfig" not in fleet.current(fleet.names[3])["iotJobConfiguration"]
    # again with 2 allowed: the groups whose revision failed are deployed again, and the rollout goes on
    with fleet.devices(fail=fail):
        code, report, _ = fleet.rollout(*WAVES, "--max-failures", "2")
    assert code == 0 and report["ok"] and report["failed_count"] == 2
    assert [g["group"] for w in report["waves"] for g in w["failed"]] == fleet.names[3:5]
    assert [s["group"] for s in report["skipped"]] == fleet.names[:3]
    for name in fleet.names[5:]:
        assert fleet.logging_level(fleet.current(name)) == "DEBUG"
    assert [d["revisionId"] for d in fleet.history(fleet.names[3])] == ["3", "2", "1"]


def test_devices_that_never_answer_time_out(v2_fleet):
    fleet = V2Fleet(v2_fleet.root, v2_fleet.prefix, v2_fleet.sb, v2_fleet.capsys, size=2)
    first_revision_then_change(fleet)
    code, out, err = fleet.cli("rollout", "--poll-interval", "0.2", "--timeout", "1", "--waves", "1")
    assert code == 1
    assert "FAILED %s: still %s QUEUED after 1s (timeout)" % (fleet.names[0], fleet.core(fleet.names[0])) in out
    assert "Not started (1): %s" % fleet.names[1] in out
    assert json.loads(json.dumps(fleet.current(fleet.names[1])["revisionId"])) == "1"
