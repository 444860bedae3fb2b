"""The execution role of bulk deployments: `gg-bulk-deploy`, found or created, tagged managed.

Trusted by greengrass.amazonaws.com only. Its one inline policy allows what AWS needs to
run a bulk deployment, and nothing else:
- greengrass:CreateDeployment on this account's and region's groups tagged
  gg:managed-by=gg (the fleet gg manages; a policy naming each group ARN would pass
  IAM's 10 KB inline-policy limit at about 90 groups);
- s3:GetObject on the rollout input files (s3://BUCKET/gg-rollout/*) and nothing else
  of the bucket.
"""
import json

from gg_manager.aws.session import error_code
from gg_manager.reconcile import names

ROLE_NAME = "gg-bulk-deploy"
POLICY_NAME = "gg-bulk-deploy"
INPUT_PREFIX = "gg-rollout/"

TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "greengrass.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def policy(ctx, bucket):
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "DeployGgManagedGroups", "Effect": "Allow", "Action": "greengrass:CreateDeployment",
         "Resource": ctx.arn("greengrass", "/greengrass/groups/*"),
         "Condition": {"StringEquals": {"aws:ResourceTag/%s" % names.MANAGED_BY: names.MANAGED_VALUE}}},
        {"Sid": "ReadRolloutInputFiles", "Effect": "Allow", "Action": "s3:GetObject",
         "Resource": "arn:%s:s3:::%s/%s*" % (ctx.partition, bucket, INPUT_PREFIX)},
    ]}


def ensure_role(ctx, bucket, out=None):
    """The role's ARN; creates the role, or puts its policy back, when they are not as above."""
    iam = ctx.client("iam")
    try:
        arn = iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"]
    except Exception as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        arn = iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(TRUST),
                              Description="managed by gg: runs gg rollout's bulk deployments",
                              Tags=[{"Key": names.MANAGED_BY, "Value": names.MANAGED_VALUE}])["Role"]["Arn"]
        if out:
            out.write("created IAM role %s for bulk deployments\n" % ROLE_NAME)
    wanted = policy(ctx, bucket)
    try:
        current = iam.get_role_policy(RoleName=ROLE_NAME, PolicyName=POLICY_NAME)["PolicyDocument"]
        if isinstance(current, str):
            current = json.loads(current)
    except Exception as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        current = None
    if current != wanted:
        iam.put_role_policy(RoleName=ROLE_NAME, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(wanted))
    return arn
