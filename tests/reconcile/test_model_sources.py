"""Every model source the spec takes from AWS is checked by the plan: an s3:// object must exist
(HeadObject), a SageMaker training job must exist and be Completed. A missing one fails the plan with
the spec's file:line, before anything is written (before: `gg apply` made everything and the core's
deployment failed later on the missing tarball)."""
import io
import os
import shutil
import subprocess

import pytest

from gg_manager import workflow
from gg_manager.aws.session import connect
from gg_manager.cli import main
from gg_manager.errors import GGError
from gg_manager.spec import load_spec
from tests.reconcile.conftest import mutating

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _line_of(path, text):
    lines = open(path).read().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _use_source(project, source):
    project.edit("    Source: ./model", "    Source: %s" % source)


def _bucket_with(aws_env, project, key, source_key):
    """A bucket of the project's holding `key`; the spec's model source is `source_key` in it."""
    bucket = project.prefix + "-models"
    s3 = aws_env.boto3_client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=b"model")
    _use_source(project, "s3://%s/%s" % (bucket, source_key))
    return bucket


MISSING = {
    "s3": ("s3://{p}-models/boxes/model.tar.gz",
           "model source {uri} does not exist (upload it first, or name a local folder gg uploads)"),
    "sagemaker": ("arn:aws:sagemaker:us-east-1:123456789012:training-job/{p}-nope",
                  "SageMaker training job {p}-nope does not exist (model source {uri})"),
}


@pytest.mark.parametrize("kind", sorted(MISSING))
def test_a_missing_source_fails_the_plan_at_its_line(project, aws_env, kind):
    uri, message = MISSING[kind]
    uri = uri.format(p=project.prefix)
    _use_source(project, uri)
    code, out = project.gg("plan")
    assert code == 1
    assert out.strip() == "error: %s:%d:13 Models[0].Source: %s" % (
        project.spec_path, project.line_of(uri), message.format(p=project.prefix, uri=uri))


def test_apply_with_a_missing_source_makes_nothing(project, aws_env):
    _use_source(project, "s3://%s-models/boxes/model.tar.gz" % project.prefix)
    spec = load_spec(project.spec_path, target=project.target).spec
    ctx = connect()
    aws_env.reset_calls()
    with pytest.raises(GGError, match="Models\\[0\\].Source: model source .* does not exist"):
        workflow.apply(ctx, spec, out=io.StringIO())
    assert mutating(aws_env.calls()) == {}            # nothing made, nothing locked


def test_s3_object_in_a_bucket_that_exists_but_without_the_key(project, aws_env):
    bucket = _bucket_with(aws_env, project, "boxes/other.tar.gz", "boxes/model.tar.gz")
    code, out = project.gg("plan")
    assert code == 1 and "Models[0].Source: model source s3://%s/boxes/model.tar.gz does not exist" % bucket in out


def test_s3_object_that_exists_is_planned_and_the_role_reads_exactly_it(project, aws_env):
    bucket = _bucket_with(aws_env, project, "boxes/model.tar.gz", "boxes/model.tar.gz")
    code, plan = project.plan_json()
    assert code == 2
    role = next(c for c in plan["changes"] if c["kind"] == "iam role" and c["group"])
    statements = role["after"]["inline_policy"]["Statement"]
    assert {"Action": ["s3:GetObject"], "Effect": "Allow",
            "Resource": ["arn:aws:s3:::%s/boxes/model.tar.gz" % bucket]} in statements


def test_every_missing_source_is_told_at_once_each_at_its_line(project, aws_env):
    first, second = "s3://%s-a/m.tar.gz" % project.prefix, "s3://%s-b/m.tar.gz" % project.prefix
    _use_source(project, first)
    project.edit("    Source: %s\n" % first, "    Source: %s\n  - Id: second\n    DestinationPath: /ml/second\n"
                 "    Source: %s\n" % (first, second))
    code, out = project.gg("plan")
    assert code == 1, out
    lines = out.strip().splitlines()
    assert lines[0].endswith("%d:13 Models[0].Source: model source %s does not exist "
                             "(upload it first, or name a local folder gg uploads)" % (project.line_of(first), first))
    assert lines[1].endswith("%d:13 Models[1].Source: model source %s does not exist "
                             "(upload it first, or name a local folder gg uploads)" % (project.line_of(second), second))


def test_the_example_app_as_written_fails_the_plan_not_the_deployment(tmp_path, aws_env, capsys):
    """The repository's greengrass.yaml names s3://gg-example-models/boxes/model.tar.gz, which does not
    exist: `gg apply` stops at the plan, naming greengrass.yaml:LINE, and creates nothing."""
    app = tmp_path / "app"
    app.mkdir()
    shutil.copy(os.path.join(ROOT, "greengrass.yaml"), app / "greengrass.yaml")
    shutil.copytree(os.path.join(ROOT, "lambdas"), app / "lambdas")
    subprocess.run(["git", "init", "-q", str(app)], check=True)
    group = aws_env.unique_name("ex")
    cwd = os.getcwd()
    os.chdir(app)
    try:
        code = main(["plan", "--var", "group=" + group])
        out = capsys.readouterr()
        line = _line_of(str(app / "greengrass.yaml"), "model_source | default")
        assert code == 1
        assert ("greengrass.yaml:%d:13 Models[0].Source: model source s3://gg-example-models/boxes/model.tar.gz "
                "does not exist" % line) in out.err
        aws_env.reset_calls()
        spec = load_spec("greengrass.yaml", {"group": group}).spec
        with pytest.raises(GGError, match="gg-example-models"):
            workflow.apply(connect(), spec, out=io.StringIO())
        assert mutating(aws_env.calls()) == {}
    finally:
        os.chdir(cwd)
