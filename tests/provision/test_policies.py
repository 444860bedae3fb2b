"""Policy documents grant exactly the resources the spec needs."""
import json

import pytest

from gg_manager.errors import GGError
from gg_manager.provision.policies import (
    canonical_policy, cloud_topics, core_iot_policy, greengrass_cloudwatch_logs_statement,
    greengrass_trust_policy, group_role_policy, lambda_execution_policy, lambda_trust_policy,
    mqtt_to_policy_topic, s3_object_arn,
)

R, A, T = "eu-west-1", "123456789012", "GG_Core"
IOT = "arn:aws:iot:eu-west-1:123456789012:"
GG = "arn:aws:greengrass:eu-west-1:123456789012:/greengrass/groups/"


def grants(doc):
    """{action: sorted resources} over all statements (all are Allow)."""
    out = {}
    for st in doc["Statement"]:
        assert st["Effect"] == "Allow"
        for action in st["Action"]:
            out.setdefault(action, set()).update(st["Resource"])
    return {k: sorted(v) for k, v in out.items()}


def test_core_policy_minimal_and_scoped():
    g = grants(core_iot_policy(R, A, T, group_id="g-123"))
    assert g == {
        "iot:Connect": [IOT + "client/GG_Core"],
        "iot:Publish": [IOT + "topic/$aws/things/GG_Core-*",
                        IOT + "topic/$aws/things/GG_Core/shadow/*"],
        "iot:Receive": [IOT + "topic/$aws/things/GG_Core-*",
                        IOT + "topic/$aws/things/GG_Core/shadow/*"],
        "iot:Subscribe": [IOT + "topicfilter/$aws/things/GG_Core-*",
                          IOT + "topicfilter/$aws/things/GG_Core/shadow/*"],
        "iot:GetThingShadow": [IOT + "thing/GG_Core", IOT + "thing/GG_Core-*"],
        "iot:UpdateThingShadow": [IOT + "thing/GG_Core", IOT + "thing/GG_Core-*"],
        "iot:DeleteThingShadow": [IOT + "thing/GG_Core", IOT + "thing/GG_Core-*"],
        "greengrass:AssumeRoleForGroup": ["*"],
        "greengrass:CreateCertificate": ["*"],
        "greengrass:GetDeployment": [GG + "g-123/deployments/*"],
        "greengrass:GetDeploymentArtifacts": [GG + "g-123/deployments/*"],
        "greengrass:UpdateCoreDeploymentStatus": [
            GG + "g-123/deployments/*/cores/"
                 "arn%3Aaws%3Aiot%3Aeu-west-1%3A123456789012%3Athing%2FGG_Core"],
        "greengrass:GetConnectivityInfo": [IOT + "thing/GG_Core"],
        "greengrass:UpdateConnectivityInfo": [IOT + "thing/GG_Core"],
    }


def test_core_policy_has_no_wildcard_iot_grant():
    doc = core_iot_policy(R, A, T)
    for st in doc["Statement"]:
        assert not any(a in ("iot:*", "*", "greengrass:*") for a in st["Action"])
        if any(a.startswith("iot:") for a in st["Action"]):
            assert "*" not in st["Resource"]
    assert grants(doc)["greengrass:GetDeployment"] == [GG + "*/deployments/*"]


def test_core_policy_cloud_topics_and_devices():
    subs = [
        {"Source": "cloud", "Subject": "blog/infer/input", "Target": "arn:fn"},
        {"Source": "arn:fn", "Subject": "blog/infer/output", "Target": "cloud"},
        {"Source": "cloud", "Subject": "cmd/+/run/#", "Target": "arn:fn"},
        {"Source": "arn:fn", "Subject": "local/only", "Target": "arn:other"},
    ]
    publish, subscribe = cloud_topics(subs)
    assert publish == ["blog/infer/output"]
    assert subscribe == ["blog/infer/input", "cmd/+/run/#"]
    g = grants(core_iot_policy(R, A, T, "g", publish, subscribe, device_things=["Cam1"]))
    assert IOT + "topic/blog/infer/output" in g["iot:Publish"]
    assert IOT + "topic/blog/infer/input" not in g["iot:Publish"]
    assert IOT + "topicfilter/blog/infer/input" in g["iot:Subscribe"]
    assert IOT + "topicfilter/cmd/+/run/#" in g["iot:Subscribe"]
    assert IOT + "topic/cmd/*/run/*" in g["iot:Receive"]
    assert IOT + "topic/blog/infer/output" not in g["iot:Receive"]
    assert not [r for r in g["iot:Publish"] + g["iot:Receive"] if "local/only" in r]
    assert IOT + "thing/Cam1" in g["iot:GetThingShadow"]
    assert IOT + "topic/$aws/things/Cam1/shadow/*" in g["iot:Publish"]


def test_core_policy_is_deterministic():
    a = core_iot_policy(R, A, T, "g", ["b", "a", "a"], ["y", "x"])
    b = core_iot_policy(R, A, T, "g", ["a", "b"], ["x", "y"])
    assert json.dumps(a) == json.dumps(b)


def test_core_policy_refuses_wildcard_thing():
    with pytest.raises(GGError):
        core_iot_policy(R, A, "*")


def test_mqtt_to_policy_topic():
    assert mqtt_to_policy_topic("a/+/b/#") == "a/*/b/*"
    assert mqtt_to_policy_topic("/request/classify/beverage_container") == \
        "/request/classify/beverage_container"
    assert mqtt_to_policy_topic("a+b/c#") == "a+b/c#"  # not wildcards inside a level


def test_group_role_exact_resources():
    job = "arn:aws:sagemaker:eu-west-1:123456789012:training-job/ic-beverage-2026"
    doc = group_role_policy([job, job], ["s3://models-bkt/gg-models/m/abc.tar.gz"])
    assert doc == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sagemaker:DescribeTrainingJob"], "Resource": [job]},
        {"Effect": "Allow", "Action": ["s3:GetObject"],
         "Resource": ["arn:aws:s3:::models-bkt/gg-models/m/abc.tar.gz"]},
    ]}


def test_group_role_none_when_nothing_needed():
    assert group_role_policy([], []) is None
    logs = greengrass_cloudwatch_logs_statement(R, A)
    doc = group_role_policy(extra_statements=[logs])
    assert doc["Statement"] == [logs]
    assert logs["Resource"] == ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/greengrass/*"]


@pytest.mark.parametrize("arn", [
    "arn:aws:sagemaker:eu-west-1:123456789012:training-job/*",
    "arn:aws:sagemaker:eu-west-1:123456789012:model/m",
    "ic-beverage",
])
def test_group_role_refuses_non_job_arns(arn):
    with pytest.raises(GGError, match="training job ARN"):
        group_role_policy([arn])


@pytest.mark.parametrize("source", ["s3://bkt", "s3://bkt/", "s3://bkt/models/*",
                                    "https://bkt.s3.amazonaws.com/k", "s3://bkt/dir/"])
def test_s3_object_must_be_one_object(source):
    with pytest.raises(GGError):
        s3_object_arn(source)


def test_s3_object_arn_accepts_arns():
    assert s3_object_arn("arn:aws:s3:::b/k.tar.gz") == "arn:aws:s3:::b/k.tar.gz"


def test_trust_policies_are_scoped_to_the_account():
    gg = greengrass_trust_policy(A, R)
    assert gg == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "greengrass.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": A},
                       "ArnLike": {"aws:SourceArn": "arn:aws:greengrass:%s:%s:*" % (R, A)}}}]}
    assert lambda_trust_policy(A) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": A}}}]}
    with pytest.raises(GGError):
        lambda_trust_policy("")


def test_core_may_connect_only_as_itself():
    connect = grants(core_iot_policy(R, A, "store-1", group_id="g"))["iot:Connect"]
    assert connect == [IOT + "client/store-1"]      # not store-10, not store-1-anything


def test_lambda_execution_policy_only_own_log_groups():
    g = grants(lambda_execution_policy(R, A, ["BlogInfer", "Camera"]))
    base = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/"
    assert g == {
        "logs:CreateLogGroup": [base + "BlogInfer:*", base + "Camera:*"],
        "logs:CreateLogStream": [base + "BlogInfer:log-stream:*", base + "Camera:log-stream:*"],
        "logs:PutLogEvents": [base + "BlogInfer:log-stream:*", base + "Camera:log-stream:*"],
    }
    with pytest.raises(GGError):
        lambda_execution_policy(R, A, [])


def test_canonical_policy_ignores_order_and_singletons():
    mine = core_iot_policy(R, A, T, "g", ["out"], ["in"])
    theirs = json.loads(json.dumps(mine))
    theirs["Statement"].reverse()
    for st in theirs["Statement"]:
        st["Action"].reverse()
        if len(st["Resource"]) == 1:
            st["Resource"] = st["Resource"][0]
    assert canonical_policy(json.dumps(theirs)) == canonical_policy(mine)
    changed = core_iot_policy(R, A, T, "g", ["out2"], ["in"])
    assert canonical_policy(changed) != canonical_policy(mine)
