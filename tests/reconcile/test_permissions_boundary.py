"""A permissions boundary on every IAM role gg makes, from the run (`--permissions-boundary`,
GG_PERMISSIONS_BOUNDARY), never from the spec: a pipeline allowed to create and change roles only
with that boundary can then never make a role that does more than the boundary allows."""
import json

import pytest

from gg_manager.aws.session import connect
from gg_manager.targets.v1.rollout.role import ROLE_NAME, ensure_role

BOUNDARY = "arn:aws:iam::123456789012:policy/gg-permissions-boundary"
OTHER = "arn:aws:iam::123456789012:policy/some-wider-boundary"


def roles_of(project):
    p = project.prefix
    return ["gg-fn-%s-fn" % p, "gg-%s-g-group-role" % p]


def boundary_of(aws_env, role):
    found = aws_env.boto3_client("iam").get_role(RoleName=role)["Role"]
    return (found.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")


def test_every_role_gg_creates_gets_the_boundary_and_the_plan_shows_it(project, aws_env):
    code, text = project.gg("plan", "--permissions-boundary", BOUNDARY)
    assert code == 0
    assert text.count("      + permissions boundary: %s\n" % BOUNDARY) == 2
    code, plan = project.gg("plan", "--permissions-boundary", BOUNDARY, "--format", "json")
    creates = [s for c in json.loads(plan[plan.index("{"):])["changes"] for s in c["steps"]
               if s["operation"] == "iam:CreateRole"]
    assert [s["params"]["PermissionsBoundary"] for s in creates] == [BOUNDARY, BOUNDARY]
    assert project.gg("apply", "--permissions-boundary", BOUNDARY)[0] == 0
    assert [boundary_of(aws_env, r) for r in roles_of(project)] == [BOUNDARY, BOUNDARY]
    assert project.plan_json()[0] == 0                  # without the flag: nothing to do, nothing removed


def test_the_environment_variable_gives_the_boundary(project, aws_env, monkeypatch):
    monkeypatch.setenv("GG_PERMISSIONS_BOUNDARY", BOUNDARY)
    assert project.gg("apply")[0] == 0
    assert [boundary_of(aws_env, r) for r in roles_of(project)] == [BOUNDARY, BOUNDARY]


def test_a_role_without_it_gets_it_first_then_its_policy(project, aws_env):
    """Roles made before the boundary was adopted: the boundary is put before the policy changes, so a
    pipeline allowed PutRolePolicy only on roles with the boundary can carry the change out."""
    assert project.gg("apply")[0] == 0
    assert boundary_of(aws_env, roles_of(project)[1]) is None
    project.edit("  - {Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}",
                 "  - {Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}\n"
                 "  - {Component: Lambda, Id: cw, Level: WARN, Type: AWSCloudWatch}")
    code, plan = project.gg("plan", "--permissions-boundary", BOUNDARY, "--format", "json")
    group_role = next(c for c in json.loads(plan[plan.index("{"):])["changes"]
                      if c["name"] == roles_of(project)[1])
    assert [s["operation"] for s in group_role["steps"]] == ["iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
    assert project.gg("apply", "--permissions-boundary", BOUNDARY)[0] == 0
    assert [boundary_of(aws_env, r) for r in roles_of(project)] == [BOUNDARY, BOUNDARY]


def test_a_different_boundary_is_put_back(project, aws_env):
    assert project.gg("apply", "--permissions-boundary", BOUNDARY)[0] == 0
    aws_env.boto3_client("iam").put_role_permissions_boundary(RoleName=roles_of(project)[0], PermissionsBoundary=OTHER)
    code, text = project.gg("plan", "--permissions-boundary", BOUNDARY)
    assert "      ~ permissions boundary: %s -> %s\n" % (OTHER, BOUNDARY) in text
    assert project.gg("apply", "--permissions-boundary", BOUNDARY)[0] == 0
    assert boundary_of(aws_env, roles_of(project)[0]) == BOUNDARY


def test_the_spec_cannot_set_or_drop_it(project, aws_env):
    project.edit("tags: {team: vision}", "tags: {team: vision}\n  permissionsBoundary: none")
    code, out = project.gg("validate")
    assert code == 1 and "Group.permissionsBoundary: unknown key 'permissionsBoundary'" in out


@pytest.mark.parametrize("value", ["gg-permissions-boundary", "arn:aws:iam::123456789012:role/gg-x",
                                   "arn:aws:iam::12345:policy/x"])
def test_a_boundary_that_is_not_a_policy_arn_is_one_clear_line(project, aws_env, value):
    code, out = project.gg("plan", "--permissions-boundary", value)
    assert code == 1
    assert out.strip() == ("error: permissions boundary %r is not an IAM policy ARN "
                           "(arn:aws:iam::ACCOUNT:policy/NAME)" % value)


def test_the_rollout_role_gets_it_too(aws_env, monkeypatch):
    ctx = connect(permissions_boundary=BOUNDARY)
    ensure_role(ctx)
    assert boundary_of(aws_env, ROLE_NAME) == BOUNDARY
    monkeypatch.setenv("GG_PERMISSIONS_BOUNDARY", OTHER)
    ensure_role(connect())
    assert boundary_of(aws_env, ROLE_NAME) == OTHER
