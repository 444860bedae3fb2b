"""V2-only validation: each problem at the line that causes it, with what to write instead."""
import os
import shutil

from gg_manager.spec import load_spec
from gg_manager.spec.diagnostics import Reporter
from gg_manager.spec.groups import expand_gpu, expand_models, group_views
from gg_manager.spec.render import render
from gg_manager.spec.yaml_marks import parse_yaml
from gg_manager.targets.v2.rules import check_v2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FIXTURES = os.path.join(ROOT, "tests", "spec", "fixtures")


def v2_problems(path, text=None):
    """(line, severity, message) of every V2 rule finding, as `gg validate` would place them."""
    text = open(path, encoding="utf-8").read() if text is None else text
    reporter = Reporter(path)
    data = parse_yaml(render(text, path, {}, reporter).text, reporter)
    for view in group_views(data, reporter):
        expand_gpu(view)
        expand_models(view)
        check_v2(view, reporter, os.path.dirname(path))
    return [(d.line, d.severity, d.message) for d in reporter.sorted()]


def test_the_example_app_is_valid_on_both_targets():
    path = os.path.join(ROOT, "greengrass.yaml")
    assert v2_problems(path) == []
    for target, runtime in (("v1", "python3.7"), ("v2", "python3.11")):
        result = load_spec(path, target=target)
        assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
        assert {f.runtime for f in result.spec.groups[0].functions} == {runtime}


def test_an_explicit_python37_is_an_error_on_v2_at_its_line(tmp_path):
    path = os.path.join(ROOT, "greengrass.yaml")
    text = open(path, encoding="utf-8").read().replace(
        "    alias: live\n", "    alias: live\n    runtime: python3.7\n", 1)
    (tmp_path / "greengrass.yaml").write_text(text)
    shutil.copytree(os.path.join(ROOT, "lambdas"), str(tmp_path / "lambdas"))
    result = load_spec(str(tmp_path / "greengrass.yaml"))
    line = text.splitlines().index("    runtime: python3.7") + 1
    assert [(d.line, d.col, d.severity) for d in result.diagnostics] == [(line, 14, "error")]
    message = result.diagnostics[0].message
    assert "AWS Lambda stopped accepting new python3.7 functions" in message
    assert "Write 'runtime: python3.11'" in message and "'Target: v1'" in message
    assert load_spec(str(tmp_path / "greengrass.yaml"), target="v1").ok


def test_greengo_example_under_v2():
    """greengo 1.0.7's published example (a Lambda, cloud subscriptions, a volume, a logger, a device)
    has nothing V2 cannot express."""
    assert v2_problems(os.path.join(FIXTURES, "greengo_example", "greengo.yaml")) == []


def test_object_detection_sample_under_v2():
    problems = v2_problems(os.path.join(FIXTURES, "object_detection", "greengo.yaml"))
    assert [(severity, "read-only" in message) for _, severity, message in problems] == [
        ("warning", True)]


SPEC = """
Group: {name: %(group)s}
Cores: [{name: core}]
Lambdas:
  - name: fn
    handler: index.handler
    package: fn
    runtime: %(runtime)s
Resources:
  - Name: token
    Id: token
    SecretsManagerSecretResourceData: {ARN: "arn:aws:secretsmanager:eu-west-1:1:secret:t"}
Models:
  - Id: m
    DestinationPath: %(dest)s
    Source: s3://bucket/m.tar.gz
Connectors:
  - Id: ic
    ConnectorArn: arn:aws:greengrass:eu-west-1::/connectors/ImageClassificationx86-64/versions/2
    Parameters: {}
"""


def test_one_finding_per_problem(tmp_path):
    path = str(tmp_path / "greengrass.yaml")
    text = SPEC % {"group": "g" * 60, "runtime": "python3.8", "dest": "/proc/cron.d"}
    messages = [m for _, _, m in v2_problems(path, text)]
    assert len(messages) == 5, messages
    assert any("python3.8" in m for m in messages)
    assert any("aws.greengrass.SecretManager" in m for m in messages)
    assert any("under /proc" in m for m in messages)
    assert any("lambdas/inference" in m for m in messages)
    assert any("IAM role name" in m for m in messages)
    fine = SPEC % {"group": "g", "runtime": "python3.12", "dest": "/ml/m"}
    assert [m for _, _, m in v2_problems(path, fine)] == [
        m for m in messages if "SecretManager" in m or "lambdas/inference" in m]


def test_two_model_ids_that_name_one_component_are_refused_at_the_second(tmp_path):
    path = str(tmp_path / "greengrass.yaml")
    text = ("Group: {name: g}\nCores: [{name: core}]\nModels:\n"
            "  - {Id: box-model, DestinationPath: /ml/a, Source: s3://b/a.tar.gz}\n"
            "  - {Id: box_model, DestinationPath: /ml/b, Source: s3://b/b.tar.gz}\n")
    problems = v2_problems(path, text)
    assert [(line, severity) for line, severity, _ in problems] == [(5, "error")]
    assert "both be component gg.model.box_model" in problems[0][2]
