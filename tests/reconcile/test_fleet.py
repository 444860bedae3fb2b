"""A fleet spec: groups applied concurrently; one group's failure leaves the others whole."""
import json

FLEET = """\
Defaults:
  Lambdas:
    - name: {p}-fn
      handler: main.handler
      package: src
      alias: live
      greengrassConfig: {{MemorySize: 131072, Timeout: 10, Pinned: true}}
  Subscriptions:
    - Id: out
      Source: Lambda::{p}-fn
      Subject: {p}/out
      Target: cloud
Groups:
{groups}
"""


def fleet_text(prefix, n):
    entries = "".join("  - Group: {name: %s-g%d}\n    Cores: [{name: %s-core%d}]\n" % (prefix, i, prefix, i)
                      for i in range(n))
    return FLEET.format(p=prefix, groups=entries)


def test_fleet_apply_one_group_fails_others_complete(new_project, aws_env):
    project = new_project()
    project.write(fleet_text(project.prefix, 4))
    # one group's group version fails for good, while the others finish
    aws_env.set_faults(fail_nth_write=3, fail_write_operation="CreateGroupVersion")
    try:
        code, out = project.gg("apply")
    finally:
        aws_env.clear_faults()
    assert code == 1
    assert "error: apply failed; re-run `gg apply` to finish:" in out
    failed = [line for line in out.splitlines() if line.startswith("  group ")]
    assert len(failed) == 1 and "Injected failure" in failed[0], out
    code, text = project.gg("plan", "--format", "json", "--detailed-exitcode")
    plan = json.loads(text[text.index("{"):text.rindex("}") + 1])
    assert code == 2
    assert len({c["group"] for c in plan["changes"]}) == 1      # only the failed group has work left
    assert project.gg("apply")[0] == 0
    assert project.plan_json()[0] == 0
    gg = aws_env.boto3_client("greengrass")
    groups = [g for g in gg.list_groups()["Groups"] if g["Name"].startswith(project.prefix)]
    assert len(groups) == 4 and all(g.get("LatestVersion") for g in groups)
    versions = {g["Name"]: len(gg.list_group_versions(GroupId=g["Id"])["Versions"]) for g in groups}
    assert set(versions.values()) == {1}, versions          # one group version per group, even after the retry


def test_cores_sharing_a_config_path_each_get_their_own_config_file(new_project, aws_env):
    """A fleet whose cores do not set config_path: each core's config.json at its own path (it used
    to be one config/config.json that the last group wrote), and the plan says so."""
    project = new_project()
    project.write(fleet_text(project.prefix, 3))
    code, text = project.gg("plan")
    assert "3 cores share config_path ./config: each core's config.json goes to" in text, text
    assert project.gg("apply")[0] == 0
    assert not (project.root / "config" / "config.json").exists()
    for i in range(3):
        core = "%s-core%d" % (project.prefix, i)
        config = json.loads((project.root / "config" / core / "config.json").read_text())
        assert config["coreThing"]["thingArn"].endswith(":thing/" + core)


def test_a_fleet_apply_reads_each_group_once_and_locks_in_one_transaction(new_project, aws_env):
    """Planned once: under the lock only the list calls and gg's apply record are read again; the
    locks of the whole fleet are one transaction to take and one to release."""
    project = new_project()
    project.write(fleet_text(project.prefix, 4))
    assert project.gg("apply")[0] == 0
    project.edit("MemorySize: 131072", "MemorySize: 262144")
    aws_env.reset_calls()
    code, out = project.gg("apply")
    assert code == 0, out
    calls = aws_env.calls()
    for op in ("greengrass:ListTagsForResource", "greengrass:GetAssociatedRole", "iot:ListThingPrincipals",
               "iot:GetEffectivePolicies"):
        assert calls.get(op) == 4, (op, calls)
    # the core's policy is read through its certificate: attached, and its document, in one call
    assert not calls.get("iot:GetPolicy") and not calls.get("iot:ListTargetsForPolicy"), calls
    assert calls.get("greengrass:GetFunctionDefinitionVersion") == 1      # one content, read once
    assert calls.get("greengrass:CreateFunctionDefinitionVersion") == 4
    assert calls.get("greengrass:CreateGroupVersion") == 4
    assert calls.get("dynamodb:TransactWriteItems") == 2
    assert not [k for k in calls if k.startswith(("greengrass:Tag", "lambda:Tag"))]   # no re-tagging
