"""examples/ci stays in step with the CLI: every gg command line in it parses; the IAM policy is JSON."""
import json
import os
import re
import shlex

import yaml

from gg_manager.cli import parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CI = os.path.join(ROOT, "examples", "ci")


def gg_command_lines():
    with open(os.path.join(CI, "github-actions.yml")) as f:
        workflow = yaml.safe_load(f)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in (step.get("run") or "").splitlines():
                line = line.split(">")[0].strip()
                if line.startswith("gg "):
                    yield line


def test_every_gg_command_in_the_workflow_parses():
    lines = list(gg_command_lines())
    assert {l.split()[1] for l in lines} >= {"validate", "plan", "apply", "rollout"}
    for line in lines:
        args = shlex.split(re.sub(r'"\$\w+"', "values.yaml", line))[1:]
        ctx = parse(args)                         # click.UsageError (a test failure) on an unknown flag
        assert ctx.command.callback, line
        if args[0] in ("apply", "create", "update", "remove"):   # CI has no terminal to answer the question
            assert ctx.params["yes"] or ctx.params.get("plan_file"), line


def test_pipeline_policy_is_valid_json_and_scoped():
    with open(os.path.join(CI, "pipeline-iam-policy.json")) as f:
        policy = json.load(f)
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["RolesGgManages"]["Resource"] == ["arn:aws:iam::*:role/gg-*"]
    assert by_sid["GroupLocks"]["Resource"].endswith(":table/gg-locks")
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
