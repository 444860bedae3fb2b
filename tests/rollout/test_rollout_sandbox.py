"""The wave loop on the sandbox without cores: failure limits, the wave timeout, and what the
rollout leaves in IAM and S3 (read back through the APIs)."""
import io
import json

from gg_manager.aws.session import connect
from gg_manager.targets.v1.rollout.run import Rollout
from gg_manager.targets.v1.rollout.targets import Target
from gg_manager.targets.v1.rollout.waves import parse_limit, parse_waves

ROLE = "gg-bulk-deploy"


def small_fleet(sandbox, n=4):
    """n deployable groups made with plain boto3: [(name, id, version)] in name order."""
    gg = sandbox.boto3_client("greengrass")
    prefix = sandbox.unique_name("rs")
    core = gg.create_core_definition(InitialVersion={"Cores": [{
        "Id": "core", "CertificateArn": "arn:aws:iot:us-east-1:123456789012:cert/" + "a" * 64,
        "ThingArn": "arn:aws:iot:us-east-1:123456789012:thing/%s-core" % prefix, "SyncShadow": False}]})
    out = []
    for i in range(n):
        group = gg.create_group(Name="%s-%d" % (prefix, i),
                                InitialVersion={"CoreDefinitionVersionArn": core["LatestVersionArn"]})
        out.append(Target(group["Name"], group["Id"], group["LatestVersion"]))
    return out


def rollout(sandbox, targets, waves, limit, timeout=30):
    ctx = connect(region=sandbox.region, endpoint_url=sandbox.endpoint_url)
    progress = io.StringIO()
    report = Rollout(ctx, targets, parse_waves(waves), parse_limit(limit), timeout, poll=0.1,
                     out=progress).run()
    return report, progress.getvalue()


def test_failures_within_a_percentage_limit_let_the_rollout_finish(aws_env):
    aws_env.set_auto_complete(0)
    try:
        targets = small_fleet(aws_env)
        targets[0].version = "no-such-version"      # AWS refuses this record: the group fails
        report, progress = rollout(aws_env, targets, "2", "50%")
        assert not report.halted and len(report.waves) == 2, progress
        assert [f["group"] for f in report.failed] == [targets[0].group]
        assert sorted(report.succeeded) == [t.group for t in targets[1:]]

        targets = small_fleet(aws_env)
        targets[0].version = "no-such-version"
        report, progress = rollout(aws_env, targets, "2", "0")
        assert report.halted and len(report.waves) == 1 and report.not_started == [t.group for t in targets[2:]]
        gg = aws_env.boto3_client("greengrass")
        for t in targets[2:]:
            assert gg.list_deployments(GroupId=t.group_id)["Deployments"] == []
    finally:
        aws_env.set_auto_complete(None)


def test_a_wave_past_its_timeout_is_stopped_and_its_groups_count_as_failed(aws_env):
    targets = small_fleet(aws_env, 3)             # no core: deployments stay InProgress
    report, progress = rollout(aws_env, targets, "1", "0", timeout=1)
    assert report.halted and len(report.waves) == 1
    wave = report.waves[0]
    assert wave.stopped == "timeout" and "timeout" in wave.failed[0]["error"]
    gg = aws_env.boto3_client("greengrass")
    status = gg.get_bulk_deployment_status(BulkDeploymentId=wave.bulk_deployment_id)
    assert status["BulkDeploymentStatus"] == "Stopped"
    assert all(gg.list_deployments(GroupId=t.group_id)["Deployments"] == [] for t in targets[1:])


def test_execution_role_bucket_and_input_files(aws_env):
    aws_env.set_auto_complete(0)
    try:
        report, _ = rollout(aws_env, small_fleet(aws_env, 2), "1", "0")
    finally:
        aws_env.set_auto_complete(None)
    assert not report.halted
    iam, s3, gg = (aws_env.boto3_client(s) for s in ("iam", "s3", "greengrass"))
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [{
        "Effect": "Allow", "Principal": {"Service": "greengrass.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"},
                      "ArnLike": {"aws:SourceArn": "arn:aws:greengrass:*:123456789012:*"}}}]
    assert {"Key": "gg:managed-by", "Value": "gg"} in iam.list_role_tags(RoleName=ROLE)["Tags"]
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == [ROLE]
    assert iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == []
    statements = iam.get_role_policy(RoleName=ROLE, PolicyName=ROLE)["PolicyDocument"]["Statement"]
    assert {(s["Action"], s["Resource"]) for s in statements} == {
        ("greengrass:CreateDeployment", "arn:aws:greengrass:*:123456789012:/greengrass/groups/*"),
        ("s3:GetObject", "arn:aws:s3:::gg-artifacts-123456789012-*/gg-rollout/*")}
    assert statements[0]["Condition"] == {"StringEquals": {"aws:ResourceTag/gg:managed-by": "gg"}}
    bucket = "gg-artifacts-123456789012-%s" % aws_env.region
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "gg:managed-by", "Value": "gg"}]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="gg-rollout/").get("KeyCount") == 0   # cleaned up
    bulk = gg.get_bulk_deployment_status(BulkDeploymentId=report.waves[0].bulk_deployment_id)
    assert bulk["BulkDeploymentStatus"] == "Completed" and bulk["tags"]["gg:managed-by"] == "gg"
    assert json.dumps(report.to_dict())   # the JSON report is plain data


def test_an_edited_execution_role_is_put_back(aws_env):
    from gg_manager.targets.v1.rollout.role import ensure_role, policy, trust

    ctx = connect(region=aws_env.region, endpoint_url=aws_env.endpoint_url)
    ensure_role(ctx)
    iam = aws_env.boto3_client("iam")
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName=ROLE, PolicyName=ROLE, PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    ensure_role(ctx)
    assert iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"] == trust(ctx)
    assert iam.get_role_policy(RoleName=ROLE, PolicyName=ROLE)["PolicyDocument"] == policy(ctx)
