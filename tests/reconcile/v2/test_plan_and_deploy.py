"""V2 with the same guarantees as V1: the rendered steps are the calls apply and remove make, detailed exit
codes, saved plans refused once AWS moved, drift shown (and put back), deploy waits on each core device and
fails with the device's reason, status shows revision, device and installed components."""
import json
import threading
import time
from collections import Counter

from gg_manager.aws.session import paginate
from gg_manager.plan.operations import is_read


def planned(project, *extra):
    code, text = project.gg("plan", "--format", "json", *extra)
    assert code == 0, text
    plan = json.loads(text[text.index("{"):text.rindex("}") + 1])
    return plan, Counter(s["operation"] for c in plan["changes"] + plan["bookkeeping"] for s in c["steps"]
                         if not s["operation"].startswith("local:"))


def made(sandbox):
    return Counter({k: v for k, v in sandbox.calls().items() if not is_read(k) and not k.startswith("dynamodb:")})


def test_rendered_steps_are_the_calls_apply_and_remove_make(v2_project, aws_env, auto_complete):
    plan, expected = planned(v2_project)
    assert plan["target"] == "v2"
    aws_env.reset_calls()
    assert v2_project.gg("apply")[0] == 0
    assert made(aws_env) == expected
    assert not [k for k in aws_env.calls() if k.startswith("greengrass:")]
    # a Lambda's code and a logger change: the function, its component, the deployment
    (v2_project.root / "src" / "main.py").write_text("def handler(event, context):\n    return {'v': 2}\n")
    v2_project.edit("Level: WARN", "Level: ERROR")
    plan, expected = planned(v2_project)
    assert {(c["action"], c["kind"]) for c in plan["changes"]} == {
        ("update", "lambda"), ("create", "component version"), ("deploy", "deployment")}
    aws_env.reset_calls()
    assert v2_project.gg("apply")[0] == 0
    assert made(aws_env) == expected
    plan, expected = planned(v2_project, "--destroy")
    aws_env.reset_calls()
    assert v2_project.gg("remove", "--yes")[0] == 0
    assert made(aws_env) == expected


def test_detailed_exit_code_and_saved_plans(v2_project, aws_env, tmp_path):
    saved = str(tmp_path / "plan.json")
    code, out = v2_project.gg("plan", "--detailed-exitcode", "--out", saved)
    assert code == 2, out
    other = str(tmp_path / "other.json")
    assert v2_project.gg("plan", "--out", other)[0] == 0
    code, out = v2_project.gg("apply", saved)
    assert code == 0, out
    code, out = v2_project.gg("apply", other)            # AWS moved on since `other` was made
    assert code == 1 and "plan" in out.lower() and "Traceback" not in out, out
    assert v2_project.gg("plan", "--detailed-exitcode")[0] == 0


def test_drift_is_shown_and_put_back(v2_project, aws_env):
    assert v2_project.gg("apply")[0] == 0
    prefix = v2_project.prefix
    iot, v2 = aws_env.boto3_client("iot"), aws_env.boto3_client("greengrassv2")
    iot.remove_thing_from_thing_group(thingGroupName=prefix + "-g", thingName=prefix + "-core")
    cert = iot.list_thing_principals(thingName=prefix + "-core")["principals"][0]
    iot.detach_policy(policyName=prefix + "-core-ggv2-policy", target=cert)
    group_arn = iot.describe_thing_group(thingGroupName=prefix + "-g")["thingGroupArn"]
    v2.create_deployment(targetArn=group_arn, deploymentName="hand made", components={})
    code, plan = v2_project.plan_json()
    assert code == 2
    changes = {(c["action"], c["kind"], c["cause"]) for c in plan["changes"]}
    assert ("create", "thing group membership", "spec") in changes
    assert ("update", "certificate", "spec") in changes
    assert ("deploy", "deployment", "drift") in changes, plan["changes"]
    code, out = v2_project.gg("status", "--format", "json")
    assert any("deployment" in d for d in json.loads(out)[0]["drift"])
    assert v2_project.gg("apply")[0] == 0
    assert v2_project.plan_json()[0] == 0
    assert prefix + "-core" in iot.list_things_in_thing_group(thingGroupName=prefix + "-g")["things"]


def _device_reports(sandbox, thing, status, details):
    """A stand-in nucleus: takes the thing's next deployment job and reports `status` with `details`."""
    def run():
        jobs = sandbox.boto3_client("iot-jobs-data")
        for _ in range(300):
            pending = jobs.get_pending_job_executions(thingName=thing)
            queued = pending.get("queuedJobs") or pending.get("inProgressJobs") or []
            if queued:
                jobs.update_job_execution(jobId=queued[0]["jobId"], thingName=thing, status=status,
                                          statusDetails=details)
                return
            time.sleep(0.1)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_apply_deploy_fails_with_the_devices_reason(v2_project, aws_env):
    thing = v2_project.prefix + "-core"
    device = _device_reports(aws_env, thing, "FAILED", {
        "detailed-deployment-status": "FAILED_ROLLBACK_COMPLETE",
        "deployment-failure-cause": "component %s-fn is BROKEN: exit code 1" % v2_project.prefix,
        "deployment-error-stack": '["DEPLOYMENT_FAILURE","COMPONENT_BROKEN"]',
        "deployment-error-types": '["COMPONENT_ERROR"]'})
    code, out = v2_project.gg("apply", "--deploy", "--timeout", "60")
    device.join(5)
    assert code == 1, out
    assert "core %s: FAILED_ROLLBACK_COMPLETE; component %s-fn is BROKEN: exit code 1" % (
        thing, v2_project.prefix) in out
    assert "COMPONENT_BROKEN" in out
    assert out.strip().splitlines()[-1] == "error: 1 of 1 deployment did not succeed: %s-g (FAILED)" % v2_project.prefix
    # a failed revision is deploy work: `gg deploy` deploys it again, and waits
    device = _device_reports(aws_env, thing, "SUCCEEDED", {"detailed-deployment-status": "SUCCESSFUL"})
    code, out = v2_project.gg("deploy", "--timeout", "60")
    device.join(5)
    assert code == 0 and "Deployed 1 group." in out, out


def test_deploy_waits_for_each_core_device_then_status(v2_project, aws_env, auto_complete):
    code, out = v2_project.gg("apply", "--deploy", "--timeout", "60")
    assert code == 0 and "SUCCEEDED" in out and "Deployed 1 group." in out, out
    thing = v2_project.prefix + "-core"
    v2 = aws_env.boto3_client("greengrassv2")
    deployment = [d for d in paginate(v2, "list_deployments", "deployments")
                  if d["targetArn"].endswith("/%s-g" % v2_project.prefix)][0]
    aws_env.report_core_status(thing, {
        "ggcVersion": "2.16.1", "overallDeviceStatus": "HEALTHY", "messageType": "COMPLETE",
        "components": [{"componentName": v2_project.prefix + "-fn", "version": "1.0.0", "status": "RUNNING"}],
        "deploymentInformation": {"deploymentId": deployment["deploymentId"], "status": "SUCCEEDED"}})
    code, out = v2_project.gg("status", "--format", "json")
    row, = json.loads(out)
    assert row["target"] == "v2" and row["deployed_version"] == "1" and row["deploy_needed"] is False
    device, = row["devices"]
    assert device["thing"] == thing and device["status"] == "HEALTHY" and device["deployment"] == "SUCCEEDED"
    assert {"name": v2_project.prefix + "-fn", "version": "1.0.0", "state": "RUNNING"} in device["components"]
    code, out = v2_project.gg("status")
    assert "revision 1" in out and "core %s HEALTHY" % thing in out and "%s-fn 1.0.0 RUNNING" % v2_project.prefix in out


def test_remove_deploys_an_empty_revision_and_waits_for_the_core_to_take_it(v2_project, aws_env):
    assert v2_project.gg("apply")[0] == 0
    thing = v2_project.prefix + "-core"
    aws_env.report_core_status(thing, {"overallDeviceStatus": "HEALTHY", "messageType": "COMPLETE", "components": [
        {"componentName": v2_project.prefix + "-fn", "version": "1.0.0", "status": "RUNNING"}]})
    v2 = aws_env.boto3_client("greengrassv2")
    seen = {}

    def device():
        """Takes the empty revision's job a second after it appears; records what it was asked to run."""
        jobs = aws_env.boto3_client("iot-jobs-data")
        for _ in range(300):
            for job in (jobs.get_pending_job_executions(thingName=thing).get("queuedJobs") or []):
                document = json.loads(jobs.describe_job_execution(jobId=job["jobId"], thingName=thing,
                                                                  includeJobDocument=True)["execution"]["jobDocument"])
                if not document["components"]:
                    time.sleep(1)
                    seen["components"] = document["components"]
                    jobs.update_job_execution(jobId=job["jobId"], thingName=thing, status="SUCCEEDED",
                                              statusDetails={"detailed-deployment-status": "SUCCESSFUL"})
                    return
                jobs.update_job_execution(jobId=job["jobId"], thingName=thing, status="SUCCEEDED")
            time.sleep(0.1)
    thread = threading.Thread(target=device, daemon=True)
    thread.start()
    aws_env.call_log(reset=True)
    code, out = v2_project.gg("remove", "--yes")
    thread.join(10)
    assert code == 0, out
    assert seen == {"components": {}}
    log = aws_env.call_log()
    took = log.index("iot-jobs-data:UpdateJobExecution", log.index("greengrassv2:CreateDeployment"))
    assert log.index("greengrassv2:DeleteDeployment") > took      # nothing deleted before the core took it
    assert not list(paginate(v2, "list_deployments", "deployments", historyFilter="ALL",
                             targetArn="arn:aws:iot:%s:123456789012:thinggroup/%s-g" % (aws_env.region,
                                                                                       v2_project.prefix)))


def test_a_group_locked_by_another_run_is_not_applied(v2_project, aws_env):
    from gg_manager.locking import TABLE
    assert v2_project.gg("apply")[0] == 0
    group = v2_project.prefix + "-g"
    now = int(time.time())
    aws_env.boto3_client("dynamodb").put_item(TableName=TABLE, Item={
        "lock": {"S": "group:" + group}, "owner": {"S": "ci@runner-9 [feed]"}, "purpose": {"S": "gg apply"},
        "since": {"N": str(now)}, "expires_at": {"N": str(now + 900)}})
    v2_project.edit("MemorySize: 131072", "MemorySize: 262144")
    aws_env.reset_calls()
    code, out = v2_project.gg("apply", "--lock-timeout", "0")
    assert code == 1 and "group %s is locked by ci@runner-9 [feed] (gg apply)" % group in out, out
    assert not [k for k in aws_env.calls() if k.startswith("greengrassv2:Create")]
    assert v2_project.gg("unlock")[0] == 0
    assert v2_project.gg("apply", "--lock-timeout", "0")[0] == 0
    assert v2_project.plan_json()[0] == 0


def test_a_plan_saved_with_no_deploy_is_applied_only_as_it_was_planned(v2_project, aws_env, tmp_path):
    saved = str(tmp_path / "plan.json")
    assert v2_project.gg("plan", "--no-deploy", "--out", saved)[0] == 0
    code, out = v2_project.gg("apply", saved)                       # the reviewed plan held the revisions back
    assert code == 1 and out.strip().splitlines()[-1] == (
        "error: %s was made with --no-deploy and this apply runs without it: nothing was done; "
        "apply it as it was planned" % saved), out
    groups = aws_env.boto3_client("iot").list_thing_groups()["thingGroups"]
    assert not [g for g in groups if g["groupName"].startswith(v2_project.prefix)]
    code, out = v2_project.gg("apply", saved, "--no-deploy")
    assert code == 0, out
    deployments = aws_env.boto3_client("greengrassv2").list_deployments()["deployments"]
    assert not [d for d in deployments if v2_project.prefix in d.get("targetArn", "")]
