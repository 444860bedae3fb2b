"""Every AWS call gg makes in a run, with its parameters, and the IAM requests each one is authorized as.

`recording(monkeypatch)` makes every boto3 session created afterwards report each call (botocore's
before-parameter-build event: the operation and the parameters gg passed). `requests_for(calls)`
turns them into what IAM authorizes, per the Service Authorization Reference: the action (HeadObject
is s3:GetObject), the resource ARN, the condition keys the action carries (iam:PermissionsBoundary
on the role actions that support it, iam:PassedToService on PassRole), and the extra permissions a
call needs (a Lambda's role passed: iam:PassRole; tags given on create: *:TagResource/iam:TagRole;
a DynamoDB transaction: one item action per item).
"""
from dataclasses import dataclass
from typing import Optional

import boto3

from tests.ci.iam_eval import Request

# Operations authorized as another action.
ACTION = {"s3:HeadObject": "s3:GetObject", "s3:HeadBucket": "s3:ListBucket", "s3:ListObjectsV2": "s3:ListBucket",
          "s3:ListBuckets": "s3:ListAllMyBuckets"}
# Role actions whose request carries iam:PermissionsBoundary (the role's boundary, or the one being set).
BOUNDARY_KEYED = {"CreateRole", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy",
                  "UpdateAssumeRolePolicy", "DeleteRole", "PutRolePermissionsBoundary",
                  "DeleteRolePermissionsBoundary", "UpdateRole"}
# Calls that pass a role to a service: (parameter, service principal).
PASSES_ROLE = {"lambda:CreateFunction": ("Role", "lambda.amazonaws.com"),
               "lambda:UpdateFunctionConfiguration": ("Role", "lambda.amazonaws.com"),
               "greengrass:AssociateRoleToGroup": ("RoleArn", "greengrass.amazonaws.com"),
               "greengrass:StartBulkDeployment": ("ExecutionRoleArn", "greengrass.amazonaws.com")}
TAGS_ON_CREATE = {"iam:CreateRole": ("Tags", "iam:TagRole"), "lambda:CreateFunction": ("Tags", "lambda:TagResource"),
                  "dynamodb:CreateTable": ("Tags", "dynamodb:TagResource"),
                  "s3:PutObject": ("Tagging", "s3:PutObjectTagging")}
TRANSACT = {"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem", "Delete": "dynamodb:DeleteItem",
            "ConditionCheck": "dynamodb:ConditionCheckItem"}
NO_PERMISSION = {"sts:GetCallerIdentity"}          # answered to any caller


@dataclass
class Call:
    operation: str           # "iam:CreateRole"
    params: dict
    response: Optional[dict] = None


def recording(monkeypatch):
    """A list that every AWS call made from now on (in this process) is appended to, with its answer."""
    calls = []

    def before(params, model, context, **kwargs):
        call = Call("%s:%s" % (model.service_model.service_name, model.name), dict(params))
        context["gg_test_call"] = call
        calls.append(call)

    def after(parsed, context, **kwargs):
        if "gg_test_call" in context:
            context["gg_test_call"].response = parsed

    original = boto3.session.Session.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register("before-parameter-build", before)
        self.events.register("after-call", after)
    monkeypatch.setattr(boto3.session.Session, "__init__", init)
    return calls


class Arns:
    def __init__(self, account, region):
        self.account, self.region = account, region

    def of(self, service, resource):
        return "arn:aws:%s:%s:%s:%s" % (service, self.region, self.account, resource)

    def role(self, name):
        return "arn:aws:iam::%s:role/%s" % (self.account, name)

    def resource(self, operation, params):
        service, _, name = operation.partition(":")
        if service == "iam":
            return self.role(params["RoleName"]) if "RoleName" in params else "*"
        if service == "s3":
            if "Bucket" not in params:
                return "*"
            return "arn:aws:s3:::%s%s" % (params["Bucket"], "/" + params["Key"] if "Key" in params else "")
        if service == "lambda":
            fn = params.get("FunctionName")
            return self.of("lambda", "function:" + fn.split(":")[-1] if not fn.startswith("arn:") else fn) \
                if fn else "*"
        if service == "iot":
            return self._iot(params)
        if service == "dynamodb":
            return self.of("dynamodb", "table/" + params["TableName"]) if "TableName" in params else "*"
        if service == "sagemaker":
            return self.of("sagemaker", "training-job/" + params["TrainingJobName"].lower())
        if service == "greengrass":
            return self.of("greengrass", "/greengrass/groups/" + params["GroupId"]) if "GroupId" in params else "*"
        return "*"

    def _iot(self, params):
        for key, kind in (("thingName", "thing"), ("policyName", "policy")):
            if key in params and not ("target" in params or "principal" in params):
                return self.of("iot", "%s/%s" % (kind, params[key]))
        for key in ("target", "principal"):
            if str(params.get(key, "")).startswith("arn:"):
                return params[key]
        if "certificateId" in params:
            return self.of("iot", "cert/" + params["certificateId"])
        return "*"


def requests_for(calls, account, region):
    """The IAM requests of `calls`, in order; roles' boundaries are followed as the calls set them."""
    arns, boundaries, out = Arns(account, region), {}, []
    for call in calls:
        if call.operation in NO_PERMISSION:
            continue
        out += _requests(call, arns, boundaries)
    return out


def _requests(call, arns, boundaries):
    service, _, name = call.operation.partition(":")
    params = call.params
    action = ACTION.get(call.operation, call.operation)
    resource = arns.resource(call.operation, params)
    context = {"aws:PrincipalAccount": arns.account}
    if service == "iam" and name in BOUNDARY_KEYED:
        role = params.get("RoleName")
        if name in ("CreateRole", "PutRolePermissionsBoundary"):
            boundary = params.get("PermissionsBoundary")
        else:
            boundary = boundaries.get(role)
        if boundary:
            context["iam:PermissionsBoundary"] = boundary
    out = []
    if call.operation == "dynamodb:TransactWriteItems":
        for item in params["TransactItems"]:
            (kind, body), = item.items()
            out.append(Request(TRANSACT[kind], arns.of("dynamodb", "table/" + body["TableName"]), context))
    else:
        out.append(Request(action, resource, context))
    if call.operation in PASSES_ROLE:
        param, principal = PASSES_ROLE[call.operation]
        if params.get(param):
            out.append(Request("iam:PassRole", params[param],
                               {"aws:PrincipalAccount": arns.account, "iam:PassedToService": principal}))
    if call.operation in TAGS_ON_CREATE and params.get(TAGS_ON_CREATE[call.operation][0]):
        out.append(Request(TAGS_ON_CREATE[call.operation][1], resource, context))
    if service == "greengrass" and name.startswith("Create") and params.get("tags"):
        out.append(Request("greengrass:TagResource", resource, context))
    _follow_boundary(call, boundaries)
    return out


def _follow_boundary(call, boundaries):
    role = call.params.get("RoleName")
    if call.operation == "iam:GetRole" and call.response and "Role" in call.response:
        boundaries[role] = (call.response["Role"].get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    elif call.operation in ("iam:CreateRole", "iam:PutRolePermissionsBoundary"):
        boundaries[role] = call.params.get("PermissionsBoundary")
    elif call.operation in ("iam:DeleteRolePermissionsBoundary", "iam:DeleteRole"):
        boundaries.pop(role, None)
