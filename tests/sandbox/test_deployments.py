"""Deployment status progression, core reports, auto-complete, and reset_deployments over HTTP."""
import time

import pytest
from botocore.exceptions import ClientError

from gg_manager.sandbox.process import SandboxError
from sandbox_helpers import ISO, deploy, deployable_group, error_of


def _status(gg, group_id, deployment_id):
    return gg.get_deployment_status(GroupId=group_id, DeploymentId=deployment_id)


def test_in_progress_until_core_reports_success(gg, sandbox):
    group, version = deployable_group(gg)
    dep = deploy(gg, group["Id"], version)
    assert set(dep) - {"ResponseMetadata"} == {"DeploymentArn", "DeploymentId"}
    first = _status(gg, group["Id"], dep["DeploymentId"])
    assert first["DeploymentStatus"] == "InProgress" and first["DeploymentType"] == "NewDeployment"
    assert ISO.match(first["UpdatedAt"]) and "ErrorMessage" not in first

    pending = sandbox.deployments(group_id=group["Id"], status="InProgress")
    assert [(d["DeploymentId"], d["GroupVersionId"]) for d in pending] == [(dep["DeploymentId"], version)]

    answer = sandbox.report_deployment(group["Id"], dep["DeploymentId"], "Success")
    assert answer["DeploymentStatus"] == "Success"
    done = _status(gg, group["Id"], dep["DeploymentId"])
    assert done["DeploymentStatus"] == "Success" and "ErrorDetails" not in done


def test_failure_carries_message_and_details(gg, sandbox):
    group, version = deployable_group(gg)
    dep = deploy(gg, group["Id"], version)
    details = [{"DetailedErrorCode": "GG-Lambda-1", "DetailedErrorMessage": "inference: model not found"}]
    sandbox.report_deployment(group["Id"], dep["DeploymentId"], "Failure", "lambda failed to start", details)
    status = _status(gg, group["Id"], dep["DeploymentId"])
    assert status["DeploymentStatus"] == "Failure"
    assert status["ErrorMessage"] == "lambda failed to start"
    assert status["ErrorDetails"] == details


def test_report_is_checked(gg, sandbox):
    group, version = deployable_group(gg)
    dep = deploy(gg, group["Id"], version)
    with pytest.raises(SandboxError, match="status must be one of"):
        sandbox.report_deployment(group["Id"], dep["DeploymentId"], "Done")
    with pytest.raises(SandboxError, match="does not exist"):
        sandbox.report_deployment("other-group", dep["DeploymentId"], "Success")


def test_auto_complete_after(gg, sandbox):
    group, version = deployable_group(gg)
    sandbox.set_auto_complete(0.3)
    try:
        dep = deploy(gg, group["Id"], version)
        assert _status(gg, group["Id"], dep["DeploymentId"])["DeploymentStatus"] == "InProgress"
        time.sleep(0.4)
        assert _status(gg, group["Id"], dep["DeploymentId"])["DeploymentStatus"] == "Success"
    finally:
        sandbox.set_auto_complete(None)


def test_unknown_deployment(gg):
    group, _ = deployable_group(gg)
    with pytest.raises(ClientError) as exc:
        _status(gg, group["Id"], "00000000-0000-0000-0000-000000000000")
    assert error_of(exc)[1] == 400


def test_redeployment_keeps_group_version(gg, sandbox):
    group, version = deployable_group(gg)
    dep = deploy(gg, group["Id"], version)
    again = gg.create_deployment(GroupId=group["Id"], GroupVersionId=version, DeploymentType="Redeployment",
                                 DeploymentId=dep["DeploymentId"])
    listed = gg.list_deployments(GroupId=group["Id"])["Deployments"]
    assert {d["DeploymentId"] for d in listed} == {dep["DeploymentId"], again["DeploymentId"]}
    assert {d["DeploymentType"] for d in listed} == {"NewDeployment", "Redeployment"}


def test_reset_deployments_is_per_group_and_honours_force(gg):
    deployed, version = deployable_group(gg, "deployed")
    never, _ = deployable_group(gg, "never")
    deploy(gg, deployed["Id"], version)

    # moto looked at the last deployment of any group; AWS checks this group's own
    with pytest.raises(ClientError) as exc:
        gg.reset_deployments(GroupId=never["Id"])
    code, status, message = error_of(exc)
    assert (code, status) == ("BadRequestException", 400) and "has not been deployed" in message

    reset = gg.reset_deployments(GroupId=deployed["Id"])
    assert set(reset) - {"ResponseMetadata"} == {"DeploymentArn", "DeploymentId"}
    assert _status(gg, deployed["Id"], reset["DeploymentId"])["DeploymentType"] == "ResetDeployment"
    with pytest.raises(ClientError) as exc:  # already reset
        gg.reset_deployments(GroupId=deployed["Id"])
    assert error_of(exc)[0] == "BadRequestException"

    forced = gg.reset_deployments(GroupId=never["Id"], Force=True)
    status = _status(gg, never["Id"], forced["DeploymentId"])
    assert status["DeploymentType"] == "ForceResetDeployment" and status["DeploymentStatus"] == "Success"
