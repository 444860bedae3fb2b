"""The execution role of bulk deployments: `gg-bulk-deploy`, found or created, tagged managed.

Trusted by greengrass.amazonaws.com only, for this account's resources (aws:SourceAccount,
aws:SourceArn). Its one inline policy allows what AWS needs to run a bulk deployment:
- greengrass:CreateDeployment on this account's groups tagged gg:managed-by=gg, the
  groups gg manages (a policy naming each group ARN would pass IAM's 10 KB inline-policy
  limit at about 90 groups);
- s3:GetObject on the rollout input files only (s3://gg-artifacts-ACCOUNT-*/gg-rollout/*).
The policy names no region, so one role serves every region the account rolls out in. With a
permissions boundary (`--permissions-boundary`), the role is made with it, and gets it put back
(first) when it differs.
"""
import json

from gg_manager.aws.session import error_code
from gg_manager.resources import names

ROLE_NAME = "gg-bulk-deploy"
POLICY_NAME = "gg-bulk-deploy"
INPUT_PREFIX = "gg-rollout/"



def trust(ctx):
    """Greengrass may assume the role, for this account's resources only (the confused-deputy
    guard AWS recommends: aws:SourceAccount and aws:SourceArn)."""
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "greengrass.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account},
                      "ArnLike": {"aws:SourceArn": "arn:%s:greengrass:*:%s:*" % (ctx.partition, ctx.account)}}}]}


def policy(ctx):
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "DeployGgManagedGroups", "Effect": "Allow", "Action": "greengrass:CreateDeployment",
         "Resource": ctx.arn("greengrass", "/greengrass/groups/*", region="*"),
         "Condition": {"StringEquals": {"aws:ResourceTag/%s" % names.MANAGED_BY: names.MANAGED_VALUE}}},
        {"Sid": "ReadRolloutInputFiles", "Effect": "Allow", "Action": "s3:GetObject",
         "Resource": "arn:%s:s3:::%s/%s*" % (
             ctx.partition, names.default_artifact_bucket(ctx.account, "*"), INPUT_PREFIX)},
    ]}


def ensure_role(ctx, out=None):
    """The role's ARN; creates the role, or puts its policy back, when they are not as above."""
    iam = ctx.client("iam")
    boundary = ctx.permissions_boundary
    try:
        role = iam.get_role(RoleName=ROLE_NAME)["Role"]
        arn = role["Arn"]
        if boundary and (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn") != boundary:
            iam.put_role_permissions_boundary(RoleName=ROLE_NAME, PermissionsBoundary=boundary)
        current = role.get("AssumeRolePolicyDocument")
        if isinstance(current, str):
            current = json.loads(current)
        if current != trust(ctx):
            iam.update_assume_role_policy(RoleName=ROLE_NAME, PolicyDocument=json.dumps(trust(ctx)))
    except Exception as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        extra = {"PermissionsBoundary": boundary} if boundary else {}
        arn = iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust(ctx)),
                              Description="managed by gg: runs gg rollout's bulk deployments",
                              Tags=[{"Key": names.MANAGED_BY, "Value": names.MANAGED_VALUE}], **extra)["Role"]["Arn"]
        if out:
            out.write("created IAM role %s for bulk deployments\n" % ROLE_NAME)
    wanted = policy(ctx)
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
