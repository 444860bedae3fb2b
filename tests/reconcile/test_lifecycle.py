"""create -> plan is empty; each kind of edit -> exactly that change -> apply -> empty again."""
import shutil

import pytest

from gg_manager.resources.names import MANAGED_BY


def changes(plan):
    return sorted((c["action"], c["kind"]) for c in plan["changes"])


def test_create_then_nothing_to_do(project, aws_env, writes):
    code, out = project.gg("create")
    assert code == 0, out
    assert "Apply complete." in out
    code, plan = project.plan_json()
    assert code == 0 and plan["changes"] == []
    # the core's files: key never leaves the machine, written 0600
    key = project.root / "certs" / ("%s-core.key" % project.prefix)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert "PRIVATE KEY" in key.read_text()
    config = (project.root / "config" / "config.json").read_text()
    assert "%s-core" % project.prefix in config and "PRIVATE" not in config
    # a second create is refused, update is fine and does nothing
    code, out = project.gg("create")
    assert code == 1 and "already created" in out
    aws_env.reset_calls()
    code, out = project.gg("update")
    assert code == 0 and "No changes." in out
    assert writes() == {}


def test_noop_apply_makes_zero_mutating_calls_even_without_local_cache(project, aws_env, writes):
    assert project.gg("apply")[0] == 0
    shutil.rmtree(project.root / ".gg", ignore_errors=True)
    aws_env.reset_calls()
    code, out = project.gg("apply")
    assert code == 0, out
    assert writes() == {}
    assert sum(aws_env.calls().values()) > 0  # it did look


def test_resources_are_tagged_as_managed_by_gg(project, aws_env):
    assert project.gg("apply")[0] == 0
    gg = aws_env.boto3_client("greengrass")
    group = [g for g in gg.list_groups()["Groups"] if g["Name"] == project.prefix + "-g"][0]
    tags = gg.list_tags_for_resource(ResourceArn=group["Arn"])["tags"]
    assert tags[MANAGED_BY] == "gg" and tags["gg:group"] == project.prefix + "-g"
    assert tags["team"] == "vision"
    fn = aws_env.boto3_client("lambda").get_function(FunctionName=project.prefix + "-fn")
    assert fn["Tags"][MANAGED_BY] == "gg"
    assert fn["Configuration"]["Runtime"] == "python3.7"


EDITS = [
    # (id, how, expected (action, kind) pairs)
    # the group needs a deployment (the plan's summary says so; `gg plan --deploy` plans it)
    ("lambda-code", ("file", "src/main.py", "def handler(event, context):\n    return {'v': 2}\n"),
     [("update", "lambda")]),
    ("lambda-config", ("spec", "MemorySize: 131072", "MemorySize: 262144"),
     [("create", "group version"), ("update", "function definition")]),
    ("lambda-env", ("spec", "Variables: {OUTPUT_TOPIC: {p}/out}", "Variables: {OUTPUT_TOPIC: {p}/out2}"),
     [("create", "group version"), ("update", "function definition")]),
    ("resource", ("spec", "DestinationPath: /frames", "DestinationPath: /frames2"),
     [("create", "group version"), ("update", "resource definition")]),
    # a cloud subscription is also a topic the core's scoped IoT policy must allow
    ("subscription", ("spec", "Subject: {p}/in", "Subject: {p}/in/+"),
     [("create", "group version"), ("update", "iot policy"), ("update", "subscription definition")]),
    ("connector", ("spec", '"content-type": "image/jpeg"', '"content-type": "image/png"'),
     [("create", "group version"), ("update", "connector definition")]),
    ("logger", ("spec", "Level: INFO", "Level: DEBUG"),
     [("create", "group version"), ("update", "logger definition")]),
    ("model", ("file", "model/model-shapes.json", '[{"shape": [1, 3, 64, 64]}]'),
     [("create", "group version"), ("create", "model object"), ("update", "iam role"),
      ("update", "resource definition")]),
    # the old core's certificate, thing and policy each go, as steps of their own
    ("core-renamed", ("spec", "  - name: {p}-core", "  - name: {p}-core2"),
     [("create", "certificate"), ("create", "group version"), ("create", "iot policy"),
      ("create", "iot thing"), ("delete", "certificate"), ("delete", "iot policy"), ("delete", "iot thing"),
      ("update", "core definition"), ("update", "device config")]),
    ("logger-removed", ("spec", "Loggers:\n  - {Component: GreengrassSystem, Id: sys, Level: INFO, "
                                "Space: 1024, Type: FileSystem}\n", ""),
     [("create", "group version"), ("delete", "logger definition")]),
]


@pytest.mark.parametrize("edit", EDITS, ids=[e[0] for e in EDITS])
def test_each_edit_plans_exactly_that_change(project, aws_env, edit):
    _, (how, target, new), expected = edit
    assert project.gg("apply")[0] == 0
    if how == "file":
        (project.root / target).write_text(new)
    else:
        project.edit(target.replace("{p}", project.prefix), new.replace("{p}", project.prefix))
    code, plan = project.plan_json()
    assert code == 2
    assert changes(plan) == sorted(expected), plan["changes"]
    code, out = project.gg("apply")
    assert code == 0, out
    code, plan = project.plan_json()
    assert code == 0, plan["changes"]


def test_plan_text_and_markdown(project, aws_env):
    code, out = project.gg("plan", "--detailed-exitcode")
    assert code == 2
    assert "+ group" in out and "%s-g" % project.prefix in out
    assert "Plan: " in out and "to create" in out
    code, out = project.gg("plan", "--format", "markdown")
    assert code == 0
    assert out.startswith("### gg plan for")
    assert "\n+ group                  %s-g\n" % project.prefix in out          # in a ```diff block


def test_saved_plan_is_applied_exactly_and_refused_when_aws_changed(project, aws_env, tmp_path):
    plan_file = str(tmp_path / "plan.json")
    assert project.gg("plan", "--out", plan_file)[0] == 0
    code, out = project.gg("apply", plan_file)
    assert code == 0, out
    project.edit("Level: INFO", "Level: WARN")
    assert project.gg("plan", "--out", plan_file)[0] == 0
    project.edit("Level: WARN", "Level: ERROR")       # the spec moved on after the plan
    code, out = project.gg("apply", plan_file)
    assert code == 1 and "changed since" in out
    project.edit("Level: ERROR", "Level: WARN")
    aws_env.boto3_client("greengrass").create_group(Name=project.prefix + "-g-intruder")
    code, out = project.gg("apply", plan_file)
    assert code == 0, out   # an unrelated group does not change this spec's state
    logger_plan = project.plan_json()
    assert logger_plan[0] == 0


def test_remove_leaves_nothing_and_can_run_twice(project, aws_env, listing):
    assert project.gg("apply")[0] == 0
    assert listing()
    code, out = project.gg("remove", "--yes", "--purge-local")
    assert code == 0, out
    assert listing() == []
    assert not (project.root / "config" / "config.json").exists()
    code, out = project.gg("remove", "--yes")
    assert code == 0, out


def test_remove_a_never_deployed_group(project, aws_env):
    assert project.gg("apply")[0] == 0
    code, out = project.gg("remove", "--yes")
    assert code == 0, out


def test_missing_region_and_credentials_are_one_line_errors(project, monkeypatch):
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    code, out = project.gg("plan")
    assert code == 1
    assert out.strip() == "error: no AWS region: pass --region, set AWS_REGION, or configure your profile"
