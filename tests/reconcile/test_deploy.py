"""gg deploy: progress until Success, Failure (with ErrorDetails) or timeout; gg status."""
import json
import threading
import time


def _report_when_deployed(sandbox, group_name, status, message=None, details=None):
    """A stand-in core: waits for the group's deployment, then reports `status` for it."""
    def run():
        gg = sandbox.boto3_client("greengrass")
        for _ in range(200):
            groups = [g for g in gg.list_groups()["Groups"] if g["Name"] == group_name]
            deps = sandbox.deployments(group_id=groups[0]["Id"], status="InProgress") if groups else []
            if deps:
                dep = deps[0]
                sandbox.report_deployment(groups[0]["Id"], dep["DeploymentId"], status, message, details)
                return
            time.sleep(0.1)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_deploy_success_and_status(project, aws_env):
    assert project.gg("apply")[0] == 0
    code, out = project.gg("status")
    assert code == 0
    assert "deployed never" in out and "in sync" in out and "deploy needed" in out
    core = _report_when_deployed(aws_env, project.prefix + "-g", "Success")
    code, out = project.gg("deploy", "--timeout", "30")
    core.join(5)
    assert code == 0, out
    assert "InProgress" in out and "Success" in out and "Deployed 1 group." in out
    code, out = project.gg("status", "--format", "json")
    row = json.loads(out)[0]
    assert row["deployment_status"] == "Success"
    assert row["deployed_version"] == row["latest_version"]
    assert row["deploy_needed"] is False and row["spec_changes_pending"] == 0


def test_deploy_failure_prints_error_details_and_exits_non_zero(project, aws_env):
    assert project.gg("apply")[0] == 0
    core = _report_when_deployed(aws_env, project.prefix + "-g", "Failure", "Lambda failed to start",
                                 [{"DetailedErrorCode": "GG-LAMBDA-IMPORT",
                                   "DetailedErrorMessage": "No module named 'numpyy'"}])
    code, out = project.gg("deploy", "--timeout", "30")
    core.join(5)
    assert code == 1
    assert "%s-g: Failure (" % project.prefix in out
    assert "): Lambda failed to start [GG-LAMBDA-IMPORT: No module named 'numpyy']" in out
    assert out.count("numpyy") == 1 and out.count("Lambda failed to start") == 1, out    # every error once
    assert out.strip().splitlines()[-1] == "error: 1 of 1 deployment did not succeed: %s-g (Failure)" % project.prefix


def test_deploy_times_out_non_zero(project, aws_env):
    assert project.gg("apply")[0] == 0
    code, out = project.gg("deploy", "--timeout", "1")
    assert code == 1
    assert "gave up waiting: still InProgress after 1s" in out


def test_apply_with_deploy_and_lambda_code_change_needs_redeploy(project, aws_env):
    aws_env.set_auto_complete(0.2)
    try:
        code, out = project.gg("apply", "--deploy", "--timeout", "30")
        assert code == 0, out
        assert "Success" in out
        (project.root / "src" / "main.py").write_text("def handler(event, context):\n    return 2\n")
        code, plan = project.plan_json()
        assert code == 2
        assert {(c["action"], c["kind"]) for c in plan["changes"]} == {("update", "lambda")}
        assert plan["deploy_needed"] == [project.prefix + "-g"]
        code, text = project.gg("plan", "--deploy", "--format", "json")
        deploy_plan = json.loads(text[text.index("{"):text.rindex("}") + 1])
        assert {(c["action"], c["kind"]) for c in deploy_plan["changes"]} == {("update", "lambda"),
                                                                              ("deploy", "deployment")}
        code, out = project.gg("apply", "--deploy")
        assert code == 0 and "Deployed 1 group." in out
    finally:
        aws_env.set_auto_complete(None)


def test_deploy_before_apply_is_a_clear_error(project, aws_env):
    code, out = project.gg("deploy")
    assert code == 1
    assert out.strip() == "error: not in AWS yet: group %s-g; run `gg apply` first" % project.prefix


def test_a_failed_deployment_is_work_for_the_next_apply_deploy(project, aws_env):
    """CreateDeployment fails once: the next `gg apply --deploy` deploys (it used to say "No changes")."""
    aws_env.set_auto_complete(0.2)
    try:
        with aws_env.faults(fail_operations=["CreateDeployment:always"]):
            code, out = project.gg("apply", "--deploy", "--timeout", "30")
        assert code == 1 and "CreateDeployment" in out, out
        code, text = project.gg("plan", "--deploy")
        assert code == 0 and "! deployment" in text and "was never deployed" in text, text
        code, out = project.gg("apply", "--deploy", "--timeout", "30")
        assert code == 0 and "Deployed 1 group." in out, out
        code, text = project.gg("plan", "--deploy", "--detailed-exitcode")
        assert code == 0, text
    finally:
        aws_env.set_auto_complete(None)
