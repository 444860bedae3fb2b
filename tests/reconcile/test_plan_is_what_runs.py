"""What a reviewer approves is what runs: the steps `gg plan --format json` shows are exactly the
mutating AWS calls `gg apply` then makes (the sandbox counts every call), for a spec edit that
creates, updates and deletes."""
import json
from collections import Counter

from gg_manager.plan.operations import is_read


def planned_calls(project, *extra):
    code, text = project.gg("plan", "--format", "json", *extra)
    assert code == 0, text
    plan = json.loads(text[text.index("{"):text.rindex("}") + 1])
    steps = [s for c in plan["changes"] + plan["bookkeeping"] for s in c["steps"]]
    return plan, Counter(s["operation"] for s in steps if not s["operation"].startswith("local:"))


def made_calls(sandbox):
    """Mutating calls, leaving out the lock table: locks are gg's own, taken around the plan."""
    return Counter({k: v for k, v in sandbox.calls().items() if not is_read(k) and not k.startswith("dynamodb:")})


def test_rendered_steps_are_the_calls_apply_makes(project, aws_env):
    _, first = planned_calls(project)
    aws_env.reset_calls()
    assert project.gg("apply")[0] == 0
    assert made_calls(aws_env) == first
    # create a Lambda, update a logger and the subscriptions, delete the Lambda the spec dropped
    text = project.root.joinpath("greengrass.yaml").read_text()
    project.write(text.replace("%s-fn" % project.prefix, "%s-fn2" % project.prefix).replace("Level: INFO",
                                                                                             "Level: WARN"))
    plan, expected = planned_calls(project)
    kinds = {(c["action"], c["kind"]) for c in plan["changes"]}
    assert {("create", "lambda"), ("update", "logger definition"), ("delete", "lambda")} <= kinds, kinds
    aws_env.reset_calls()
    code, out = project.gg("apply")
    assert code == 0, out
    assert made_calls(aws_env) == expected
    assert project.plan_json()[0] == 0


def test_a_no_op_plan_reads_and_a_no_op_apply_writes_nothing(project, aws_env):
    assert project.gg("apply")[0] == 0
    aws_env.reset_calls()
    assert project.gg("apply")[0] == 0
    calls = aws_env.calls()
    assert not [k for k in calls if not is_read(k)], calls
