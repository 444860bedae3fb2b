"""Bulk deployments reading their input file from the sandbox's S3."""
import json

import pytest
from botocore.exceptions import ClientError

from sandbox_helpers import ISO, deployable_group, error_of

ROLE = "arn:aws:iam::123456789012:role/GreengrassBulkDeploy"


def _input_file(sandbox, lines):
    s3 = sandbox.boto3_client("s3")
    bucket = sandbox.unique_name("bulk")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="input.json", Body="\n".join(lines).encode())
    return "s3://%s/input.json" % bucket


def test_bulk_deployment_lifecycle(gg, sandbox):
    groups = [deployable_group(gg, "bulk-%d" % i) for i in range(2)]
    lines = [json.dumps({"GroupId": g["Id"], "GroupVersionId": v, "DeploymentType": "NewDeployment"}) for g, v in groups]
    lines.append(json.dumps({"GroupId": "no-such-group", "GroupVersionId": "v", "DeploymentType": "NewDeployment"}))
    started = gg.start_bulk_deployment(ExecutionRoleArn=ROLE, InputFileUri=_input_file(sandbox, lines),
                                       tags={"wave": "1"})
    assert set(started) - {"ResponseMetadata"} == {"BulkDeploymentArn", "BulkDeploymentId"}
    bulk_id = started["BulkDeploymentId"]
    assert started["BulkDeploymentArn"].endswith("/greengrass/bulk/deployments/" + bulk_id)

    status = gg.get_bulk_deployment_status(BulkDeploymentId=bulk_id)
    assert status["BulkDeploymentStatus"] == "Running"
    assert status["BulkDeploymentMetrics"] == {"InvalidInputRecords": 1, "RecordsProcessed": 3, "RetryAttempts": 0}
    assert ISO.match(status["CreatedAt"]) and status["tags"] == {"wave": "1"}
    assert bulk_id in [b["BulkDeploymentId"] for b in gg.list_bulk_deployments()["BulkDeployments"]]

    reports = gg.list_bulk_deployment_detailed_reports(BulkDeploymentId=bulk_id)["Deployments"]
    real = [r for r in reports if "DeploymentId" in r]
    assert len(real) == 2 and {r["DeploymentStatus"] for r in real} == {"InProgress"}
    assert all(r["DeploymentType"] == "NewDeployment" and ISO.match(r["CreatedAt"]) for r in real)
    assert [r["DeploymentStatus"] for r in reports if "DeploymentId" not in r] == ["Failure"]

    # each bulk record is a real deployment of its group, progressing like any other
    (g0, _), (g1, _) = groups
    by_group = {r["GroupArn"].split("/versions/")[0]: r for r in real}
    d0, d1 = by_group[g0["Arn"]], by_group[g1["Arn"]]
    assert gg.get_deployment_status(GroupId=g0["Id"], DeploymentId=d0["DeploymentId"])["DeploymentStatus"] == "InProgress"
    sandbox.report_deployment(g0["Id"], d0["DeploymentId"], "Success")
    sandbox.report_deployment(g1["Id"], d1["DeploymentId"], "Failure", "no core", [
        {"DetailedErrorCode": "GG-1", "DetailedErrorMessage": "core offline"}])
    reports = {r.get("DeploymentId"): r for r in
               gg.list_bulk_deployment_detailed_reports(BulkDeploymentId=bulk_id)["Deployments"]}
    assert reports[d0["DeploymentId"]]["DeploymentStatus"] == "Success"
    assert reports[d1["DeploymentId"]]["ErrorMessage"] == "no core"
    assert gg.get_bulk_deployment_status(BulkDeploymentId=bulk_id)["BulkDeploymentStatus"] == "Completed"
    with pytest.raises(ClientError):  # a finished bulk deployment cannot be stopped
        gg.stop_bulk_deployment(BulkDeploymentId=bulk_id)


def test_stop_bulk_deployment(gg, sandbox):
    group, version = deployable_group(gg)
    uri = _input_file(sandbox, [json.dumps({"GroupId": group["Id"], "GroupVersionId": version,
                                            "DeploymentType": "NewDeployment"})])
    bulk_id = gg.start_bulk_deployment(ExecutionRoleArn=ROLE, InputFileUri=uri)["BulkDeploymentId"]
    answer = gg.stop_bulk_deployment(BulkDeploymentId=bulk_id)
    assert set(answer) == {"ResponseMetadata"}
    assert gg.get_bulk_deployment_status(BulkDeploymentId=bulk_id)["BulkDeploymentStatus"] == "Stopped"


def test_missing_input_file_fails_the_bulk_deployment(gg, sandbox):
    bulk_id = gg.start_bulk_deployment(ExecutionRoleArn=ROLE, InputFileUri="s3://no-such-bucket-x/in.json")["BulkDeploymentId"]
    status = gg.get_bulk_deployment_status(BulkDeploymentId=bulk_id)
    assert status["BulkDeploymentStatus"] == "Failed" and status["ErrorMessage"] and status["ErrorDetails"]


@pytest.mark.parametrize("kwargs", [
    {"ExecutionRoleArn": ROLE, "InputFileUri": "https://example.com/in.json"},
    {"ExecutionRoleArn": "not-a-role", "InputFileUri": "s3://b/k"},
])
def test_start_is_validated(gg, kwargs):
    with pytest.raises(ClientError) as exc:
        gg.start_bulk_deployment(**kwargs)
    assert error_of(exc)[:2] == ("BadRequestException", 400)


def test_unknown_bulk_deployment(gg):
    with pytest.raises(ClientError) as exc:
        gg.get_bulk_deployment_status(BulkDeploymentId="nope")
    assert error_of(exc)[:2] == ("BadRequestException", 400)
