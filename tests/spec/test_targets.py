"""`Target: v1|v2`: at the top, per entry of Groups (the entry wins), `--target` wins over both; v2 by
default. `gg validate` runs each group's target's rules, located at the line that causes them."""
import pytest

from gg_manager import workflow
from gg_manager.errors import GGError
from gg_manager.spec import load_spec

from .conftest import location

V1_ONLY = """\
Group: {name: g1}
Cores: [{name: g1_core}]
Lambdas:
  - name: fn
    handler: main.handler
    package: src
    runtime: python3.7
Subscriptions:
  - {Source: Lambda::fn, Subject: shadow/update, Target: GGShadowService}
Connectors:
  - Id: feedback
    ConnectorArn: arn:aws:greengrass:us-east-1::/connectors/MLFeedback/versions/1
    Parameters: {FeedbackConfigurationMap: '{"x": {"s3-bucket-name": "b", "content-type": "image/jpeg"}}'}
"""


def test_v2_is_the_default_and_its_rules_are_located(validate):
    run = validate(V1_ONLY)
    assert run.code == 1
    lines = run.err.splitlines()
    for anchor, path, words in (("python3.7", "Lambdas[0].runtime", "Write 'runtime: python3.11'"),
                                ("{Source: Lambda::fn", "Subscriptions[0]", "Device SDK V2"),
                                ("arn:aws:greengrass:us-east-1::/connectors/MLFeedback", "Connectors[0].ConnectorArn",
                                 "lambdas/inference")):
        line, col = location(V1_ONLY, anchor)
        wanted = "%s:%d:%d %s: " % (run.path, line, col, path)
        assert any(l.startswith(wanted) and words in l for l in lines), (wanted, run.err)
    assert run.err.strip().endswith("3 errors")


def test_target_v1_in_the_file_or_on_the_command_line(validate):
    assert validate("Target: v1\n" + V1_ONLY).code == 0
    run = validate(V1_ONLY, "--target", "v1")
    assert run.code == 0, run.text
    run = validate("Target: v1\n" + V1_ONLY, "--target", "v2")     # the command line wins
    assert run.code == 1 and "runtime python3.7 cannot be used with Target v2" in run.err


FLEET = """\
Target: v2
Defaults:
  Lambdas:
    - {name: fn, handler: main.handler, package: src, runtime: python3.8}
Groups:
  - Target: v1
    Group: {name: old-store}
    Cores: [{name: old-core}]
  - Group: {name: new-store}
    Cores: [{name: new-core}]
"""


def test_per_entry_target_wins_and_each_group_gets_its_own_rules(validate):
    run = validate(FLEET)
    assert run.code == 1
    errors = [l for l in run.err.splitlines() if "runtime python3.8" in l]
    assert len(errors) == 1 and "Target v2" in errors[0]          # only new-store's Lambda is refused
    run = validate(FLEET.replace("runtime: python3.8", "runtime: python3.12"))
    assert run.code == 1 and "cannot run on Greengrass V1" in run.err     # and 3.12 only for old-store
    assert len([l for l in run.err.splitlines() if "python3.12" in l]) == 1


def test_one_run_deploys_to_one_target(validate, workdir):
    run = validate(FLEET.replace("runtime: python3.8\n", "\n").replace(", runtime: python3.8", ""))
    assert run.code == 0, run.text
    spec = load_spec(run.path).spec
    assert {g.name: g.target for g in spec.groups} == {"old-store": "v1", "new-store": "v2"}
    assert {f.runtime for g in spec.groups for f in g.functions if g.target == "v1"} == {"python3.7"}
    assert {f.runtime for g in spec.groups for f in g.functions if g.target == "v2"} == {"python3.11"}
    with pytest.raises(GGError, match="one run deploys to one target: old-store target v1; new-store target v2"):
        workflow.target_of(spec)
    assert workflow.target_of(spec, ["new-store"]).name == "v2"
    assert workflow.target_of(spec, ["old-store"]).name == "v1"
