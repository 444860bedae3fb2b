"""examples/ci/github-actions.yml: least privilege per job, every action pinned, OIDC only, a pinned
install, applies queued; and its two jobs run for real: each `run:` block with bash and the real gg
against the sandbox, the actions stood in for (checkout, credentials from the sandbox, artifacts as
folders, `gh` answering as GitHub would, the comment script under node with a fake GitHub API).

Before: one workflow-wide permission set (the apply job could write PR comments), the merge job
planned again instead of applying the plan that was reviewed, the comment ignored GitHub's 65,536
characters, the install line followed a branch.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid

import pytest
import yaml

from gg_manager.cli import parse
from tests.ci.fake_github import FakeGitHub
from tests.rollout.v2_fleet import V2Fleet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CI = os.path.join(ROOT, "examples", "ci")
WORKFLOW_FILE = os.path.join(CI, "github-actions.yml")
BOUNDARY = "arn:aws:iam::123456789012:policy/gg-permissions-boundary"
SHA = re.compile(r"^[0-9a-f]{40}$")
NODE = shutil.which("node")


def workflow():
    with open(WORKFLOW_FILE) as f:
        return yaml.safe_load(f)


def steps(job):
    return workflow()["jobs"][job]["steps"]


def run_blocks():
    return [(name, s["run"]) for name, job in workflow()["jobs"].items() for s in job["steps"] if "run" in s]


def uses(job):
    return [s["uses"] for s in steps(job) if "uses" in s]


# --- what the file says ------------------------------------------------------------------------

def test_permissions_are_per_job_and_least():
    wf = workflow()
    assert wf["permissions"] == {}                                   # nothing unless a job asks
    plan, apply = wf["jobs"]["plan"]["permissions"], wf["jobs"]["apply"]["permissions"]
    assert plan == {"contents": "read", "id-token": "write", "pull-requests": "write"}
    assert apply == {"contents": "read", "id-token": "write", "actions": "read", "pull-requests": "read"}
    assert [k for k, v in apply.items() if v == "write"] == ["id-token"]         # the apply job cannot comment


def test_id_token_only_where_aws_is_reached_and_only_by_oidc():
    text = open(WORKFLOW_FILE).read()
    assert not re.search(r"aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|"
                         r"aws-session-token", text, re.I)
    for name, job in workflow()["jobs"].items():
        creds = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert (job["permissions"].get("id-token") == "write") == bool(creds), name
        for step in creds:
            assert set(step["with"]) == {"role-to-assume", "aws-region"}, step["with"]
            assert step["with"]["role-to-assume"].startswith("${{ vars.GG_"), step["with"]


def test_every_action_is_pinned_to_a_commit():
    lines = [l for l in open(WORKFLOW_FILE).read().splitlines() if re.match(r"\s*(- )?uses:", l)]
    assert len(lines) >= 8
    for line in lines:
        ref = line.split("uses:")[1].split("#")[0].strip()
        action, _, sha = ref.partition("@")
        assert SHA.match(sha), line
        assert re.search(r"#\s*v\d+\.\d+\.\d+\s*$", line), "say which release the SHA is: %s" % line


def gg_command_lines():
    """Every gg command line of the workflow's `run:` blocks (also inside `if ! gg ...; then`)."""
    for _, run in run_blocks():
        for line in run.replace("\\\n", " ").splitlines():        # a command continued with `\` is one line
            found = re.search(r"(?:^|[!;&|(]\s*)(gg [^;|>]*)", line.strip())
            if found:
                yield found.group(1).strip()


def test_every_gg_command_in_the_workflow_parses():
    lines = list(gg_command_lines())
    assert {l.split()[1] for l in lines} >= {"validate", "plan", "apply", "rollout"}
    for line in lines:
        args = shlex.split(re.sub(r'"\$\w+"', "values.yaml", line))[1:]
        ctx = parse(args)                         # click.UsageError (a test failure) on an unknown flag
        assert ctx.command.callback, line
        if args[0] in ("apply", "create", "update", "remove"):   # CI has no terminal to answer the question
            assert ctx.params["yes"] or ctx.params.get("plan_file"), line


def test_the_install_line_is_pinned_to_a_commit_and_its_tested_dependency_versions():
    env = workflow()["env"]
    assert SHA.match(env["GG_COMMIT"])
    installs = [run for _, run in run_blocks() if "pip install" in run]
    assert len(installs) == 2
    for run in installs:
        assert '"gg-manager @ git+https://github.com/$GG_REPO@$GG_COMMIT"' in run
        assert '-c "https://raw.githubusercontent.com/$GG_REPO/$GG_COMMIT/constraints.txt"' in run
        assert "@main" not in run


def test_applies_queue_and_plans_do_not_block_them():
    jobs = workflow()["jobs"]
    assert jobs["apply"]["concurrency"] == {"group": "gg-apply-production", "cancel-in-progress": False}
    assert jobs["plan"]["concurrency"]["cancel-in-progress"] is True
    assert "pull_request.number" in jobs["plan"]["concurrency"]["group"]


def test_no_expression_is_pasted_into_a_shell_script():
    """`${{ ... }}` inside `run:` is text substitution into bash (script injection); values come in
    through env instead."""
    for job, run in run_blocks():
        assert "${{" not in run, (job, run)


def test_the_merge_job_applies_the_saved_plan_and_never_plans():
    apply_runs = "\n".join(s.get("run", "") for s in steps("apply"))
    assert "gg plan" not in apply_runs
    assert re.search(r"gg apply reviewed/plan\.json .*--no-deploy --yes", apply_runs)
    upload = next(s for s in steps("plan") if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "gg-plan" and upload["with"]["path"].split() == ["plan.json", "plan.md"]
    assert "--name gg-plan" in apply_runs and "--status success" in apply_runs
    assert "--event pull_request" in apply_runs


def test_the_merge_job_rolls_the_reviewed_plan_out_in_waves_on_either_target():
    """V2: the plan and the apply leave the revisions to the rollout (a saved --no-deploy plan is applied
    with --no-deploy, or gg sees another plan); the rollout runs on both targets and its report is kept."""
    commands = list(gg_command_lines())
    plan, = [c for c in commands if c.startswith("gg plan")]
    apply, = [c for c in commands if c.startswith("gg apply")]
    rollout, = [c for c in commands if c.startswith("gg rollout")]
    assert "--no-deploy" in plan.split() and "--no-deploy" in apply.split()
    assert "--waves 1,10%,50%,100% --max-failures 2% --timeout 1800" in rollout and "--format json" in rollout
    assert not [c for c in commands if c.startswith(("gg deploy", "gg rollout --rollback"))]
    for job in workflow()["jobs"].values():
        assert not [s for s in job["steps"] if "if" in s and s["if"] != "always()"]     # one set of steps
    names = [s.get("name", "") for s in steps("apply")]
    assert names.index("Apply exactly the reviewed plan") < [i for i, n in enumerate(names) if "Roll out" in n][0]
    upload = steps("apply")[-1]
    assert upload["if"] == "always()" and upload["with"]["name"] == "gg-rollout"
    assert upload["with"]["path"] == "rollout.json"


def test_every_policy_file_the_workflow_names_is_shipped_and_json():
    text = open(WORKFLOW_FILE).read()
    for name in sorted(set(re.findall(r"[\w-]+\.json", text)) - {"plan.json", "deploy.json", "rollout.json"}):
        with open(os.path.join(CI, name)) as f:
            assert json.load(f)["Version"] == "2012-10-17", name


# --- the jobs, run --------------------------------------------------------------------------

class Job:
    """Runs one job of the workflow: `run:` blocks with bash (the real gg on PATH), `uses:` stood in for."""

    def __init__(self, runner, name):
        self.r, self.name, self.job = runner, name, workflow()["jobs"][name]
        self.output, self.comments = "", []

    def run(self):
        """True when every step passed; after a failed step only `if: always()` steps run, as on GitHub."""
        env, failed = self.r.environment(self.job), False
        for step in self.job["steps"]:
            if failed and step.get("if") != "always()":
                continue
            if "if" in step and not self.r.condition(step["if"]):
                continue
            if "uses" in step:
                env = self.uses(step, env)
            elif "pip install" in step["run"]:
                continue                                 # the pinned install: checked above, gg is here
            elif not self.bash(step, env):
                failed = True
        return not failed

    def bash(self, step, env):
        step_env = dict(env, **{k: self.r.resolve(v, env) for k, v in (step.get("env") or {}).items()})
        open(step_env["GITHUB_ENV"], "w").close()
        done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-c", step["run"]], cwd=self.r.root,
                              env=step_env, capture_output=True, text=True, timeout=300)
        self.output += "## %s\n%s%s" % (step.get("name", ""), done.stdout, done.stderr)
        for line in open(step_env["GITHUB_ENV"]).read().splitlines():
            key, _, value = line.partition("=")
            env[key] = value
        return done.returncode == 0

    def uses(self, step, env):
        action = step["uses"].split("@")[0]
        if action == "aws-actions/configure-aws-credentials":
            assert self.r.resolve(step["with"]["role-to-assume"], env).startswith("arn:aws:iam::")
            env = dict(env, **self.r.sandbox.env())
        elif action == "actions/upload-artifact":
            paths = step["with"]["path"].split()
            if step["with"].get("if-no-files-found") == "ignore":
                paths = [p for p in paths if (self.r.root / p).exists()]
            self.r.github.upload(step["with"]["name"], self.r.root, paths)
        elif action == "actions/github-script":
            self.comments = self.r.github.run_script(step["with"]["script"], self.r.root)
        return env


class Runner:
    def __init__(self, root, sandbox, github):
        self.root, self.sandbox, self.github = root, sandbox, github
        self.vars = {"GG_PLAN_ROLE_ARN": "arn:aws:iam::123456789012:role/github-gg-plan",
                     "GG_APPLY_ROLE_ARN": "arn:aws:iam::123456789012:role/github-gg-apply",
                     "GG_PERMISSIONS_BOUNDARY": BOUNDARY}

    def resolve(self, value, env):
        def one(found):
            expr = found.group(1).strip()
            scope, _, key = expr.partition(".")
            if scope == "vars":
                return self.vars.get(key, "")            # GitHub: an unset variable is ""
            if scope == "env":
                return env[key]
            return {"github.token": "fake-token", "github.repository_owner": "owner"}[expr]
        return re.sub(r"\$\{\{([^}]*)\}\}", one, str(value))

    def condition(self, expr):
        """A step's `if:` as GitHub evaluates the forms the workflow uses: always(), vars.X == / != 'v'."""
        expr = expr.strip()
        if expr == "always()":
            return True
        found = re.match(r"^vars\.(\w+) (==|!=) '([^']*)'$", expr)
        assert found, "an `if:` this runner cannot evaluate: %s" % expr
        equal = self.vars.get(found.group(1), "") == found.group(3)
        return equal if found.group(2) == "==" else not equal

    def environment(self, job):
        """The runner's environment: no AWS credentials until a job gets them, gg and gh on PATH."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GG_"))}
        env["PATH"] = os.pathsep.join([self.github.bin, os.path.dirname(sys.executable), env.get("PATH", "")])
        env.update(GITHUB_REPOSITORY="owner/app", GITHUB_SHA=self.github.merge_sha,
                   GITHUB_WORKFLOW_REF="owner/app/.github/workflows/greengrass.yml@refs/heads/main",
                   GITHUB_OUTPUT=str(self.root / ".github-output"), GITHUB_ENV=str(self.root / ".github-env"))
        for key, value in list(workflow()["env"].items()) + list((job.get("env") or {}).items()):
            env[key] = self.resolve(value, env)
        return env


def make_app(root, group):
    shutil.copy(os.path.join(ROOT, "greengrass.yaml"), root / "greengrass.yaml")
    shutil.copytree(os.path.join(ROOT, "lambdas"), root / "lambdas")
    (root / "models" / "boxes").mkdir(parents=True)
    (root / "models" / "boxes" / "model-shapes.json").write_text('[{"shape": [1, 3, 32, 32]}]')
    (root / "values").mkdir()
    (root / "values" / "production.yaml").write_text("group: %s\nmodel_source: ./models/boxes\n" % group)
    subprocess.run(["git", "init", "-q", str(root)], check=True)


@pytest.fixture
def ci(tmp_path, sandbox):
    group = "ci-" + uuid.uuid4().hex[:8]
    root = tmp_path / "app"
    root.mkdir()
    make_app(root, group)
    github = FakeGitHub(tmp_path / "github", pr=7, run_id=4242)
    runner = Runner(root, sandbox, github)
    runner.group = group
    return runner


def group_exists(sandbox, name):
    """The group's thing group (Greengrass V2, the example's default target) as AWS lists it."""
    from gg_manager.aws.session import paginate
    return any(g["groupName"] == name for g in paginate(sandbox.boto3_client("iot"), "list_thing_groups",
                                                         "thingGroups"))


def group_deployments(sandbox, target, name):
    """What AWS says the group runs: V2, its thing group's deployments; V1, its group's deployments."""
    if target == "v1":
        gg = sandbox.boto3_client("greengrass")
        group = next(g for g in gg.list_groups()["Groups"] if g["Name"] == name)
        return [{"status": gg.get_deployment_status(GroupId=group["Id"], DeploymentId=d["DeploymentId"])[
            "DeploymentStatus"], "version": d["GroupArn"].rsplit("/", 1)[-1]}
            for d in gg.list_deployments(GroupId=group["Id"])["Deployments"]]
    iot, v2 = sandbox.boto3_client("iot"), sandbox.boto3_client("greengrassv2")       # (a thing group's stays ACTIVE)
    arn = iot.describe_thing_group(thingGroupName=name)["thingGroupArn"]
    ran = {e["deploymentId"]: e["coreDeviceExecutionStatus"] for e in v2.list_effective_deployments(
        coreDeviceThingName=name + "_Core")["effectiveDeployments"]}
    return [{"status": ran.get(d["deploymentId"]), "revision": d["revisionId"], "id": d["deploymentId"]}
            for d in v2.list_deployments(targetArn=arn, historyFilter="ALL")["deployments"]]


@pytest.mark.skipif(NODE is None, reason="the comment step is JavaScript (actions/github-script): needs node")
@pytest.mark.parametrize("target", ["v2", "v1"])
def test_pull_request_then_merge_applies_the_reviewed_plan_and_rolls_it_out(ci, sandbox, target):
    if target == "v1":                               # the spec says the target; the workflow's steps are the same
        spec = ci.root / "greengrass.yaml"
        spec.write_text(spec.read_text().replace("\nGroup:\n", "\nTarget: v1\nGroup:\n", 1))
    pr = Job(ci, "plan")
    assert pr.run(), pr.output
    assert "valid (1 group" in pr.output and "saved plan to plan.json" in pr.output
    assert sorted(os.listdir(ci.github.artifact("gg-plan"))) == ["plan.json", "plan.md"]
    (kind, comment), = pr.comments
    assert kind == "create" and comment["issue_number"] == 7
    assert comment["body"] == "<!-- gg-plan -->\n" + (ci.root / "plan.md").read_text()
    assert "+     permissions boundary: %s" % BOUNDARY in comment["body"]
    assert "Deploy needed: %s.**" % ci.group in comment["body"]    # the groups the merge's rollout deploys
    assert "! deployment " not in comment["body"]                  # V2: no revision is made by the apply
    if target == "v2":
        assert "+ iam role               gg-%s-tes" % ci.group in comment["body"]      # the token exchange role
        assert not group_exists(sandbox, ci.group)                   # the plan job changed nothing

    os.remove(ci.root / "plan.json")                                 # the merge job starts from a clean checkout
    sandbox.set_auto_complete(0)                                     # the core takes what is deployed to it
    try:
        merge = Job(ci, "apply")
        ok = merge.run()
    finally:
        sandbox.set_auto_complete(None)
    assert ok, merge.output
    assert "the plan of pull request #7 (run 4242, commit %s)" % ci.github.head_sha in merge.output
    assert ci.github.asked("run list", "--event pull_request", "--commit " + ci.github.head_sha, "--status success")
    assert "Apply complete." in merge.output
    iam = sandbox.boto3_client("iam")
    for role in ("gg-fn-%s-inference" % ci.group,) + (("gg-%s-tes" % ci.group,) if target == "v2" else ()):
        found = iam.get_role(RoleName=role)["Role"]
        assert found["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY, role
    deployed = group_deployments(sandbox, target, ci.group)          # one deployment, the rollout's: the core ran it
    assert [d["status"] for d in deployed] == ["SUCCEEDED" if target == "v2" else "Success"], deployed
    report = json.loads((ci.root / "rollout.json").read_text())
    assert report["ok"] and not report["halted"] and (report["succeeded_count"], report["failed_count"]) == (1, 0)
    assert [(w["groups"], w["succeeded"]) for w in report["waves"]] == [([ci.group], [ci.group])], report
    if target == "v2":                                               # the deployment the rollout reports is AWS's
        assert report["waves"][0]["deployments"] == {ci.group: deployed[0]["id"]}
    assert sorted(os.listdir(ci.github.artifact("gg-rollout"))) == ["rollout.json"]


class ExampleCore(V2Fleet):
    """The example app's one core device, played by the V2 rollout tests' device side (`devices(fail=...)`)."""

    def __init__(self, sandbox, group):
        super().__init__(None, group, sandbox, None, size=0)
        self.names = [group]

    def core(self, name):
        return name + "_Core"


def test_a_rollout_that_halts_fails_the_merge_job_and_its_report_is_kept(ci, sandbox):
    pr = Job(ci, "plan")
    assert pr.run(), pr.output
    os.remove(ci.root / "plan.json")
    with ExampleCore(sandbox, ci.group).devices(fail={ci.group + "_Core": "exit code 1"}):
        merge = Job(ci, "apply")
        assert not merge.run()
    assert "Apply complete." in merge.output                          # the apply went through; the rollout halted
    assert "::error::the rollout of pull request #7 halted or failed" in merge.output
    report = json.loads(open(os.path.join(ci.github.artifact("gg-rollout"), "rollout.json")).read())   # kept although it failed
    assert report["halted"] and not report["ok"] and report["failed_count"] == 1, report
    assert report["waves"][0]["failed"][0]["group"] == ci.group
    assert "exit code 1" in json.dumps(report["waves"][0]["failed"])
    deployed = group_deployments(sandbox, "v2", ci.group)              # AWS: the one deployment failed on the core
    assert [d["status"] for d in deployed] == ["FAILED"], deployed


@pytest.mark.parametrize("moved", ["aws", "code"])
def test_a_plan_that_went_stale_is_refused_and_the_job_says_what_to_do(ci, sandbox, moved):
    pr = Job(ci, "plan")
    assert pr.run(), pr.output
    os.remove(ci.root / "plan.json")
    if moved == "aws":                   # someone made the core's thing by hand since the review
        sandbox.boto3_client("iot").create_thing(thingName=ci.group + "_Core")
    else:                                # main moved: the code on main is not the code reviewed
        with open(ci.root / "lambdas" / "camera" / "camera.py", "a") as f:
            f.write("\n# merged after the review\n")
    merge = Job(ci, "apply")
    assert not merge.run()
    expected = "AWS changed since" if moved == "aws" else "the spec or the code it packages changed since"
    assert "error: %s reviewed/plan.json was made; run `gg plan` again" % expected in merge.output
    assert "::error::gg did not apply the plan reviewed on pull request #7." in merge.output
    assert "re-run the plan job of #7" in merge.output
    assert not group_exists(sandbox, ci.group)


def test_a_push_that_no_pull_request_reviewed_applies_nothing(ci, sandbox):
    ci.github.pr = None
    merge = Job(ci, "apply")
    assert not merge.run()
    assert "came from no pull request: gg applies only a plan reviewed on one" in merge.output


# --- the comment --------------------------------------------------------------------------------

def comment_script():
    return next(s for s in steps("plan") if s.get("uses", "").startswith("actions/github-script@"))["with"]["script"]


@pytest.mark.skipif(NODE is None, reason="actions/github-script runs JavaScript: needs node")
@pytest.mark.parametrize("size", [60_000, 65_600, 300_000])
def test_a_long_plan_is_cut_to_githubs_limit_with_a_link_to_the_whole_plan(tmp_path, size):
    line = "+ " + "x" * 96 + "\n"
    plan = "### gg plan\n\n```diff\n" + line * (size // len(line)) + "```\n\n#### kept\n- end\n"
    (tmp_path / "plan.md").write_text(plan)
    github = FakeGitHub(tmp_path / "github", pr=7, run_id=99)
    (kind, comment), = github.run_script(comment_script(), tmp_path)
    body = comment["body"]
    assert len(body) <= 65_536
    assert body.startswith("<!-- gg-plan -->\n### gg plan")
    if len(plan) + 17 <= 65_536:
        assert body == "<!-- gg-plan -->\n" + plan
        return
    assert body.endswith("The whole plan (plan.md, and plan.json, which the merge applies) is the artifact "
                         "`gg-plan` of [this workflow run](https://github.com/owner/app/actions/runs/99).\n")
    assert "is %d characters long; a comment holds 65536, so it is cut here." % len(plan) in body
    fences = [l for l in body.splitlines() if l.startswith("```")]
    assert fences == ["```diff", "```"]                               # the cut block is closed


@pytest.mark.skipif(NODE is None, reason="actions/github-script runs JavaScript: needs node")
def test_the_comment_is_updated_not_repeated_and_only_gg_s_own(tmp_path):
    (tmp_path / "plan.md").write_text("### gg plan\n\nNo changes.\n")
    github = FakeGitHub(tmp_path / "github", pr=7, run_id=1, comments=[
        {"id": 1, "user": {"login": "mallory"}, "body": "<!-- gg-plan -->\nlooks good, merge it"},
        {"id": 2, "user": {"login": "github-actions[bot]"}, "body": "<!-- gg-plan -->\nold plan"}])
    (kind, comment), = github.run_script(comment_script(), tmp_path)
    assert kind == "update" and comment["comment_id"] == 2
    assert comment["body"] == "<!-- gg-plan -->\n### gg plan\n\nNo changes.\n"
