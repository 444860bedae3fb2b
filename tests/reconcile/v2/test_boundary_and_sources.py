"""Greengrass V2 keeps the plan-review contract too: every IAM role gg makes (a Lambda's execution
role, the group's token exchange role) gets the run's permissions boundary, and a model source in
AWS that does not exist fails the plan at the spec's file:line before anything is written."""
import json

from tests.reconcile.test_permissions_boundary import BOUNDARY, boundary_of


def roles_of(project):
    """A Lambda's execution role and the group's token exchange role."""
    p = project.prefix
    return ["gg-fn-%s-fn" % p, "gg-%s-g-tes" % p]


def test_every_v2_role_gets_the_boundary_and_the_plan_shows_it(v2_project, aws_env):
    code, text = v2_project.gg("plan", "--permissions-boundary", BOUNDARY)
    assert code == 0, text
    assert text.count("+ permissions boundary: %s\n" % BOUNDARY) == 2
    code, plan = v2_project.gg("plan", "--permissions-boundary", BOUNDARY, "--format", "json")
    creates = {s["params"]["RoleName"]: s["params"].get("PermissionsBoundary")
               for c in json.loads(plan[plan.index("{"):])["changes"] for s in c["steps"]
               if s["operation"] == "iam:CreateRole"}
    assert creates == {r: BOUNDARY for r in roles_of(v2_project)}
    assert v2_project.gg("apply", "--permissions-boundary", BOUNDARY)[0] == 0
    assert [boundary_of(aws_env, r) for r in roles_of(v2_project)] == [BOUNDARY, BOUNDARY]
    code, text = v2_project.gg("plan", "--permissions-boundary", BOUNDARY, "--detailed-exitcode")
    assert code == 0 and "No changes." in text, text          # the boundary read back: nothing to put again


def test_a_missing_s3_model_source_fails_the_v2_plan_at_its_line(v2_project, aws_env):
    uri = "s3://%s-models/boxes/model.tar.gz" % v2_project.prefix
    v2_project.edit("    Source: ./model", "    Source: %s" % uri)
    code, out = v2_project.gg("apply")
    assert code == 1
    assert out.strip() == ("error: %s:%d:13 Models[0].Source: model source %s does not exist (upload it first, "
                           "or name a local folder gg uploads)" % (v2_project.spec_path, v2_project.line_of(uri), uri))
    groups = aws_env.boto3_client("iot").list_thing_groups()["thingGroups"]
    assert not [g for g in groups if g["groupName"].startswith(v2_project.prefix)]
