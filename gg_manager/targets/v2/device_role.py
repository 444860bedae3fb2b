"""The V1 group role on Greengrass V2: a token exchange role and its IoT role alias.

A V2 core gets AWS credentials from the AWS IoT credentials provider: its
certificate may assume, through one role alias (the nucleus's `iotRoleAlias`),
the role the alias names. gg makes, per group:

- the role `gg-<group>-tes`, trusted by `credentials.iot.amazonaws.com` for this
  account only (`aws:SourceAccount`), with least privilege computed from the
  spec:
  - s3:GetObject on exactly the artifact objects it deploys (the model ZIPs),
    and s3:GetBucketLocation on their buckets (the nucleus asks a bucket's
    region before it downloads);
  - CloudWatch Logs on /aws/greengrass/* log groups, only if a logger uploads
    to CloudWatch (log manager writes /aws/greengrass/GreengrassSystem/... and
    /aws/greengrass/UserComponent/...);
  - what mapped connectors need (sns:Publish on the topic, ...).
  No SageMaker access: on V2 gg repacks the model into its own bucket at apply
  time, so the device never reads the training job;
- the role alias `gg-<group>-tes-alias` pointing at it.

A spec that names its own role (`Group.role: arn:...`) gets the alias only.
Lambda component artifacts come from the Greengrass service itself
(GetComponentVersionArtifact, allowed by the core's IoT policy), not from S3.
"""
from typing import Iterable, List, Optional

from gg_manager.provision.policies import (_allow, _doc, greengrass_cloudwatch_logs_statement,
                                           s3_object_arn)

CREDENTIALS_SERVICE = "credentials.iot.amazonaws.com"
CREDENTIAL_DURATION_S = 3600   # the IoT default; the nucleus refreshes before expiry


def trust_policy(account: str) -> dict:
    return _doc([{"Effect": "Allow", "Principal": {"Service": CREDENTIALS_SERVICE},
                  "Action": "sts:AssumeRole",
                  "Condition": {"StringEquals": {"aws:SourceAccount": account}}}])


def role_policy(region: str, account: str, artifact_uris: Iterable[str] = (),
                cloudwatch_logs: bool = False, extra_statements: Iterable[dict] = (),
                partition: str = "aws") -> Optional[dict]:
    """The role's inline policy, or None when the group's devices need no AWS access."""
    objects = sorted({s3_object_arn(uri, partition) for uri in artifact_uris})
    statements: List[dict] = []
    if objects:
        statements.append(_allow(["s3:GetObject"], objects))
        buckets = {o.split("/", 1)[0] for o in objects}
        statements.append(_allow(["s3:GetBucketLocation"], buckets))
    if cloudwatch_logs:
        statements.append(greengrass_cloudwatch_logs_statement(region, account, partition))
    statements += list(extra_statements)
    return _doc(statements) if statements else None


def role_arn(account: str, role_name: str, partition: str = "aws") -> str:
    return "arn:%s:iam::%s:role/%s" % (partition, account, role_name)


def role_alias_arn(region: str, account: str, alias: str, partition: str = "aws") -> str:
    return "arn:%s:iot:%s:%s:rolealias/%s" % (partition, region, account, alias)


def create_role_alias_request(alias: str, role: str, tags: Optional[dict] = None) -> dict:
    """iot CreateRoleAlias parameters (tags as IoT takes them: a list of Key/Value)."""
    request = {"roleAlias": alias, "roleArn": role, "credentialDurationSeconds": CREDENTIAL_DURATION_S}
    if tags:
        request["tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    return request
