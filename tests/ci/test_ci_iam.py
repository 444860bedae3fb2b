"""examples/ci's IAM policies, evaluated (tests/ci/iam_eval.py) against what gg really calls.

The example app goes through its life on each target, Greengrass V2 (the default) and V1, against the
sandbox with every AWS call recorded (and checked against the calls the sandbox says it served, so no call
escapes the record): plan, apply (with the permissions boundary), a change of code, topic, logger, tag and
environment, a trust policy changed outside gg, then what the CI example runs (`gg plan --no-deploy`,
`gg apply --no-deploy`; on V2 `gg rollout` and `gg rollout --rollback`), deploy, status, V1's rollout
(bulk deployments), remove.
Then, for each target:
- the plan role (plan-iam-policy.json) allows every call of `gg plan` and `gg status`, and no write at all;
- the apply role (plan-iam-policy.json + pipeline-iam-policy.json) allows every call of every step,
  and nothing gg does not do on one target or the other;
- it cannot escalate (issue 10: PutRolePolicy with any document + UpdateAssumeRolePolicy + PassRole
  let the pipeline grant itself anything): no role without the boundary, no change to the boundary,
  no role passed to another service (V2's role alias passes the token exchange role to
  credentials.iot.amazonaws.com only), and whatever it writes into a gg role stays within the boundary.
"""
import io
import json
import os
import shutil
import subprocess
import uuid
from collections import Counter

import pytest

from gg_manager import workflow
from gg_manager.aws.session import connect
from gg_manager.cli import main
from gg_manager.spec import load_spec
from tests.ci import aws_calls
from tests.ci.iam_eval import Request, allowed_actions, decision

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CI = os.path.join(ROOT, "examples", "ci")
ACCOUNT, REGION = "123456789012", "us-east-1"
BOUNDARY = "arn:aws:iam::%s:policy/gg-permissions-boundary" % ACCOUNT
OTHER_BOUNDARY = "arn:aws:iam::%s:policy/something-wider" % ACCOUNT


def policy(name):
    with open(os.path.join(CI, name)) as f:
        return json.load(f)


PLAN, PIPELINE, LIMIT = policy("plan-iam-policy.json"), policy("pipeline-iam-policy.json"), \
    policy("gg-permissions-boundary.json")
APPLY_ROLE = [PLAN, PIPELINE]

# Actions the apply role allows that the recorded life of the example app does not reach, each with
# the situation that needs it (its operation is named in gg's code: test_rare_actions_are_gg_operations).
RARE = {
    "dynamodb:CreateTable": "the first lock in an account makes the table gg-locks",
    "dynamodb:TagResource": ("dynamodb:CreateTable", "... tagged gg:managed-by"),
    "dynamodb:DeleteTable": "gg remove --all once no gg group is left in the region",
    "dynamodb:Scan": "gg unlock --list",
    "s3:CreateBucket": "the first apply in an account and region makes gg-artifacts-ACCOUNT-REGION",
    "s3:PutBucketTagging": "... and tags it gg's",
    "s3:DeleteBucket": "gg remove --all once no gg group is left in the region",
    "greengrass:StopBulkDeployment": "a rollout wave that fails or times out is stopped",
    "greengrass:CreateConnectorDefinition": "a spec with Connectors",
    "greengrass:CreateConnectorDefinitionVersion": "a change of a spec's Connectors",
    "greengrass:DeleteConnectorDefinition": "removing a spec with Connectors",
    "greengrass:GetConnectorDefinitionVersion": "reading a group's Connectors",
    "greengrass:CreateDeviceDefinition": "a spec with Devices",
    "greengrass:CreateDeviceDefinitionVersion": "a change of a spec's Devices",
    "greengrass:DeleteDeviceDefinition": "removing a spec with Devices",
    "greengrass:GetDeviceDefinitionVersion": "reading a group's Devices",
    "greengrass:CreateCoreDefinitionVersion": "a change of the core (SyncShadow, its certificate)",
    "greengrass:CreateFunctionDefinitionVersion": "a change of a Lambda's core settings",
    "greengrass:CreateResourceDefinitionVersion": "a change of the resources (a model's new upload)",
    "greengrass:GetCoreDefinitionVersion": "reading a definition the apply record cannot prove",
    "greengrass:GetFunctionDefinitionVersion": "reading a definition the apply record cannot prove",
    "greengrass:GetResourceDefinitionVersion": "reading a definition the apply record cannot prove",
    "greengrass:GetLoggerDefinitionVersion": "reading a definition the apply record cannot prove",
    "greengrass:GetSubscriptionDefinitionVersion": "reading a definition the apply record cannot prove",
    "greengrass:GetGroupVersion": "a group version gg did not make (drift, or no apply record)",
    "iam:DetachRolePolicy": "removing a gg role that someone attached a managed policy to",
    "iot:DescribeEndpoint": "the IoT data endpoint written into config.json (real AWS; the sandbox's is its URL)",
    "iot:DescribeCertificate": "finding the certificate of a core whose key is on this machine",
    "iot:ListPrincipalThings": "finding the certificate a run that died had been issued",
    "sagemaker:DescribeTrainingJob": "a SageMaker training job as a model source",
    # Greengrass V2
    "greengrass:BatchAssociateClientDeviceWithCoreDevice": "a V2 spec with Devices (client devices)",
    "greengrass:BatchDisassociateClientDeviceFromCoreDevice": "a client device leaves a V2 spec",
    "greengrass:ListClientDevicesAssociatedWithCoreDevice": "reading a V2 core's client devices (a spec with Devices)",
    "iot:TagResource": "a tag added to a thing group or role alias",
    "iot:DescribeRoleAlias": "a role alias the apply record cannot prove",
    "iot:UpdateRoleAlias": "a role alias pointed elsewhere outside gg",
}
# The action another operation is authorized with: the operation gg's code names.
IMPLIED_BY = {"dynamodb:TagResource": "dynamodb:CreateTable"}


def _write_app(root):
    shutil.copy(os.path.join(ROOT, "greengrass.yaml"), root / "greengrass.yaml")
    shutil.copytree(os.path.join(ROOT, "lambdas"), root / "lambdas")
    (root / "models" / "boxes").mkdir(parents=True)
    (root / "models" / "boxes" / "model-shapes.json").write_text('[{"shape": [1, 3, 32, 32]}]')
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


class Life:
    """The example app's whole life on one target, every call recorded, by phase. `calls` is the module's
    record (every boto3 call in this process); the test's own calls are its phase "outside gg"."""

    def __init__(self, root, sandbox, calls, target):
        self.root, self.sb, self.all, self.target = root, sandbox, calls, target
        self.group = "ci-" + uuid.uuid4().hex[:8]
        self.vars = {"group": self.group, "model_source": "./models/boxes"}
        self.phases, self.plans, self.start, self.end = {}, [], len(calls), None
        self.served = Counter()

    @property
    def calls(self):
        """gg's calls in this life (the test's own left out)."""
        outside = set(self.phases.get("outside gg", []))
        return [self.all[i] for i in range(self.start, self.end) if i not in outside]

    def requests(self, phase):
        """The IAM requests of the phase's calls (each one read in the light of the life's calls before it)."""
        per_call = aws_calls.requests_per_call(self.all[:self.end], ACCOUNT, REGION)
        return [r for i in self.phases[phase] for r in per_call[i]]

    def spec(self):
        return load_spec(str(self.root / "greengrass.yaml"), dict(self.vars), target=self.target).spec

    def phase(self, name, run, also=()):
        start = len(self.all)
        result = run()
        for each in (name,) + tuple(also):
            self.phases.setdefault(each, []).extend(range(start, len(self.all)))
        return result

    def live(self):
        self.sb.call_log(reset=True)
        ctx = connect(permissions_boundary=BOUNDARY)
        self.sb.set_auto_complete(0)          # the core takes each deployment (V2: each job execution) at once
        try:
            self.phase("plan", lambda: workflow.plan(ctx, self.spec()))
            self.plans.append(self.phase("apply", lambda: workflow.apply(ctx, self.spec(), out=io.StringIO())).plan)
            self._change()
            self.phase("outside gg", self._edit_a_role)
            # what the CI example does: the pull request's plan and the merge's apply leave V2's revisions out
            # (--no-deploy; the same on V1), and `gg rollout` deploys them
            self.phase("plan", lambda: workflow.plan(ctx, self.spec(), hold=True), also=("plan --no-deploy",))
            self.plans.append(self.phase("apply", lambda: workflow.apply(ctx, self.spec(), out=io.StringIO(),
                                                                         hold=True), also=("apply --no-deploy",)).plan)
            if self.target == "v2":
                self._rollout("rollout")
                self._rollout("rollback", "--rollback")
            self.phase("deploy", lambda: workflow.deploy(ctx, [self.group], timeout=60, out=io.StringIO(),
                                                         spec=self.spec()))
            self.phase("status", lambda: workflow.status(ctx, self.spec()))
            if self.target == "v1":
                self._v1_rollout()
            self.plans.append(self.phase("remove", lambda: workflow.destroy(
                ctx, self.spec(), purge_local=True, everything=True, out=io.StringIO())).plan)
        finally:
            self.sb.set_auto_complete(None)
        self.end = len(self.all)
        self.served = Counter(self.sb.call_log())

    def _edit_a_role(self):
        """A trust policy edited and the boundary swapped outside gg: gg puts both back."""
        iam, role = self.sb.boto3_client("iam"), "gg-fn-%s-inference" % self.group
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))
        iam.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=OTHER_BOUNDARY)

    def _change(self):
        spec = self.root / "greengrass.yaml"
        with open(self.root / "lambdas" / "camera" / "camera.py", "a") as f:
            f.write("\n# a code change\n")
        _edit(spec, "Subject: /request/classify/+", "Subject: /request/classify/#")      # the IoT policy
        _edit(spec, "    stage: {{ stage | default(\"dev\") }}\n", "")                      # a tag goes
        _edit(spec, "          FRAME_DIR: /frames     #", "          FRAME_DIR: /frames2    #")   # core settings
        _edit(spec, "  - name: {{ group }}-camera\n", "  - name: {{ group }}-camera\n    environment: {LOG_LEVEL: info}\n")
        spec.write_text(spec.read_text() + "  - {Component: Lambda, Id: cw, Level: WARN, Type: AWSCloudWatch}\n")
        self.vars["camera_source"] = "/frames/other.avi"

    def _v1_rollout(self):
        iam = self.sb.boto3_client("iam")          # the rollout role with another boundary: gg puts its own

        def other_boundary():
            try:
                iam.put_role_permissions_boundary(RoleName="gg-bulk-deploy", PermissionsBoundary=OTHER_BOUNDARY)
            except iam.exceptions.NoSuchEntityException:
                pass
        self.phase("outside gg", other_boundary)
        self._rollout("rollout")

    def _rollout(self, phase, *extra):
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            code = self.phase(phase, lambda: main([
                "rollout", "--target", self.target, "--var", "group=" + self.group,
                "--var", "model_source=./models/boxes", "--var", "camera_source=/frames/other.avi",
                "--permissions-boundary", BOUNDARY, "--waves", "1,100%", "--timeout", "60",
                "--poll-interval", "0.2", *extra]))
        finally:
            os.chdir(cwd)
        assert code == 0, phase


TARGETS = ("v2", "v1")                     # V2 is the example app's default target


@pytest.fixture(scope="module")
def life_of(sandbox, tmp_path_factory):
    """life_of(target): the example app's life on that target, lived once per module."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in sandbox.env().items():
            mp.setenv(key, value)
        mp.delenv("AWS_PROFILE", raising=False)
        mp.delenv("GG_PERMISSIONS_BOUNDARY", raising=False)
        calls, lives = aws_calls.recording(mp), {}

        def life(target):
            if target not in lives:
                story = Life(tmp_path_factory.mktemp("ci-app-" + target), sandbox, calls, target)
                _write_app(story.root)
                lives[target] = story
                story.live()
            return lives[target]
        yield life


@pytest.fixture(scope="module", params=TARGETS)
def life(request, life_of):
    return life_of(request.param)


def requests_of(calls):
    return aws_calls.requests_for(calls, ACCOUNT, REGION)


def refused(policies, requests, boundary=None):
    return sorted({"%s %s %s" % (r.action, r.resource, decision(policies, r, boundary))
                   for r in requests if decision(policies, r, boundary) != "allowed"})


# --- what gg does is allowed ------------------------------------------------------------------

def test_every_call_the_sandbox_served_was_recorded(life):
    """Nothing gg did escaped the record (a subprocess, a client made before recording, raw HTTP)."""
    recorded = Counter(c.operation for c in life.all[life.start:life.end])
    assert life.served and life.served - recorded == Counter()


def test_the_plan_role_allows_every_call_of_gg_plan_and_status(life):
    assert refused([PLAN], life.requests("plan")) == []
    assert life.phases["status"]
    assert refused([PLAN], life.requests("status")) == []


def test_the_plan_role_allows_no_write():
    reads = ("Get", "List", "Describe")
    writes = [a for a in allowed_actions(PLAN) if not a.split(":")[1].startswith(reads)]
    assert writes == []
    assert all(s["Effect"] == "Allow" for s in PLAN["Statement"])


def test_the_apply_role_allows_every_call_of_apply_deploy_rollout_and_remove(life):
    """On V2 too the rollout (the CI merge job's) and its rollback are allowed, call by call."""
    for phase in ("apply", "deploy", "status", "remove", "rollout") + (("rollback",) if life.target == "v2" else ()):
        assert life.phases[phase], phase
        assert refused(APPLY_ROLE, life.requests(phase)) == [], phase


def test_on_v2_the_pipeline_deploys_only_through_the_rollout_and_its_rollback_redeploys(life_of):
    """The CI example's V2 path, as evaluated above: the pull request's plan and the merge's apply
    (--no-deploy) make no deployment; the rollout makes the new revision and follows its IoT job; the
    rollback reads the history and deploys the previous revision again."""
    life = life_of("v2")

    def operations(phase):
        return {life.all[i].operation for i in life.phases[phase]}
    assert life.phases["plan --no-deploy"] and life.phases["apply --no-deploy"]
    assert not operations("plan --no-deploy") & {"greengrassv2:CreateDeployment", "iot:CreateJob"}
    assert "greengrassv2:CreateDeployment" not in operations("apply --no-deploy")
    assert "greengrassv2:CreateComponentVersion" in operations("apply --no-deploy")     # the change was applied
    assert {"greengrassv2:CreateDeployment", "iot:ListJobExecutionsForJob"} <= operations("rollout")
    assert {"greengrassv2:ListDeployments", "greengrassv2:ListEffectiveDeployments", "greengrassv2:GetDeployment",
            "greengrassv2:CreateDeployment"} <= operations("rollback")


NEEDED = {
    "v1": ("iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole",
           "iam:PutRolePermissionsBoundary", "iot:CreatePolicyVersion", "iot:DeleteCertificate",
           "greengrass:CreateGroupVersion", "greengrass:StartBulkDeployment", "greengrass:UntagResource",
           "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "s3:PutObject"),
    "v2": ("iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole",
           "iam:PutRolePermissionsBoundary", "iot:CreateThingGroup", "iot:AddThingToThingGroup",
           "iot:CreateRoleAlias", "iot:DeleteRoleAlias",
           "iot:CreatePolicyVersion", "iot:UntagResource", "iot:DeleteThingGroup", "iot:DeleteCertificate",
           "greengrassv2:CreateComponentVersion", "greengrassv2:CreateDeployment", "greengrassv2:GetDeployment",
           "greengrassv2:CancelDeployment", "greengrassv2:DeleteDeployment", "greengrassv2:DeleteComponent",
           "greengrassv2:DeleteCoreDevice", "greengrassv2:ListEffectiveDeployments",
           "greengrassv2:ListInstalledComponents", "lambda:PublishVersion", "lambda:UpdateFunctionCode",
           "s3:PutObject"),
}


def test_the_plans_gg_showed_are_what_was_evaluated(life):
    """Every AWS operation the plans named is among the calls evaluated (the executor runs exactly the
    steps), and the life reached what the brief names: role, IoT, Greengrass, Lambda and S3 writes."""
    recorded = {c.operation for c in life.calls}
    named = {s.operation for plan in life.plans for s in plan.steps() if not s.is_local}
    assert named <= recorded, sorted(named - recorded)
    assert not [n for n in NEEDED[life.target] if n not in recorded]
    if life.target == "v2":                    # the role alias passes the token exchange role to IoT's credentials
        passed = [r for r in life.requests("apply") if r.action == "iam:PassRole"
                  and r.context.get("iam:PassedToService") == "credentials.iot.amazonaws.com"]
        assert [r.resource for r in passed] == [aws_calls.Arns(ACCOUNT, REGION).role("gg-%s-tes" % life.group)]


def test_the_apply_role_allows_nothing_gg_does_not_do(life_of):
    done = {r.action for target in TARGETS for r in requests_of(life_of(target).calls)}
    extra = sorted(a for a in allowed_actions(PLAN) + allowed_actions(PIPELINE) if a not in done and a not in RARE)
    assert extra == []
    assert not any("*" in a for a in allowed_actions(PLAN) + allowed_actions(PIPELINE))


def test_rare_actions_are_gg_operations():
    """Each action allowed for a situation the life above does not reach is one gg's code calls."""
    import re
    text = ""
    for folder, _, files in os.walk(os.path.join(ROOT, "gg_manager")):
        if not any(part in folder for part in ("sandbox", os.sep + "core", "demo")):
            text += "".join(open(os.path.join(folder, f)).read() for f in files if f.endswith(".py"))
    snake = set(re.findall(r"\.([a-z][a-z_]*)\(", text)) | set(re.findall(r'"([a-z]+(?:_[a-z]+)+)"', text))
    kinds = re.findall(r'Kind\("(\w+)"', text)          # targets/v1/kinds.py spells the definition ops out
    assert len(kinds) == 7
    for action in RARE:
        operation = IMPLIED_BY.get(action, action)
        service, name = operation.split(":")
        from botocore import xform_name
        v2_operation = "greengrassv2:" + name             # V2's API, authorized under the prefix greengrass
        assert operation in text or v2_operation in text or xform_name(name) in snake, action


# --- and nothing more ---------------------------------------------------------------------------

def role_request(action, role="gg-fn-x", boundary=None, **context):
    ctx = {"aws:PrincipalAccount": ACCOUNT}
    if boundary:
        ctx["iam:PermissionsBoundary"] = boundary
    ctx.update(context)
    return Request(action, "arn:aws:iam::%s:role/%s" % (ACCOUNT, role), ctx)


@pytest.mark.parametrize("action", ["iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy",
                                    "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
                                    "iam:DeleteRole"])
def test_no_role_is_made_or_changed_without_the_boundary(action):
    for boundary in (None, OTHER_BOUNDARY, "arn:aws:iam::aws:policy/AdministratorAccess"):
        assert decision(APPLY_ROLE, role_request(action, boundary=boundary)) != "allowed", (action, boundary)
    expected = "not allowed" if action == "iam:AttachRolePolicy" else "allowed"      # gg attaches nothing
    assert decision(APPLY_ROLE, role_request(action, boundary=BOUNDARY)) == expected


def test_the_boundary_cannot_be_changed_removed_or_swapped():
    boundary_arn = BOUNDARY
    for action in ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy",
                   "iam:DeletePolicyVersion", "iam:TagPolicy"):
        assert decision(APPLY_ROLE, Request(action, boundary_arn, {"aws:PrincipalAccount": ACCOUNT})) == "denied"
    assert decision(APPLY_ROLE, role_request("iam:DeleteRolePermissionsBoundary", boundary=BOUNDARY)) == "denied"
    assert decision(APPLY_ROLE, role_request("iam:PutRolePermissionsBoundary", boundary=OTHER_BOUNDARY)) == "denied"
    assert decision(APPLY_ROLE, role_request("iam:CreateRole", boundary=OTHER_BOUNDARY)) == "denied"
    assert decision(APPLY_ROLE, Request("iam:CreatePolicy", "arn:aws:iam::%s:policy/x" % ACCOUNT,
                                        {"aws:PrincipalAccount": ACCOUNT})) == "not allowed"


def test_roles_that_are_not_ggs_are_out_of_reach():
    for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"):
        assert decision(APPLY_ROLE, role_request(action, role="github-gg-apply", boundary=BOUNDARY)) == "not allowed"
    assert decision(APPLY_ROLE, role_request("iam:PassRole", role="admin",
                                             **{"iam:PassedToService": "lambda.amazonaws.com"})) == "not allowed"


@pytest.mark.parametrize("service,expected", [("lambda.amazonaws.com", "allowed"),
                                              ("greengrass.amazonaws.com", "allowed"),
                                              ("credentials.iot.amazonaws.com", "allowed"),
                                              ("ec2.amazonaws.com", "not allowed"),
                                              ("ecs-tasks.amazonaws.com", "not allowed"),
                                              ("cloudformation.amazonaws.com", "not allowed")])
def test_gg_roles_are_passed_only_to_the_services_they_are_for(service, expected):
    assert decision(APPLY_ROLE, role_request("iam:PassRole", **{"iam:PassedToService": service})) == expected


def test_a_role_alias_cannot_hand_devices_another_role():
    """V2's role alias lets any core with a certificate assume its role: the pipeline can point gg's aliases
    only at gg's roles (which carry the boundary), make no other alias, and pass no other role to IoT."""
    ctx = {"aws:PrincipalAccount": ACCOUNT}
    alias = "arn:aws:iot:%s:%s:rolealias/%%s" % (REGION, ACCOUNT)
    for action in ("iot:CreateRoleAlias", "iot:UpdateRoleAlias", "iot:DeleteRoleAlias"):
        assert decision(APPLY_ROLE, Request(action, alias % "gg-store-1-tes-alias", ctx)) == "allowed", action
        assert decision(APPLY_ROLE, Request(action, alias % "fleet-admin-alias", ctx)) == "not allowed", action
    to_iot = {"iam:PassedToService": "credentials.iot.amazonaws.com"}
    assert decision(APPLY_ROLE, role_request("iam:PassRole", role="gg-store-1-tes", **to_iot)) == "allowed"
    for role in ("admin", "github-gg-apply", "OrganizationAccountAccessRole"):
        assert decision(APPLY_ROLE, role_request("iam:PassRole", role=role, **to_iot)) == "not allowed", role
    policy_arn = "arn:aws:iot:%s:%s:policy/%%s" % (REGION, ACCOUNT)
    assert decision(APPLY_ROLE, Request("iot:CreatePolicyVersion", policy_arn % "store-1_Core-ggv2-policy", ctx)) == \
        "allowed"
    assert decision(APPLY_ROLE, Request("iot:CreatePolicyVersion", policy_arn % "fleet-admin", ctx)) == "not allowed"


def test_the_token_exchange_role_can_do_on_the_device_only_what_the_boundary_allows():
    """What a V2 core's components get through the token exchange role: gg's artifacts and logs, whatever
    policy the pipeline wrote into the role."""
    ctx = {"aws:PrincipalAccount": ACCOUNT}
    anything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    can = [("s3:GetObject", "arn:aws:s3:::gg-artifacts-%s-%s/gg-models/m/1/m.zip" % (ACCOUNT, REGION)),
           ("s3:GetBucketLocation", "arn:aws:s3:::gg-artifacts-%s-%s" % (ACCOUNT, REGION)),
           ("logs:PutLogEvents", "arn:aws:logs:%s:%s:log-group:/aws/greengrass/UserComponent/%s/x:log-stream:s"
            % (REGION, ACCOUNT, REGION))]
    cannot = [("s3:PutObject", "arn:aws:s3:::gg-artifacts-%s-%s/gg-models/m/1/m.zip" % (ACCOUNT, REGION)),
              ("s3:GetObject", "arn:aws:s3:::company-secrets/payroll.csv"),
              ("iot:CreateRoleAlias", "arn:aws:iot:%s:%s:rolealias/x" % (REGION, ACCOUNT)),
              ("greengrass:CreateComponentVersion", "arn:aws:greengrass:%s:%s:components:x" % (REGION, ACCOUNT)),
              ("iam:PassRole", "arn:aws:iam::%s:role/admin" % ACCOUNT)]
    for action, resource in can:
        assert decision([anything], Request(action, resource, ctx), boundary=LIMIT) == "allowed", action
    for action, resource in cannot:
        assert decision([anything], Request(action, resource, ctx), boundary=LIMIT) == "not allowed", action


def test_whatever_the_pipeline_writes_into_a_gg_role_stays_within_the_boundary():
    """PutRolePolicy is allowed with any document, but a role's permissions are its policy AND the
    boundary: even "*" on "*" leaves only what the boundary allows."""
    anything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    for action, resource in (("iam:CreateRole", "arn:aws:iam::%s:role/x" % ACCOUNT),
                             ("iam:PutRolePolicy", "arn:aws:iam::%s:role/github-gg-apply" % ACCOUNT),
                             ("s3:GetObject", "arn:aws:s3:::company-secrets/payroll.csv"),
                             ("ec2:RunInstances", "*"), ("sts:AssumeRole", "arn:aws:iam::%s:role/admin" % ACCOUNT),
                             ("greengrass:CreateDeployment", "*")):
        request = Request(action, resource, {"aws:PrincipalAccount": ACCOUNT})
        assert decision([anything], request) == "allowed"
        assert decision([anything], request, boundary=LIMIT) == "not allowed", action


def test_every_role_gg_made_is_within_the_boundary(life):
    """The inline policies gg wrote into its roles (as IAM holds them after the apply) ask for nothing
    the boundary takes away."""
    roles = {c.params["RoleName"]: c.params["PolicyDocument"] for c in life.calls
             if c.operation == "iam:PutRolePolicy"}
    made = {"v1": ("gg-fn-%s-camera", "gg-%s-group-role", "gg-bulk-deploy"),
            "v2": ("gg-fn-%s-camera", "gg-%s-tes")}[life.target]      # V2: the token exchange role, on the device
    assert {name.replace("%s", life.group) for name in made} <= set(roles)
    if life.target == "v2":              # its last policy: artifacts, and logs (the change added a CloudWatch logger)
        tes = roles["gg-%s-tes" % life.group]
        actions = {a for st in json.loads(tes)["Statement"] for a in st["Action"]}
        assert "s3:GetObject" in actions and "logs:PutLogEvents" in actions, actions
    for name, document in roles.items():
        document = json.loads(document) if isinstance(document, str) else document
        for statement in document["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in actions:
                for resource in resources:
                    request = Request(action, resource.replace("*", "x"), {
                        "aws:PrincipalAccount": ACCOUNT, "aws:ResourceTag/gg:managed-by": "gg"})
                    assert decision([document], request, boundary=LIMIT) == "allowed", (name, action, resource)


def test_no_iot_star_on_star_and_iot_writes_are_scoped():
    without_resource_types = {"iot:CreateCertificateFromCsr", "iot:DescribeEndpoint", "iot:ListCertificates",
                              "iot:ListAttachedPolicies", "iot:ListPolicies", "iot:ListRoleAliases",
                              "iot:ListThingGroups", "iot:ListThings"}
    for document in (PLAN, PIPELINE, LIMIT):
        for statement in document["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not any(a in ("*", "iot:*") or a.endswith(":*") for a in actions)
            if any(a.startswith("iot:") for a in actions) and statement["Resource"] == "*":
                assert set(actions) <= without_resource_types, statement["Sid"]
    policy_arn = "arn:aws:iot:%s:%s:policy/%%s" % (REGION, ACCOUNT)
    ctx = {"aws:PrincipalAccount": ACCOUNT}
    assert decision(APPLY_ROLE, Request("iot:CreatePolicyVersion", policy_arn % "store-1-core-gg-policy", ctx)) == \
        "allowed"
    assert decision(APPLY_ROLE, Request("iot:CreatePolicyVersion", policy_arn % "fleet-admin", ctx)) == "not allowed"
    assert decision(APPLY_ROLE, Request("iot:CreateKeysAndCertificate", "*", ctx)) == "not allowed"


def test_greengrass_v2_actions_are_on_star_only_where_they_have_no_resource_type():
    """V2's own actions (those V1's API does not share) are scoped to components, versions, core devices or
    deployments of the account; `*` only for those the Service Authorization Reference gives no resource."""
    import botocore.session
    session = botocore.session.get_session()
    v2_only = set(session.get_service_model("greengrassv2").operation_names) - \
        set(session.get_service_model("greengrass").operation_names)
    without_resource_types = {"ListComponents", "ListCoreDevices"}
    on_star = {a.split(":")[1] for document in (PLAN, PIPELINE) for statement in document["Statement"]
               if statement["Resource"] == "*" for a in statement["Action"] if a.startswith("greengrass:")}
    scoped = {a.split(":")[1] for document in (PLAN, PIPELINE) for statement in document["Statement"]
              if statement["Resource"] != "*" for a in statement["Action"] if a.startswith("greengrass:")}
    assert on_star & v2_only == without_resource_types
    assert {"CreateComponentVersion", "DeleteComponent", "DescribeComponent", "GetDeployment", "DeleteDeployment",
            "CancelDeployment", "DeleteCoreDevice", "ListInstalledComponents"} <= scoped & v2_only


# --- who may use the roles --------------------------------------------------------------------

@pytest.mark.parametrize("subject,plan_role,apply_role", [
    ("repo:OWNER/REPO:pull_request", "allowed", "not allowed"),
    ("repo:OWNER/REPO:environment:production", "not allowed", "allowed"),
    ("repo:OWNER/REPO:ref:refs/heads/main", "not allowed", "not allowed"),
    ("repo:OWNER/REPO:ref:refs/heads/feature", "not allowed", "not allowed"),
    ("repo:SOMEONE/FORK:environment:production", "not allowed", "not allowed"),
])
def test_oidc_trust_policies_let_only_their_job_assume_them(subject, plan_role, apply_role):
    request = Request("sts:AssumeRoleWithWebIdentity", "*", {
        "token.actions.githubusercontent.com:sub": subject, "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"})
    assert decision([policy("oidc-trust-plan.json")], request) == plan_role
    assert decision([policy("oidc-trust-apply.json")], request) == apply_role
