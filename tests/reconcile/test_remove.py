"""`gg remove` is a plan: `gg plan --destroy` shows exactly what it deletes, it deletes only what gg
made and nothing another group still uses, and an interrupted removal finishes when run again.

Each case of data loss found in the old `gg remove` is a test here."""
import json
import os
import shutil
from collections import Counter

from gg_manager.aws.session import paginate
from gg_manager.plan.operations import is_read
from gg_manager.resources import names
from tests.reconcile.conftest import certificates_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def destroy_steps(project, *extra):
    code, text = project.gg("plan", "--destroy", "--format", "json", *extra)
    assert code == 0, text
    plan = json.loads(text[text.index("{"):text.rindex("}") + 1])
    return plan, Counter(s["operation"] for c in plan["changes"] for s in c["steps"]
                         if not s["operation"].startswith("local:"))


def mutating_aws_calls(sandbox):
    return Counter({k: v for k, v in sandbox.calls().items() if not is_read(k)})


def test_plan_destroy_lists_exactly_what_remove_deletes_on_the_example_app(new_project, aws_env, capsys):
    project = new_project()
    shutil.copy(os.path.join(ROOT, "greengrass.yaml"), str(project.root / "greengrass.yaml"))
    shutil.copytree(os.path.join(ROOT, "lambdas"), str(project.root / "lambdas"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    example = ("--var", "group=%s" % project.prefix, "--var", "model_source=./model")
    code, out = project.gg("apply", *example)
    assert code == 0, out
    plan, expected = destroy_steps(project, *example)
    kinds = {c["kind"] for c in plan["changes"]}
    assert {"group", "certificate", "iot thing", "iot policy", "lambda", "iam role", "model object",
            "core definition", "function definition"} <= kinds, kinds
    aws_env.reset_calls()
    code, out = project.gg("remove", "--yes", *example)
    assert code == 0, out
    made = Counter({k: v for k, v in mutating_aws_calls(aws_env).items()})
    assert made == expected
    assert list_everything_named(aws_env, project.prefix) == []
    code, out = project.gg("remove", "--yes", *example)
    assert code == 0 and "Nothing to remove" in out and "Removed" not in out, out


def list_everything_named(sandbox, prefix):
    from tests.reconcile.conftest import list_everything
    return list_everything(sandbox, prefix)


def test_purge_local_deletes_only_the_files_gg_wrote(project, aws_env):
    """A core named `greengrass` with key_path `.` once took greengrass.yaml with it."""
    project.edit("  - name: %s-core\n    key_path: ./certs\n    config_path: ./config" % project.prefix,
                 "  - name: greengrass\n    key_path: .\n    config_path: .")
    (project.root / "greengrass.notes.txt").write_text("mine")
    code, out = project.gg("apply")
    assert code == 0, out
    assert (project.root / "greengrass.key").exists() and (project.root / "config.json").exists()
    code, out = project.gg("remove", "--yes", "--purge-local")
    assert code == 0, out
    assert (project.root / "greengrass.yaml").exists() and (project.root / "greengrass.notes.txt").exists()
    for gone in ("greengrass.key", "greengrass.cert.pem", "config.json"):
        assert not (project.root / gone).exists(), gone


FLEET = """\
Defaults:
  Lambdas:
    - name: {p}-fn
      handler: main.handler
      package: src
      alias: live
      greengrassConfig:
        MemorySize: 131072
        Timeout: 10
        Pinned: true
        Environment: {{ResourceAccessPolicies: [{{ResourceId: shared-model, Permission: ro}}]}}
  Models:
    - {{Id: shared-model, DestinationPath: /ml/m, Source: ./model}}
Groups:
  - Group: {{name: {p}-store-1}}
    Cores: [{{name: {p}-core-1, config_path: ./config/1}}]
  - Group: {{name: {p}-store-2}}
    Cores: [{{name: {p}-core-2, config_path: ./config/2}}]
"""


def test_removing_one_group_keeps_what_the_other_still_uses(project, aws_env):
    project.write(FLEET.format(p=project.prefix))
    assert project.gg("apply")[0] == 0
    code, out = project.gg("remove", "--yes", "--group", project.prefix + "-store-1")
    assert code == 0, out
    gg = aws_env.boto3_client("greengrass")
    left = [g["Name"] for g in paginate(gg, "list_groups", "Groups") if g.get("Name", "").startswith(project.prefix)]
    assert left == [project.prefix + "-store-2"]
    aws_env.boto3_client("lambda").get_function(FunctionName=project.prefix + "-fn")    # still there
    resources = [d for d in paginate(gg, "list_resource_definitions", "Definitions")
                 if d.get("Name") == project.prefix + "-store-2-resources"][0]
    uri = gg.get_resource_definition_version(ResourceDefinitionId=resources["Id"],
                                             ResourceDefinitionVersionId=resources["LatestVersion"])[
        "Definition"]["Resources"][0]["ResourceDataContainer"]["S3MachineLearningModelResourceData"]["S3Uri"]
    bucket, key = uri[len("s3://"):].split("/", 1)
    aws_env.boto3_client("s3").head_object(Bucket=bucket, Key=key)                     # the model too
    code, plan = project.plan_json()
    assert code == 2 and {c["group"] for c in plan["changes"]} == {project.prefix + "-store-1"}


def test_two_specs_with_the_same_lambda_name_keep_it_for_each_other(new_project, aws_env):
    first, second = new_project(), new_project()
    second.write(second.root.joinpath("greengrass.yaml").read_text().replace(
        second.prefix + "-fn", first.prefix + "-fn"))
    assert first.gg("apply")[0] == 0
    assert second.gg("apply")[0] == 0
    code, out = first.gg("remove", "--yes")
    assert code == 0, out
    assert "still used by %s-g-functions" % second.prefix in out, out
    aws_env.boto3_client("lambda").get_function(FunctionName=first.prefix + "-fn")
    assert second.plan_json()[0] == 0


def test_a_lambda_gg_did_not_make_keeps_the_role_it_now_uses(project, aws_env):
    """greengo made the Lambda; gg updated it (giving it gg's execution role); remove keeps both."""
    lam, iam = aws_env.boto3_client("lambda"), aws_env.boto3_client("iam")
    role = iam.create_role(RoleName=project.prefix + "-greengo", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam.create_function(FunctionName=project.prefix + "-fn", Runtime="python3.7", Role=role,
                        Handler="main.handler", Code={"ZipFile": _zip()})
    assert project.gg("apply")[0] == 0
    used = lam.get_function(FunctionName=project.prefix + "-fn")["Configuration"]["Role"]
    assert used.endswith("/" + names.function_role_name(project.prefix + "-fn"))
    code, out = project.gg("remove", "--yes")
    assert code == 0, out
    assert lam.get_function(FunctionName=project.prefix + "-fn")["Configuration"]["Role"] == used
    iam.get_role(RoleName=names.function_role_name(project.prefix + "-fn"))            # not deleted under it
    assert "not made by gg" in out


def _zip():
    import io
    import zipfile
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("main.py", "def handler(e, c):\n    return e\n")
    return data.getvalue()


def test_remove_interrupted_at_each_write_then_run_again_leaves_nothing(new_project, aws_env, listing_of):
    reference = new_project()
    assert reference.gg("apply")[0] == 0
    aws_env.reset_calls()
    assert reference.gg("remove", "--yes")[0] == 0
    writes = sum(mutating_aws_calls(aws_env).values())
    assert writes >= 15
    for k in range(1, writes + 1):
        project = new_project()
        assert project.gg("apply")[0] == 0
        core = project.prefix + "-core"
        assert len(certificates_of(aws_env, core)) == 1
        aws_env.set_faults(fail_nth_write=k)
        code, out = project.gg("remove", "--yes")
        aws_env.clear_faults()
        assert code == 1 and "Injected failure" in out and "Traceback" not in out, "write %d\n%s" % (k, out)
        assert "run `gg remove` again to finish" in out, out       # it can help: the failure was transient
        code, out = project.gg("remove", "--yes")
        assert code == 0, "write %d: the second run failed\n%s" % (k, out)
        assert listing_of(project) == [], "write %d" % k
        assert certificates_of(aws_env, core) == [], "write %d: a certificate is left" % k


def test_a_crash_right_after_the_certificate_was_issued_never_orphans_it(project, aws_env, monkeypatch):
    from gg_manager.targets.v1 import TARGET

    def crash(**_):
        raise RuntimeError("the machine went down")
    write = TARGET.local_handlers["local:WriteCertificate"]
    monkeypatch.setitem(TARGET.local_handlers, "local:WriteCertificate", crash)
    code, out = project.gg("apply")
    assert code == 1 and "the machine went down" in out, out
    monkeypatch.setitem(TARGET.local_handlers, "local:WriteCertificate", write)
    core = project.prefix + "-core"
    [orphan] = certificates_of(aws_env, core)          # ACTIVE, on no thing
    assert orphan["status"] == "ACTIVE"
    assert project.gg("apply")[0] == 0
    iot = aws_env.boto3_client("iot")
    assert len(iot.list_thing_principals(thingName=core)["principals"]) == 1
    # AWS certifies the CSR's public key, so the re-run reuses the orphan; the sandbox's issuer makes up a key,
    # so there the re-run gets a new certificate: either way nothing is left behind once removed
    assert project.gg("remove", "--yes")[0] == 0
    assert certificates_of(aws_env, core) == []


def test_a_crash_after_issuing_then_remove_deletes_the_orphan(project, aws_env, monkeypatch):
    from gg_manager.targets.v1 import TARGET
    write = TARGET.local_handlers["local:WriteCertificate"]
    monkeypatch.setitem(TARGET.local_handlers, "local:WriteCertificate",
                        lambda **_: (_ for _ in ()).throw(RuntimeError("down")))
    assert project.gg("apply")[0] == 1
    monkeypatch.setitem(TARGET.local_handlers, "local:WriteCertificate", write)
    core = project.prefix + "-core"
    assert len(certificates_of(aws_env, core)) == 1
    code, out = project.gg("remove", "--yes")
    assert code == 0, out
    assert certificates_of(aws_env, core) == []


def test_bucket_tagging_failing_once_is_repaired_and_never_breaks_remove(project, aws_env, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")       # a region of its own: its own artifact bucket
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    project.write(project.root.joinpath("greengrass.yaml").read_text().replace("us-east-1", "ap-southeast-2"))
    bucket = names.default_artifact_bucket("123456789012", "ap-southeast-2")
    with aws_env.faults(fail_nth_write=1, fail_write_operation="PutBucketTagging"):
        code, out = project.gg("apply")
    assert code == 1
    code, out = project.gg("remove", "--yes")            # NoSuchTagSet used to fail every later remove
    assert code == 0 and "NoSuchTagSet" not in out, out
    assert project.gg("apply")[0] == 0
    s3 = aws_env.boto3_client("s3", region="ap-southeast-2")
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    assert tags[names.MANAGED_BY] == names.MANAGED_VALUE     # put back by the plan
    code, out = project.gg("remove", "--yes")
    assert code == 0 and "`gg remove --all` deletes it once no app uses it" in out, out
    s3.head_bucket(Bucket=bucket)                         # shared: kept without --all
    code, out = project.gg("remove", "--yes", "--all")
    assert code == 0, out
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    tables = aws_env.boto3_client("dynamodb", region="ap-southeast-2").list_tables()["TableNames"]
    assert "gg-locks" not in tables


def test_remove_of_a_group_gg_did_not_make_keeps_it_and_says_so(project, aws_env):
    gg = aws_env.boto3_client("greengrass")
    made = gg.create_group(Name=project.prefix + "-g")
    code, out = project.gg("remove", "--yes")
    assert code == 0, out
    assert "not made by gg" in out and "run it again" not in out and "run `gg remove` again" not in out, out
    assert gg.get_group(GroupId=made["Id"])["Name"] == project.prefix + "-g"


def test_messages_say_what_was_done_and_what_was_already_gone(project, aws_env, monkeypatch):
    assert project.gg("apply")[0] == 0
    lam = aws_env.boto3_client("lambda")

    def someone_else_deletes_the_lambda_while_we_confirm(prompt=""):
        lam.delete_function(FunctionName=project.prefix + "-fn")
        return "yes"
    monkeypatch.setattr("builtins.input", someone_else_deletes_the_lambda_while_we_confirm)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    plan, _ = destroy_steps(project)
    code, out = project.gg("remove")
    assert code == 0, out
    assert "deleted group %s-g (" % project.prefix in out
    assert "lambda %s-fn: already gone" % project.prefix in out
    assert "Removed %d resources of %s-g; 1 was already gone." % (len(plan["changes"]) - 1, project.prefix) in out
