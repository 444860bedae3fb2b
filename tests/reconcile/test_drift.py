"""Drift: AWS changed outside gg (a console edit) is shown apart from spec changes, and apply undoes it."""


def _group(gg, name):
    return [g for g in gg.list_groups()["Groups"] if g["Name"] == name][0]


def _definition(gg, kind, name):
    return [d for d in getattr(gg, "list_%s_definitions" % kind)()["Definitions"] if d["Name"] == name][0]


def console_edit_logger(aws_env, prefix):
    """What a person does in the console: a new logger version at DEBUG and a group version using it."""
    gg = aws_env.boto3_client("greengrass")
    group = _group(gg, prefix + "-g")
    loggers = _definition(gg, "logger", prefix + "-g-loggers")
    new = gg.create_logger_definition_version(LoggerDefinitionId=loggers["Id"], Loggers=[
        {"Id": "sys", "Component": "GreengrassSystem", "Level": "DEBUG", "Space": 1024, "Type": "FileSystem"}])
    current = gg.get_group_version(GroupId=group["Id"], GroupVersionId=group["LatestVersion"])["Definition"]
    current["LoggerDefinitionVersionArn"] = new["Arn"]
    gg.create_group_version(GroupId=group["Id"], **current)
    return gg, loggers["Id"]


def test_console_edit_is_drift_and_apply_puts_it_back(project, aws_env):
    assert project.gg("apply")[0] == 0
    gg, loggers_id = console_edit_logger(aws_env, project.prefix)
    code, plan = project.plan_json()
    assert code == 2
    got = {(c["action"], c["kind"], c["cause"]) for c in plan["changes"]}
    assert got == {("update", "logger definition", "drift"), ("create", "group version", "drift")}
    code, text = project.gg("plan")
    assert "(drift: changed outside gg; apply puts it back)" in text
    assert "      ~ Loggers[sys].Level: expected INFO, found DEBUG\n" in text          # what drifted, how
    assert "latest group version: expected " in text and "(the one gg made), found " in text
    code, status = project.gg("status")
    assert ("drift (changed outside gg; `gg apply` puts it back): update logger definition %s-g-loggers: "
            "Loggers[sys].Level: expected INFO, found DEBUG" % project.prefix) in status
    assert project.gg("apply")[0] == 0
    latest = _definition(gg, "logger", project.prefix + "-g-loggers")["LatestVersion"]
    content = gg.get_logger_definition_version(LoggerDefinitionId=loggers_id,
                                               LoggerDefinitionVersionId=latest)["Definition"]
    assert content["Loggers"][0]["Level"] == "INFO"
    group = _group(gg, project.prefix + "-g")
    used = gg.get_group_version(GroupId=group["Id"], GroupVersionId=group["LatestVersion"])["Definition"]
    assert used["LoggerDefinitionVersionArn"].endswith(latest)
    assert project.plan_json()[0] == 0


def test_spec_edit_and_drift_are_told_apart(project, aws_env):
    assert project.gg("apply")[0] == 0
    console_edit_logger(aws_env, project.prefix)
    project.edit("Subject: %s/in" % project.prefix, "Subject: %s/in2" % project.prefix)
    code, plan = project.plan_json()
    causes = {c["kind"]: c["cause"] for c in plan["changes"]}
    assert causes["logger definition"] == "drift"
    assert causes["subscription definition"] == "spec"


def test_lambda_changed_outside_gg_is_drift(project, aws_env):
    assert project.gg("apply")[0] == 0
    lam = aws_env.boto3_client("lambda")
    lam.update_function_configuration(FunctionName=project.prefix + "-fn",
                                      Environment={"Variables": {"DEBUG": "1"}})
    code, plan = project.plan_json()
    assert code == 2
    change = [c for c in plan["changes"] if c["kind"] == "lambda"][0]
    assert change["cause"] == "drift"
    assert change["before"]["environment"] == {"DEBUG": "1"} and change["after"]["environment"] == {}
    code, text = project.gg("plan")
    assert "~ environment.DEBUG: expected (none), found 1\n" in text
    assert project.gg("apply")[0] == 0
    conf = lam.get_function_configuration(FunctionName=project.prefix + "-fn")
    assert (conf.get("Environment") or {}).get("Variables", {}) == {}
    assert project.plan_json()[0] == 0
