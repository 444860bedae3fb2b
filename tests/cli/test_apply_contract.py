"""Terraform's contract for apply: on a terminal gg shows the plan and asks (only 'yes' goes ahead);
without one it needs --yes; `gg apply PLAN` applies the reviewed plan without asking. Also: a JSON
report from apply, deploy and remove, and colour only on a terminal. What AWS holds is read with
plain boto3."""
import json
import os
import re

from tests.cli.terminal import run_in_terminal

ESC = "\x1b["


def test_without_a_terminal_apply_create_update_and_remove_need_yes(folder):
    for command in ("apply", "create", "update", "remove"):
        code, out, err = folder.gg(command)
        assert code == 1, (command, out, err)
        assert len(err.strip().splitlines()) == 1 and "pass --yes" in err and "no terminal to ask" in err, err
        assert out == ""
    assert folder.groups() is None                      # nothing was made


def test_on_a_terminal_apply_shows_the_plan_asks_and_only_yes_applies(folder):
    env = dict(folder.env)
    args = ["apply", "--var", "group=" + folder.group]
    code, shown = run_in_terminal(args, env, folder.root, answer="y")
    assert "+ thing group" in shown and "Do you want to apply these changes?" in shown
    assert "Only 'yes' will be accepted" in shown
    assert code == 1 and "Apply cancelled: nothing was changed." in shown
    assert folder.groups() is None
    code, shown = run_in_terminal(args, env, folder.root, answer="yes")
    assert code == 0, shown
    assert "Apply complete." in shown
    assert len(re.findall(r"\+ thing group {5,}%s" % folder.group, shown)) == 1    # the plan shown once
    assert folder.groups() is not None
    code, shown = run_in_terminal(args, env, folder.root)                  # nothing to do: no question
    assert code == 0 and "No changes." in shown and "Enter a value" not in shown


def test_a_reviewed_plan_applies_without_asking_and_a_stale_one_is_refused(folder):
    code, _, err = folder.gg("plan", "--out", "plan.json")
    assert code == 0, err
    code, out, err = folder.gg("apply", "plan.json")                       # no terminal, no --yes
    assert code == 0, err
    assert folder.groups() is not None
    folder.sandbox.boto3_client("iot").tag_resource(resourceArn=folder.groups()["groupArn"],    # AWS changed
                                                    tags=[{"Key": "changed", "Value": "outside gg"}])
    (folder.root / "greengrass.yaml").write_text(
        (folder.root / "greengrass.yaml").read_text().replace("nobody", "someone"))
    code, out, err = folder.gg("apply", "plan.json")
    assert code == 1 and "run `gg plan` again" in err, err


def test_apply_deploy_and_remove_report_json(folder):
    folder.sandbox.set_auto_complete(0.2)
    try:
        code, out, err = folder.gg("apply", "--yes", "--deploy", "--timeout", "60", "--format", "json")
        assert code == 0, err
        report = json.loads(out)                          # stdout holds only the report
        assert report["applied"] is True and report["confirmed"] is True
        assert report["plan"]["groups"] == [folder.group]
        assert {("create", "thing group", folder.group, "done")} <= {
            (c["action"], c["kind"], c["name"], c["result"]) for c in report["changes"]}
        assert [d["status"] for d in report["deployments"]] == ["SUCCEEDED"]
        assert report["deployments"][0]["devices"] == {folder.group + "_Core": "SUCCEEDED"}
        assert "+ thing group" in err                     # progress went to stderr
        code, out, err = folder.gg("deploy", "--format", "json", "--timeout", "60")
        assert code == 0, err
        deployed = json.loads(out)
        assert deployed["ok"] is True and deployed["deployments"][0]["group"] == folder.group
        assert deployed["deployments"][0]["status"] == "SUCCEEDED"
        found = folder.sandbox.boto3_client("greengrassv2").get_deployment(
            deploymentId=deployed["deployments"][0]["deployment_id"])
        assert found["targetArn"] == folder.groups()["groupArn"]
        execution = folder.sandbox.boto3_client("iot").describe_job_execution(
            jobId=found["iotJobId"], thingName=folder.group + "_Core")["execution"]
        assert execution["status"] == "SUCCEEDED"
    finally:
        folder.sandbox.set_auto_complete(None)
    code, out, err = folder.gg("remove", "--yes", "--purge-local", "--format", "json")
    assert code == 0, err
    removed = json.loads(out)
    assert removed["removed"] >= 1 and removed["confirmed"] is True and removed["error"] == ""
    assert folder.groups() is None


def test_colour_on_a_terminal_only(folder):
    env = dict(folder.env)
    args = ["plan", "--var", "group=" + folder.group]
    code, shown = run_in_terminal(args, env, folder.root)
    assert code == 0 and ESC in shown, shown
    code, shown = run_in_terminal(args, dict(env, NO_COLOR="1"), folder.root)
    assert code == 0 and ESC not in shown and "+ thing group" in shown
    code, shown = run_in_terminal(args + ["--no-color"], env, folder.root)
    assert code == 0 and ESC not in shown and "+ thing group" in shown
    code, out, err = folder.gg("plan")                   # piped
    assert code == 0 and ESC not in out + err and "+ thing group" in out
    code, shown = run_in_terminal(["plan", "--var", "group=" + folder.group, "--endpoint-url",
                                   "http://127.0.0.1:9"], env, folder.root)
    assert code == 1 and ESC + "31" in shown             # the error in red
    assert os.path.isdir(str(folder.root / "certs"))
