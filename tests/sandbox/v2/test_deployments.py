"""Deployments through plain boto3: IoT jobs on thing groups, revisions, cancel/delete, subdeployments, errors."""
import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from v2_helpers import ACCOUNT, component, deploy, error_of, executions, group, name, things


def test_group_deployment_is_a_job_for_each_of_three_members(gg2, iot):
    members = things(iot, 3)
    target = group(iot, members)
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version, "aws.greengrass.Nucleus": "2.14.3"},
                  deploymentName="three")
    assert made["iotJobId"] == made["deploymentId"]
    assert made["iotJobArn"] == "arn:aws:iot:us-east-1:%s:job/%s" % (ACCOUNT, made["iotJobId"])
    assert executions(iot, made["iotJobId"]) == {t: "QUEUED" for t in members}
    job = iot.describe_job(jobId=made["iotJobId"])["job"]
    assert job["status"] == "IN_PROGRESS" and job["targetSelection"] == "CONTINUOUS"
    assert job["targets"] == [target] and job["jobProcessDetails"]["numberOfQueuedThings"] == 3
    got = gg2.get_deployment(deploymentId=made["deploymentId"])
    assert got["deploymentStatus"] == "ACTIVE" and got["isLatestForTarget"] is True and got["revisionId"] == "1"
    assert got["deploymentName"] == "three" and got["targetArn"] == target
    assert got["components"][component_name] == {"componentVersion": version}
    assert got["deploymentPolicies"] == {
        "failureHandlingPolicy": "ROLLBACK",
        "componentUpdatePolicy": {"timeoutInSeconds": 60, "action": "NOTIFY_COMPONENTS"},
        "configurationValidationPolicy": {"timeoutInSeconds": 30}}


def test_a_thing_added_later_receives_the_deployment(gg2, iot):
    first = things(iot, 1)
    target = group(iot, first)
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version})
    late = things(iot, 2, prefix="late")
    iot.add_thing_to_thing_group(thingGroupArn=target, thingName=late[0])
    iot.update_thing_groups_for_thing(thingName=late[1], thingGroupsToAdd=[target.rsplit("/", 1)[-1]])
    assert executions(iot, made["iotJobId"]) == {first[0]: "QUEUED", late[0]: "QUEUED", late[1]: "QUEUED"}
    iot.remove_thing_from_thing_group(thingGroupArn=target, thingName=late[0])
    assert executions(iot, made["iotJobId"])[late[0]] == "REMOVED"


def test_child_group_things_are_reached(gg2, iot):
    parent_name = name("parent")
    parent = iot.create_thing_group(thingGroupName=parent_name)["thingGroupArn"]
    child = name("child")
    iot.create_thing_group(thingGroupName=child, parentGroupName=parent_name)
    thing = things(iot, 1)[0]
    iot.add_thing_to_thing_group(thingGroupName=child, thingName=thing)
    component_name, version, _ = component(gg2)
    made = deploy(gg2, parent, {component_name: version})
    assert executions(iot, made["iotJobId"]) == {thing: "QUEUED"}
    late = things(iot, 1, prefix="late")[0]
    iot.add_thing_to_thing_group(thingGroupName=child, thingName=late)  # joins the child group later
    assert executions(iot, made["iotJobId"]) == {thing: "QUEUED", late: "QUEUED"}


def test_a_new_revision_replaces_the_previous_one(gg2, iot):
    target = group(iot, things(iot, 2))
    component_name, _, _ = component(gg2)
    component(gg2, component_name, "1.1.0")
    first = deploy(gg2, target, {component_name: "1.0.0"})
    second = deploy(gg2, target, {component_name: "1.1.0"})
    old, new = (gg2.get_deployment(deploymentId=d["deploymentId"]) for d in (first, second))
    assert (old["revisionId"], new["revisionId"]) == ("1", "2")
    assert old["isLatestForTarget"] is False and old["deploymentStatus"] == "INACTIVE"
    assert new["isLatestForTarget"] is True and new["deploymentStatus"] == "ACTIVE"
    assert iot.describe_job(jobId=first["iotJobId"])["job"]["status"] == "CANCELED"
    assert set(executions(iot, first["iotJobId"]).values()) == {"CANCELED"}
    assert set(executions(iot, second["iotJobId"]).values()) == {"QUEUED"}
    latest = gg2.list_deployments(targetArn=target)["deployments"]
    assert [d["deploymentId"] for d in latest] == [second["deploymentId"]]
    history = gg2.list_deployments(targetArn=target, historyFilter="ALL")["deployments"]
    assert [d["deploymentId"] for d in history] == [second["deploymentId"], first["deploymentId"]]


def test_thing_target_completes_when_its_execution_succeeds(gg2, iot, jobs_data):
    thing = things(iot, 1)[0]
    component_name, version, _ = component(gg2)
    made = deploy(gg2, "arn:aws:iot:us-east-1:%s:thing/%s" % (ACCOUNT, thing), {component_name: version})
    assert iot.describe_job(jobId=made["iotJobId"])["job"]["targetSelection"] == "SNAPSHOT"
    jobs_data.update_job_execution(jobId=made["iotJobId"], thingName=thing, status="SUCCEEDED",
                                   statusDetails={"detailed-deployment-status": "SUCCESSFUL"})
    assert gg2.get_deployment(deploymentId=made["deploymentId"])["deploymentStatus"] == "COMPLETED"
    assert iot.describe_job(jobId=made["iotJobId"])["job"]["status"] == "COMPLETED"


def test_cancel_then_delete(gg2, iot):
    target = group(iot, things(iot, 1))
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version})
    with pytest.raises(ClientError) as exc:
        gg2.delete_deployment(deploymentId=made["deploymentId"])
    assert error_of(exc)[:2] == ("ConflictException", 409)
    assert gg2.cancel_deployment(deploymentId=made["deploymentId"])["message"] == "SUCCESS"
    assert gg2.get_deployment(deploymentId=made["deploymentId"])["deploymentStatus"] == "CANCELED"
    assert iot.describe_job(jobId=made["iotJobId"])["job"]["status"] == "CANCELED"
    with pytest.raises(ClientError) as exc:
        gg2.cancel_deployment(deploymentId=made["deploymentId"])
    assert error_of(exc)[:2] == ("ConflictException", 409)
    gg2.delete_deployment(deploymentId=made["deploymentId"])
    for call in (gg2.get_deployment, gg2.delete_deployment, gg2.cancel_deployment):
        with pytest.raises(ClientError) as exc:
            call(deploymentId=made["deploymentId"])
        assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as exc:
        iot.describe_job(jobId=made["iotJobId"])
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_configuration_updates_run_with_and_policies_reach_the_job_document(gg2, iot):
    target = group(iot, things(iot, 1))
    component_name, version, _ = component(gg2)
    made = gg2.create_deployment(
        targetArn=target, components={component_name: {
            "componentVersion": version,
            "configurationUpdate": {"reset": ["/message"], "merge": json.dumps({"threshold": 0.5})},
            "runWith": {"posixUser": "ggc_user:ggc_group", "systemResourceLimits": {"memory": 102400, "cpus": 1.5}}}},
        deploymentPolicies={"failureHandlingPolicy": "DO_NOTHING",
                            "componentUpdatePolicy": {"timeoutInSeconds": 120, "action": "SKIP_NOTIFY_COMPONENTS"}})
    document = json.loads(iot.get_job_document(jobId=made["iotJobId"])["document"])
    assert document["deploymentId"] == made["deploymentId"]
    assert document["configurationArn"] == "arn:aws:greengrass:us-east-1:%s:configuration:thinggroup/%s:1" % (
        ACCOUNT, target.rsplit("/", 1)[-1])
    assert document["components"][component_name] == {
        "version": version, "configurationUpdate": {"reset": ["/message"], "merge": {"threshold": 0.5}},
        "runWith": {"posixUser": "ggc_user:ggc_group", "systemResourceLimits": {"memory": 102400, "cpus": 1.5}}}
    assert document["failureHandlingPolicy"] == "DO_NOTHING"
    assert document["componentUpdatePolicy"] == {"timeout": 120, "action": "SKIP_NOTIFY_COMPONENTS"}
    assert document["configurationValidationPolicy"] == {"timeout": 30}
    assert document["requiredCapabilities"] == ["LINUX_RESOURCE_LIMITS"] and document["onBehalfOf"] == target


def test_subdeployment_of_a_parent_group(gg2, iot):
    members = things(iot, 3)
    parent = group(iot, members)
    subset = group(iot, members[:1], prefix="canary")
    component_name, _, _ = component(gg2)
    component(gg2, component_name, "2.0.0")
    deploy(gg2, parent, {component_name: "1.0.0"})
    sub = deploy(gg2, subset, {component_name: "2.0.0"}, parentTargetArn=parent)
    assert gg2.get_deployment(deploymentId=sub["deploymentId"])["parentTargetArn"] == parent
    listed = gg2.list_deployments(parentTargetArn=parent)["deployments"]
    assert [d["deploymentId"] for d in listed] == [sub["deploymentId"]]
    assert executions(iot, sub["iotJobId"]) == {members[0]: "QUEUED"}
    document = json.loads(iot.get_job_document(jobId=sub["iotJobId"])["document"])
    assert document["parentTargetArn"] == parent and "SUB_DEPLOYMENTS" in document["requiredCapabilities"]
    outsider = group(iot, things(iot, 1), prefix="outside")
    with pytest.raises(ClientError) as exc:
        deploy(gg2, outsider, {component_name: "2.0.0"}, parentTargetArn=parent)
    assert error_of(exc)[0] == "ValidationException"
    undeployed = group(iot, members[:1])
    with pytest.raises(ClientError) as exc:
        deploy(gg2, subset, {component_name: "2.0.0"}, parentTargetArn=undeployed)
    assert error_of(exc)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize("change,expected", [
    ({"components": {"com.example.Missing": {"componentVersion": "9.9.9"}}}, "ResourceNotFoundException"),
    ({"targetArn": "arn:aws:iot:us-east-1:%s:thinggroup/no-such-group" % ACCOUNT}, "ResourceNotFoundException"),
    ({"targetArn": "arn:aws:iot:us-east-1:%s:thing/no-such-thing" % ACCOUNT}, "ResourceNotFoundException"),
    ({"merge": "{not json"}, "ValidationException"),
    ({"reset": ["message"]}, "ValidationException"),
    ({"iotJobConfiguration": {"jobExecutionsRolloutConfig": {"maximumPerMinute": 0}}}, "ValidationException"),
    ({"iotJobConfiguration": {"abortConfig": {"criteriaList": [{
        "failureType": "FAILED", "action": "CANCEL", "thresholdPercentage": 150,
        "minNumberOfExecutedThings": 1}]}}}, "ValidationException"),
    ({"deploymentPolicies": {"failureHandlingPolicy": "PANIC"}}, "ValidationException"),
])
def test_create_deployment_errors(sandbox, gg2, iot, change, expected):
    unchecked = sandbox.boto3_client("greengrassv2", config=Config(parameter_validation=False,
                                                                    retries={"total_max_attempts": 1}))
    target = group(iot, things(iot, 1))
    component_name, version, _ = component(gg2)
    spec = {"componentVersion": version}
    if "merge" in change or "reset" in change:
        spec["configurationUpdate"] = {k: change.pop(k) for k in ("merge", "reset") if k in change}
    request = dict({"targetArn": target, "components": {component_name: spec}}, **change)
    with pytest.raises(ClientError) as exc:
        unchecked.create_deployment(**request)  # the server's checks, not botocore's
    code, status, _ = error_of(exc)
    assert code == expected and status == {"ResourceNotFoundException": 404, "ValidationException": 400}[code]
    assert gg2.list_deployments(targetArn=target)["deployments"] == []


def test_tags_on_deployments_and_shared_tags_path(sandbox, gg2, iot):
    target = group(iot, things(iot, 1))
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version}, tags={"wave": "1"})
    arn = "arn:aws:greengrass:us-east-1:%s:deployments:%s" % (ACCOUNT, made["deploymentId"])
    assert gg2.get_deployment(deploymentId=made["deploymentId"])["tags"] == {"wave": "1"}
    gg2.tag_resource(resourceArn=arn, tags={"app": "edge"})
    assert gg2.list_tags_for_resource(resourceArn=arn)["tags"] == {"wave": "1", "app": "edge"}
    # the same /tags/ path still reaches Greengrass V1 for a V1 ARN
    v1 = sandbox.boto3_client("greengrass", retries=0)
    group_v1 = v1.create_group(Name=name("v1"), tags={"gen": "v1"})
    assert v1.list_tags_for_resource(ResourceArn=group_v1["Arn"])["tags"] == {"gen": "v1"}
    calls = sandbox.call_log()
    assert calls[-1] == "greengrass:ListTagsForResource" and "greengrassv2:ListTagsForResource" in calls


def test_list_deployments_pagination(sandbox):
    gg2 = sandbox.boto3_client("greengrassv2", region="eu-west-2", retries=0)
    iot = sandbox.boto3_client("iot", region="eu-west-2", retries=0)
    component_name, version, _ = component(gg2)
    made = [deploy(gg2, group(iot, things(iot, 1)), {component_name: version})["deploymentId"] for _ in range(5)]
    pages = list(gg2.get_paginator("list_deployments").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["deployments"]) for p in pages][:3] == [2, 2, 1]
    listed = [d["deploymentId"] for p in pages for d in p["deployments"]]
    assert set(made) <= set(listed) and listed[:5] == made[::-1]
