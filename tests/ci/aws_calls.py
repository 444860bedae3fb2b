"""Every AWS call gg makes in a run, with its parameters, and the IAM requests each one is authorized as.

`recording(monkeypatch)` makes every boto3 session created afterwards report each call (botocore's
before-parameter-build event: the operation and the parameters gg passed). `requests_for(calls)`
turns them into what IAM authorizes, per the Service Authorization Reference: the action (HeadObject
is s3:GetObject), the resource ARN, the condition keys the action carries (iam:PermissionsBoundary
on the role actions that support it, iam:PassedToService on PassRole), and the extra permissions a
call needs (a Lambda's role passed: iam:PassRole; a role alias's role: iam:PassRole to
credentials.iot.amazonaws.com; tags given on create: *:TagResource/iam:TagRole; a DynamoDB transaction:
one item action per item; a Greengrass V2 deployment: the IoT job and shadow actions AWS checks
against the caller, as the AWS::GreengrassV2::Deployment resource schema lists them).

Greengrass V2's API (boto3's greengrassv2) is authorized under the IAM prefix `greengrass`, with the
resource types of the Service Authorization Reference ("Actions, resources, and condition keys for
AWS IoT Greengrass V2"): component `arn:aws:greengrass:R:A:components:NAME`, componentVersion
`...:components:NAME:versions:V`, coreDevice `...:coreDevices:THING`, deployment `...:deployments:ID`;
CreateDeployment, ListComponents, ListCoreDevices and ListDeployments have none ("*").
"""
import json
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
               "iot:CreateRoleAlias": ("roleArn", "credentials.iot.amazonaws.com"),
               "iot:UpdateRoleAlias": ("roleArn", "credentials.iot.amazonaws.com"),
               "lambda:UpdateFunctionConfiguration": ("Role", "lambda.amazonaws.com"),
               "greengrass:AssociateRoleToGroup": ("RoleArn", "greengrass.amazonaws.com"),
               "greengrass:StartBulkDeployment": ("ExecutionRoleArn", "greengrass.amazonaws.com")}
TAGS_ON_CREATE = {"iam:CreateRole": ("Tags", "iam:TagRole"), "lambda:CreateFunction": ("Tags", "lambda:TagResource"),
                  "dynamodb:CreateTable": ("Tags", "dynamodb:TagResource"),
                  "s3:PutObject": ("Tagging", "s3:PutObjectTagging"),
                  "iot:CreateThingGroup": ("tags", "iot:TagResource"),
                  "iot:CreateRoleAlias": ("tags", "iot:TagResource"),
                  "greengrassv2:CreateComponentVersion": ("tags", "greengrass:TagResource"),
                  "greengrassv2:CreateDeployment": ("tags", "greengrass:TagResource")}
TRANSACT = {"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem", "Delete": "dynamodb:DeleteItem",
            "ConditionCheck": "dynamodb:ConditionCheckItem"}
NO_PERMISSION = {"sts:GetCallerIdentity"}          # answered to any caller
PREFIX = {"greengrassv2": "greengrass", "iot-jobs-data": "iotjobsdata"}    # boto3 service name -> IAM prefix
# What AWS also authorizes against the caller of a V2 deployment call (AWS::GreengrassV2::Deployment's
# handler permissions): on the deployment's IoT job, its target thing group, the group's things.
DEPLOYMENT_NEEDS = {
    "greengrassv2:CreateDeployment": {"job": ("iot:CreateJob", "iot:DescribeJob", "iot:UpdateJob", "iot:CancelJob"),
                                      "thinggroup": ("iot:DescribeThingGroup",),
                                      "thing": ("iot:DescribeThing", "iot:GetThingShadow", "iot:UpdateThingShadow",
                                                "iot:DeleteThingShadow")},
    "greengrassv2:CancelDeployment": {"job": ("iot:CancelJob", "iot:DescribeJob")},
    "greengrassv2:DeleteDeployment": {"job": ("iot:DeleteJob", "iot:DescribeJob", "iot:CancelJob")},
}


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
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)    # boto3.client() makes a new (recorded) one, whatever
    return calls                                            # ran earlier in this process


class Arns:
    def __init__(self, account, region):
        self.account, self.region = account, region

    def of(self, service, resource):
        return "arn:aws:%s:%s:%s:%s" % (service, self.region, self.account, resource)

    def role(self, name):
        return "arn:aws:iam::%s:role/%s" % (self.account, name)

    def resources(self, operation, params):
        """The resources the action is authorized on (several where it needs more than one type)."""
        service, _, name = operation.partition(":")
        if service == "iot":
            return self._iot(name, params)
        if service == "greengrassv2":
            return [self._greengrass_v2(name, params)]
        return [self.resource(operation, params)]

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
        if service == "dynamodb":
            return self.of("dynamodb", "table/" + params["TableName"]) if "TableName" in params else "*"
        if service == "sagemaker":
            return self.of("sagemaker", "training-job/" + params["TrainingJobName"].lower())
        if service == "greengrass":
            return self.of("greengrass", "/greengrass/groups/" + params["GroupId"]) if "GroupId" in params else "*"
        return "*"

    def _greengrass_v2(self, name, params):
        if "arn" in params:                                  # a component, or one of its versions
            return params["arn"]
        if name == "CreateComponentVersion":
            return self.of("greengrass", "components:" + component_name(params))
        if "deploymentId" in params:
            return self.of("greengrass", "deployments:" + params["deploymentId"])
        if "coreDeviceThingName" in params:
            return self.of("greengrass", "coreDevices:" + params["coreDeviceThingName"])
        return "*"

    def _iot(self, name, params):
        if str(params.get("resourceArn", "")).startswith("arn:"):     # Tag/Untag/ListTagsForResource
            return [params["resourceArn"]]
        found = [self.of("iot", "%s/%s" % (kind, params[key])) for key, kind in (
            ("thingName", "thing"), ("thingGroupName", "thinggroup"), ("roleAlias", "rolealias"))
            if key in params and not ("target" in params or "principal" in params)]
        if "policyName" in params and not ("target" in params or "principal" in params):
            found.append(self.of("iot", "policy/" + params["policyName"]))
        for key in ("target", "principal"):
            if str(params.get(key, "")).startswith("arn:"):
                return [params[key]]
        if not found and "certificateId" in params:
            found.append(self.of("iot", "cert/" + params["certificateId"]))
        if not found and "jobId" in params:           # ListJobExecutionsForJob; a job execution is its thing's
            found.append(self.of("iot", "job/" + params["jobId"]))
        return found or ["*"]


class Followed:
    """What earlier calls told: each role's boundary, each V2 deployment's IoT job, each group's things."""

    def __init__(self):
        self.boundaries, self.jobs, self.members = {}, {}, {}

    def follow(self, call):
        _follow_boundary(call, self.boundaries)
        params, response = call.params, call.response or {}
        if call.operation in ("greengrassv2:CreateDeployment", "greengrassv2:GetDeployment") and \
                response.get("deploymentId") and response.get("iotJobId"):
            self.jobs[response["deploymentId"]] = response["iotJobId"]
        if call.operation == "iot:AddThingToThingGroup":
            self.members.setdefault(params["thingGroupName"], set()).add(params["thingName"])
        elif call.operation == "iot:ListThingsInThingGroup":
            self.members.setdefault(params["thingGroupName"], set()).update(response.get("things", []))
        elif call.operation == "iot:RemoveThingFromThingGroup":
            self.members.get(params["thingGroupName"], set()).discard(params["thingName"])


def requests_for(calls, account, region):
    """The IAM requests of `calls`, in order; roles' boundaries are followed as the calls set them."""
    return [r for found in requests_per_call(calls, account, region) for r in found]


def requests_per_call(calls, account, region):
    """[the IAM requests of each call], aligned with `calls` (what each one needs depends on those before)."""
    arns, followed, out = Arns(account, region), Followed(), []
    for call in calls:
        out.append([] if call.operation in NO_PERMISSION else _requests(call, arns, followed))
        followed.follow(call)
    return out


def _requests(call, arns, followed):
    service, _, name = call.operation.partition(":")
    params = call.params
    action = ACTION.get(call.operation, "%s:%s" % (PREFIX.get(service, service), name))
    resources = arns.resources(call.operation, params)
    context = {"aws:PrincipalAccount": arns.account}
    if service == "iam" and name in BOUNDARY_KEYED:
        role = params.get("RoleName")
        if name in ("CreateRole", "PutRolePermissionsBoundary"):
            boundary = params.get("PermissionsBoundary")
        else:
            boundary = followed.boundaries.get(role)
        if boundary:
            context["iam:PermissionsBoundary"] = boundary
    if call.operation == "dynamodb:TransactWriteItems":
        out = [Request(TRANSACT[kind], arns.of("dynamodb", "table/" + body["TableName"]), context)
               for item in params["TransactItems"] for kind, body in item.items()]
    else:
        out = [Request(action, resource, context) for resource in resources]
    if call.operation in PASSES_ROLE:
        param, principal = PASSES_ROLE[call.operation]
        if params.get(param):
            out.append(Request("iam:PassRole", params[param],
                               {"aws:PrincipalAccount": arns.account, "iam:PassedToService": principal}))
    if call.operation in TAGS_ON_CREATE and params.get(TAGS_ON_CREATE[call.operation][0]):
        out.append(Request(TAGS_ON_CREATE[call.operation][1], _created(call, arns, resources[0]), context))
    if service == "greengrass" and name.startswith("Create") and params.get("tags"):
        out.append(Request("greengrass:TagResource", resources[0], context))
    return out + _deployment_needs(call, arns, followed, context)


def _created(call, arns, resource):
    """The resource a create call tags: a V2 deployment's ARN is known from its answer."""
    deployment = (call.response or {}).get("deploymentId")
    if call.operation == "greengrassv2:CreateDeployment" and deployment:
        return arns.of("greengrass", "deployments:" + deployment)
    return resource


def _deployment_needs(call, arns, followed, context):
    needs = DEPLOYMENT_NEEDS.get(call.operation)
    if not needs:
        return []
    params, response = call.params, call.response or {}
    deployment = params.get("deploymentId") or response.get("deploymentId")
    job = response.get("iotJobId") or followed.jobs.get(deployment, deployment)
    group = params.get("targetArn", "").partition(":thinggroup/")[2]
    on = {"job": [arns.of("iot", "job/" + job)] if job else [],
          "thinggroup": [params["targetArn"]] if group else [],
          "thing": [arns.of("iot", "thing/" + thing) for thing in sorted(followed.members.get(group, ()))]}
    return [Request(action, resource, context) for kind, actions in needs.items()
            for action in actions for resource in on[kind]]


def component_name(params):
    """The component a CreateComponentVersion call makes: its Lambda's, or its recipe's ComponentName."""
    if params.get("lambdaFunction"):
        return params["lambdaFunction"]["componentName"]
    recipe = params["inlineRecipe"]
    return json.loads(recipe.decode() if isinstance(recipe, bytes) else recipe)["ComponentName"]


def _follow_boundary(call, boundaries):
    role = call.params.get("RoleName")
    if call.operation == "iam:GetRole" and call.response and "Role" in call.response:
        boundaries[role] = (call.response["Role"].get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    elif call.operation == "iam:GetAccountAuthorizationDetails" and call.response:
        for detail in call.response.get("RoleDetailList", []):      # (the sandbox's list leaves boundaries out)
            if detail.get("PermissionsBoundary"):
                boundaries[detail["RoleName"]] = detail["PermissionsBoundary"]["PermissionsBoundaryArn"]
    elif call.operation in ("iam:CreateRole", "iam:PutRolePermissionsBoundary"):
        boundaries[role] = call.params.get("PermissionsBoundary")
    elif call.operation in ("iam:DeleteRolePermissionsBoundary", "iam:DeleteRole"):
        boundaries.pop(role, None)
