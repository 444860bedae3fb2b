"""`gg remove` on V2 deletes only what gg made and no other app uses: a model component another app's
deployment runs stays (with the reason), a thing group gg did not make keeps everything named after it."""
import uuid

from gg_manager.aws.session import paginate


def components(sandbox):
    return {c["componentName"] for c in paginate(sandbox.boto3_client("greengrassv2"), "list_components", "components")}


def test_a_component_another_app_deploys_is_kept_until_that_app_goes(new_v2_project, aws_env):
    shared = "shared-%s" % uuid.uuid4().hex[:8]
    first, second = new_v2_project(), new_v2_project()
    for project in (first, second):
        project.edit("  - Id: %s-model" % project.prefix, "  - Id: %s" % shared)
        project.edit("ResourceId: %s-model" % project.prefix, "ResourceId: %s" % shared)
        assert project.gg("apply")[0] == 0, project.gg("plan")[1]
    component = "gg.model." + shared.replace("-", "_")
    assert component in components(aws_env)
    code, out = first.gg("remove", "--yes")
    assert code == 0, out
    assert "= component" in out and component in out and "still deployed by gg-%s-g" % second.prefix in out
    assert component in components(aws_env)
    assert second.plan_json()[0] == 0                   # the other app is whole
    assert second.gg("remove", "--yes")[0] == 0
    assert component not in components(aws_env)


def test_a_thing_group_gg_did_not_make_keeps_everything(v2_project, aws_env):
    iot = aws_env.boto3_client("iot")
    iot.create_thing_group(thingGroupName=v2_project.prefix + "-g")
    code, plan = v2_project.plan_json()
    assert code == 2
    code, out = v2_project.gg("plan", "--destroy")
    assert code == 0 and "not made by gg" in out and "DeleteThingGroup" not in out, out
    iot.delete_thing_group(thingGroupName=v2_project.prefix + "-g")
