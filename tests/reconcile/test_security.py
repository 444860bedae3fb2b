"""Security properties read back from AWS (the sandbox), the way an auditor would check them."""
import json
import os
import subprocess
import sys

from gg_manager.aws.session import paginate
from tests.reconcile.test_fleet import fleet_text

GG = os.path.join(os.path.dirname(sys.executable), "gg")


def _document(doc):
    return json.loads(doc) if isinstance(doc, str) else doc


def test_the_core_may_connect_only_as_its_own_thing(project, aws_env):
    assert project.gg("apply")[0] == 0
    iot = aws_env.boto3_client("iot")
    doc = _document(iot.get_policy(policyName=project.prefix + "-core-gg-policy")["policyDocument"])
    connect = [s for s in doc["Statement"] if "iot:Connect" in s["Action"]]
    resources = [r for s in connect for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])]
    assert resources == ["arn:aws:iot:us-east-1:123456789012:client/%s-core" % project.prefix]


def test_every_role_gg_makes_trusts_its_service_for_this_account_only(project, aws_env):
    assert project.gg("apply")[0] == 0
    iam = aws_env.boto3_client("iam")
    for name, service in (("gg-%s-g-group-role" % project.prefix, "greengrass.amazonaws.com"),
                          ("gg-fn-%s-fn" % project.prefix, "lambda.amazonaws.com")):
        [statement] = _document(iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"])["Statement"]
        assert statement["Principal"] == {"Service": service}
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}, name
    [statement] = _document(iam.get_role(RoleName="gg-%s-g-group-role" % project.prefix)["Role"][
        "AssumeRolePolicyDocument"])["Statement"]
    assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:aws:greengrass:us-east-1:123456789012:*"}


def test_plan_into_a_pipe_that_closes_early_ends_quietly(project, aws_env):
    """`gg plan | head -1`: the reader goes away; gg stops with no BrokenPipeError traceback."""
    project.write(fleet_text(project.prefix, 6))
    env = dict(os.environ)
    proc = subprocess.Popen([GG, "plan", "--format", "json", "-f", project.spec_path, "--target", project.target],
                            cwd=str(project.root),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()                                  # what `head -1` does once it has its line
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert first.startswith(b"{")
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 141, (proc.returncode, err)


def test_sensitive_values_never_show_but_reach_aws(project, aws_env, monkeypatch, tmp_path):
    """A value the spec marks sensitive (here a Lambda's environment) shows as (sensitive) in every
    plan form, the saved plan and the apply log, and is what AWS holds."""
    secret = "tok-%s-s3cr3t" % project.prefix
    project.edit("    alias: live\n", "    alias: live\n    environment: {API_TOKEN: %s}\n" % secret)
    project.edit("Variables: {OUTPUT_TOPIC: %s/out}" % project.prefix,
                 "Variables: {OUTPUT_TOPIC: %s/out, TOKEN: %s}" % (project.prefix, secret))
    from gg_manager.commands import common
    real = common.load_spec

    def marking(*args, **kwargs):
        result = real(*args, **kwargs)
        result.sensitive = frozenset({secret})      # what the spec front end reports for `| sensitive`
        return result
    monkeypatch.setattr(common, "load_spec", marking)
    saved = str(tmp_path / "plan.json")
    outputs = [project.gg("plan", "--format", fmt)[1] for fmt in ("text", "markdown", "json")]
    assert project.gg("plan", "--out", saved)[0] == 0
    code, applied = project.gg("apply", saved)
    assert code == 0, applied
    for text in outputs + [applied, open(saved).read()]:
        assert secret not in text
    assert "(sensitive)" in outputs[2] and "(sensitive)" in open(saved).read()
    conf = aws_env.boto3_client("lambda").get_function_configuration(FunctionName=project.prefix + "-fn")
    assert conf["Environment"]["Variables"]["API_TOKEN"] == secret
    gg = aws_env.boto3_client("greengrass")
    fdef = [d for d in paginate(gg, "list_function_definitions", "Definitions")
            if d.get("Name") == project.prefix + "-g-functions"][0]
    version = gg.get_function_definition_version(FunctionDefinitionId=fdef["Id"],
                                                 FunctionDefinitionVersionId=fdef["LatestVersion"])
    variables = version["Definition"]["Functions"][0]["FunctionConfiguration"]["Environment"]["Variables"]
    assert variables["TOKEN"] == secret
