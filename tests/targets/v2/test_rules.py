"""V2-only validation: each problem at the line that causes it, with what to write instead."""
import os

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


def test_the_example_app_needs_only_its_runtime_lines_changed():
    path = os.path.join(ROOT, "greengrass.yaml")
    problems = v2_problems(path)
    assert [(line, severity) for line, severity, _ in problems] == [(52, "error"), (78, "error")]
    assert all("runtime: python3.11" in message for _, _, message in problems)
    text = open(path, encoding="utf-8").read().replace("    runtime: python3.7\n", "")
    assert v2_problems(path, text) == []


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
    text = SPEC % {"group": "g" * 60, "runtime": "python3.8", "dest": "/etc/cron.d"}
    messages = [m for _, _, m in v2_problems(path, text)]
    assert len(messages) == 5, messages
    assert any("python3.8" in m for m in messages)
    assert any("aws.greengrass.SecretManager" in m for m in messages)
    assert any("under /etc" in m for m in messages)
    assert any("lambdas/inference" in m for m in messages)
    assert any("IAM role name" in m for m in messages)
    fine = SPEC % {"group": "g", "runtime": "python3.12", "dest": "/ml/m"}
    assert [m for _, _, m in v2_problems(path, fine)] == [
        m for m in messages if "SecretManager" in m or "lambdas/inference" in m]
