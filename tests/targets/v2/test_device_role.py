"""The token exchange role: trusted by the IoT credentials provider of this account, least privilege."""
import json

from v2_shapes import validate

from gg_manager.targets.v2 import device_role as dr
from gg_manager.targets.v2 import names

ACCOUNT, REGION = "123456789012", "eu-west-1"
MODEL = "s3://gg-artifacts-123456789012-eu-west-1/gg-models/classifier/%s.zip" % ("f" * 64)


def test_trusted_by_the_credentials_provider_for_this_account_only():
    (statement,) = dr.trust_policy(ACCOUNT)["Statement"]
    assert statement["Principal"] == {"Service": "credentials.iot.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_reads_exactly_the_artifacts_it_deploys():
    doc = dr.role_policy(REGION, ACCOUNT, [MODEL, MODEL])
    get, location = doc["Statement"]
    assert get == {"Effect": "Allow", "Action": ["s3:GetObject"],
                   "Resource": ["arn:aws:s3:::" + MODEL[len("s3://"):]]}
    assert location == {"Effect": "Allow", "Action": ["s3:GetBucketLocation"],
                        "Resource": ["arn:aws:s3:::gg-artifacts-123456789012-eu-west-1"]}
    assert "logs:" not in json.dumps(doc) and "sagemaker" not in json.dumps(doc)


def test_logs_only_with_a_cloudwatch_logger_and_connector_statements_added():
    extra = {"Effect": "Allow", "Action": ["sns:Publish"], "Resource": ["arn:aws:sns:x:1:t"]}
    doc = dr.role_policy(REGION, ACCOUNT, cloudwatch_logs=True, extra_statements=[extra])
    logs, sns = doc["Statement"]
    assert logs["Resource"] == ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/greengrass/*"]
    assert sns == extra
    assert dr.role_policy(REGION, ACCOUNT) is None


def test_requests_fit_botocore():
    role = names.token_exchange_role("gg-edge-ml")
    validate("iam", "CreateRole", {"RoleName": role,
                                   "AssumeRolePolicyDocument": json.dumps(dr.trust_policy(ACCOUNT))})
    validate("iam", "PutRolePolicy", {"RoleName": role, "PolicyName": role + "-policy",
                                      "PolicyDocument": json.dumps(dr.role_policy(REGION, ACCOUNT,
                                                                                  [MODEL]))})
    alias = names.role_alias("gg-edge-ml")
    request = dr.create_role_alias_request(alias, dr.role_arn(ACCOUNT, role),
                                           {"gg:managed-by": "gg", "gg:group": "gg-edge-ml"})
    validate("iot", "CreateRoleAlias", request)
    assert request["roleArn"] == "arn:aws:iam::123456789012:role/gg-gg-edge-ml-tes"
    assert dr.role_alias_arn(REGION, ACCOUNT, alias) == \
        "arn:aws:iot:eu-west-1:123456789012:rolealias/gg-gg-edge-ml-tes-alias"
