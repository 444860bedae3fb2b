"""The plan as a value: steps belong to changes, refs point backwards, renderings show the same steps."""
import json

import pytest

from gg_manager.plan import operations
from gg_manager.plan.model import Change, Plan, Ref, Text
from gg_manager.plan.render import render_json, render_markdown, render_text
from gg_manager.plan.saved import check_same, load, save
from gg_manager.errors import GGError


def small_plan():
    plan = Plan("spec.yaml", "123456789012", "us-east-1", groups=["g"])
    group = Change("create", "group", "g", group="g")
    made = group.add("greengrass:CreateGroup", {"Name": "g"}, outputs={"id": "Id"})
    plan.add(group)
    thing = Change("create", "iot policy", "p", group="g")
    thing.add("iot:CreatePolicy", {"policyName": Text(("p-", made.ref("id"))), "policyDocument": {
        "Resource": Text(("arn:aws:greengrass:us-east-1:1:/greengrass/groups/", made.ref("id"), "/deployments/*"))}})
    plan.add(thing)
    bucket = Change("create", "s3 bucket", "b")
    bucket.add("s3:CreateBucket", {"Bucket": "b"}, done_if=("BucketAlreadyOwnedByYou",))
    plan.add(bucket)
    return plan.number(check=operations.check)


def test_steps_are_numbered_by_change_and_stages_put_shared_first():
    plan = small_plan()
    assert [s.id for s in plan.steps()] == ["1.1", "2.1", "3.1"]
    assert [c.stage for c in plan.staged()] == ["first", "group", "group"]


def test_a_change_without_steps_is_refused():
    with pytest.raises(ValueError, match="no step"):
        Plan("s", "a", "r").add(Change("update", "group", "g", group="g"))


def test_a_ref_to_a_later_or_missing_step_is_refused():
    plan = Plan("s", "a", "r", groups=["g"])
    first = Change("create", "group version", "g", group="g")
    later = Change("create", "group", "g", group="g")
    made = later.add("greengrass:CreateGroup", {"Name": "g"}, outputs={"id": "Id"})
    first.add("greengrass:CreateGroupVersion", {"GroupId": made.ref("id")})
    plan.add(first)
    plan.add(later)
    with pytest.raises(ValueError, match="no earlier step produces"):
        plan.number()


def test_unknown_operations_fail_at_plan_time():
    plan = Plan("s", "a", "r")
    change = Change("create", "s3 bucket", "b")
    change.add("s3:CreateBukcet", {"Bucket": "b"})
    plan.add(change)
    with pytest.raises(ValueError, match="unknown AWS operation s3:CreateBukcet"):
        plan.number(check=operations.check)


def test_a_step_that_produces_values_cannot_be_skipped_as_done():
    with pytest.raises(ValueError):
        Change("create", "group", "g").add("greengrass:CreateGroup", {}, outputs={"id": "Id"},
                                           done_if=("X",))


def test_renderings_show_the_same_steps():
    plan = small_plan()
    text, markdown, data = render_text(plan), render_markdown(plan), json.loads(render_json(plan))
    for step in plan.steps():
        assert "%s %s" % (step.id, step.operation) in text
        assert "%s %s" % (step.id, step.operation) in markdown
    assert [s["operation"] for c in data["changes"] for s in c["steps"]] == [s.operation for s in plan.steps()]
    policy = data["changes"][1]["steps"][0]["params"]["policyDocument"]["Resource"]
    assert policy == {"text": ["arn:aws:greengrass:us-east-1:1:/greengrass/groups/", {"ref": "1.1", "output": "id"},
                               "/deployments/*"]}
    assert "policyName=p-<1.1 id>," in text


def test_every_rendering_names_the_groups_still_to_deploy():
    """A plan with nothing to change whose groups still need deploying (`gg apply --no-deploy` made a
    revision a rollout did not deploy yet) says so in the PR comment (markdown) too, not just "No changes"."""
    plan = Plan("spec.yaml", "123456789012", "us-east-1", groups=["a", "b"])
    plan.deploy_needed = ["a"]
    for rendered in (render_text(plan), render_markdown(plan)):
        assert "Deploy needed: a (`gg rollout` or `gg deploy`)." in rendered, rendered
    plan.deploy_needed = []
    assert "Deploy needed" not in render_markdown(plan) and "No changes." in render_markdown(plan)


def test_sensitive_values_never_reach_any_rendering_or_saved_plan(tmp_path):
    plan = Plan("s", "a", "r", groups=["g"])
    fn = Change("create", "lambda", "fn", fields=["Variables.TOKEN: s3cr3t-value"])
    fn.add("lambda:UpdateFunctionConfiguration", {"FunctionName": "fn",
                                                  "Environment": {"Variables": {"TOKEN": "s3cr3t-value"}}})
    plan.add(fn)
    plan.number()
    secret = frozenset({"s3cr3t-value"})
    for rendered in (render_text(plan, secret), render_markdown(plan, secret), render_json(plan, secret)):
        assert "s3cr3t-value" not in rendered and "(sensitive)" in rendered
    path = tmp_path / "plan.json"
    save(plan, str(path), secret)
    assert "s3cr3t-value" not in path.read_text()
    check_same(load(str(path)), plan, str(path), secret)      # the fresh plan matches its redacted form
    assert plan.changes[0].steps[0].params["Environment"]["Variables"]["TOKEN"] == "s3cr3t-value"


def test_saved_plan_is_refused_when_the_fresh_plan_differs(tmp_path):
    plan = small_plan()
    path = str(tmp_path / "p.json")
    save(plan, path)
    other = small_plan()
    other.changes[0].steps[0].params["Name"] = "h"
    with pytest.raises(GGError, match="changed since"):
        check_same(load(path), other, path)
    other = small_plan()
    other.fingerprint = "different"
    with pytest.raises(GGError, match="AWS changed since"):
        check_same(load(path), other, path)


def test_ref_is_a_value_with_an_id():
    plan = small_plan()
    ref = plan.changes[1].steps[0].params["policyDocument"]["Resource"].parts[1]
    assert isinstance(ref, Ref) and ref.step_id == "1.1" and ref.to_json() == {"ref": "1.1", "output": "id"}


def test_a_group_step_may_not_use_another_groups_output():
    plan = Plan("s", "a", "r", groups=["a", "b"])
    first = Change("create", "group", "a", group="a")
    made = first.add("greengrass:CreateGroup", {"Name": "a"}, outputs={"id": "Id"})
    other = Change("create", "group version", "b", group="b")
    other.add("greengrass:CreateGroupVersion", {"GroupId": made.ref("id")})
    plan.add(first)
    plan.add(other)
    with pytest.raises(ValueError, match="groups run in parallel"):
        plan.number()
