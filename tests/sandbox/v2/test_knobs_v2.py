"""V1's knobs on V2: failing V2 operations by name, throttling, the call log, auto-complete with no core, reset."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from botocore.exceptions import ClientError

from gg_manager.sandbox import process
from v2_helpers import component, deploy, error_of, executions, group, name, things


def test_fail_a_v2_operation_by_its_name(sandbox, gg2, iot):
    target = group(iot, things(iot, 1))
    component_name, version, _ = component(gg2)
    v1 = sandbox.boto3_client("greengrass", retries=0)
    with sandbox.faults(fail_operations=["greengrassv2:CreateDeployment:once"]):
        v1.list_groups()  # V1 is untouched by a greengrassv2: rule
        with pytest.raises(ClientError) as exc:
            deploy(gg2, target, {component_name: version})
        assert error_of(exc)[:2] == ("InternalServerException", 500)
        made = deploy(gg2, target, {component_name: version})  # once only
    assert gg2.get_deployment(deploymentId=made["deploymentId"])["deploymentStatus"] == "ACTIVE"


def test_throttling_v2_and_jobs_data(sandbox, gg2, jobs_data):
    with sandbox.faults(throttle_every=1):
        with pytest.raises(ClientError) as exc:
            gg2.list_components()
        assert error_of(exc)[:2] == ("ThrottlingException", 429)
        with pytest.raises(ClientError) as exc:
            jobs_data.get_pending_job_executions(thingName="any")
        assert error_of(exc)[:2] == ("ThrottlingException", 429)
    retrying = sandbox.boto3_client("greengrassv2", retries=3)
    with sandbox.faults(throttle_every=2):
        retrying.list_components()
        assert retrying.list_components()["ResponseMetadata"]["RetryAttempts"] == 1


def test_latency_is_added_to_v2_calls(sandbox, gg2):
    def median():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            gg2.list_components(scope="PUBLIC")
            times.append(time.perf_counter() - start)
        return sorted(times)[2]

    base = median()
    with sandbox.faults(latency_ms=150):
        assert median() - base >= 0.13


def test_call_log_keeps_the_order_served(sandbox, gg2, iot):
    sandbox.reset_calls()
    gg2.list_components()
    sandbox.boto3_client("greengrass", retries=0).list_groups()
    iot.list_things()
    gg2.list_components(scope="PUBLIC")
    assert sandbox.call_log() == ["greengrassv2:ListComponents", "greengrass:ListGroups", "iot:ListThings",
                                  "greengrassv2:ListComponents"]
    assert sandbox.calls()["greengrassv2:ListComponents"] == 2
    sandbox.reset_calls()
    assert sandbox.call_log() == []


def test_auto_complete_stands_in_for_a_core(sandbox, gg2, iot, auto_complete):
    auto_complete(1)
    members = things(iot, 2)
    target = group(iot, members)
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version})
    assert set(executions(iot, made["iotJobId"]).values()) == {"QUEUED"}
    sandbox.advance_clock(1.5)
    assert executions(iot, made["iotJobId"]) == {t: "SUCCEEDED" for t in members}
    for thing in members:
        effective = gg2.list_effective_deployments(coreDeviceThingName=thing)["effectiveDeployments"]
        assert [(e["deploymentId"], e["coreDeviceExecutionStatus"]) for e in effective] == [
            (made["deploymentId"], "SUCCEEDED")]
        installed = gg2.list_installed_components(coreDeviceThingName=thing)["installedComponents"]
        assert [(c["componentName"], c["lifecycleState"]) for c in installed] == [(component_name, "RUNNING")]
        assert gg2.get_core_device(coreDeviceThingName=thing)["status"] == "HEALTHY"


def test_reset_forgets_v2_state_and_the_clock(tmp_path):
    sb = process.start_sandbox(port=0, mqtt=False, state_dir=str(tmp_path), exit_with_parent=True)
    try:
        import boto3

        kwargs = dict(endpoint_url=sb.endpoint_url, region_name="us-east-1", aws_access_key_id="k",
                      aws_secret_access_key="s")
        gg2, iot = boto3.client("greengrassv2", **kwargs), boto3.client("iot", **kwargs)
        component_name, version, _ = component(gg2)
        thing = name("core")
        iot.create_thing(thingName=thing)
        deploy(gg2, "arn:aws:iot:us-east-1:123456789012:thing/%s" % thing, {component_name: version})
        sb.api("/_sandbox/clock", {"advance_seconds": 100})
        sb.api("/_sandbox/reset", {})
        assert gg2.list_components()["components"] == [] and gg2.list_deployments()["deployments"] == []
        assert iot.list_jobs()["jobs"] == []
        assert sb.api("/_sandbox/clock")["offset_seconds"] == 0
    finally:
        sb.stop()


def test_aws_cli_lists_public_components(sandbox):
    aws = shutil.which("aws") or os.path.join(os.path.dirname(sys.executable), "aws")
    env = dict({k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **sandbox.env())
    out = subprocess.run([aws, "greengrassv2", "list-components", "--scope", "PUBLIC", "--output", "json"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    names = {c["componentName"] for c in json.loads(out.stdout)["components"]}
    assert {"aws.greengrass.Nucleus", "aws.greengrass.LambdaManager", "aws.greengrass.ShadowManager"} <= names


def test_sandbox_clock_is_used_by_v1_auto_complete(sandbox, auto_complete):
    gg = sandbox.boto3_client("greengrass", retries=0)
    from sandbox_helpers import deploy as deploy_v1, deployable_group

    auto_complete(3600)
    group_v1, version = deployable_group(gg, name=name("v1"))
    made = deploy_v1(gg, group_v1["Id"], version)
    status = gg.get_deployment_status(GroupId=group_v1["Id"], DeploymentId=made["DeploymentId"])
    assert status["DeploymentStatus"] == "InProgress"
    sandbox.advance_clock(3601)
    status = gg.get_deployment_status(GroupId=group_v1["Id"], DeploymentId=made["DeploymentId"])
    assert status["DeploymentStatus"] == "Success"
