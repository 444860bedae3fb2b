"""What a V2 core device does, with plain boto3 and paho: jobs data plane, status reports, resolve, download."""
import json
import queue
import time
import urllib.request
import uuid

import paho.mqtt.client as mqtt
import pytest
from botocore.exceptions import ClientError

from gg_manager.sandbox.process import SandboxError
from v2_helpers import ACCOUNT, component, deploy, error_of, group, name, recipe, things


def _report(thing, components, status="HEALTHY", sequence=1, message_type="COMPLETE", deployment=None):
    body = {"ggcVersion": "2.14.3", "platform": "linux", "architecture": "amd64", "thing": thing,
            "overallDeviceStatus": status, "sequenceNumber": sequence, "timestamp": int(time.time() * 1000),
            "messageType": message_type, "trigger": "THING_GROUP_DEPLOYMENT", "components": components}
    if deployment:
        body["deploymentInformation"] = deployment
    return body


def _mqtt(sandbox):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-%s" % uuid.uuid4().hex[:8])
    client.connect(sandbox.mqtt_host, sandbox.mqtt_port, keepalive=10)
    client.loop_start()
    return client


def test_a_core_runs_its_job_through_the_jobs_data_plane(gg2, iot, jobs_data):
    thing = things(iot, 1)[0]
    target = group(iot, [thing])
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version})
    job_id = made["iotJobId"]
    pending = jobs_data.get_pending_job_executions(thingName=thing)
    assert [j["jobId"] for j in pending["queuedJobs"]] == [job_id] and pending["inProgressJobs"] == []
    described = jobs_data.describe_job_execution(thingName=thing, jobId="$next")["execution"]
    document = json.loads(described["jobDocument"])
    assert described["jobId"] == job_id and described["status"] == "QUEUED"
    assert document["components"] == {component_name: {"version": version}}
    started = jobs_data.start_next_pending_job_execution(thingName=thing, statusDetails={"step": "downloading"})
    assert started["execution"]["status"] == "IN_PROGRESS" and started["execution"]["versionNumber"] == 2
    with pytest.raises(ClientError) as exc:
        jobs_data.update_job_execution(jobId=job_id, thingName=thing, status="SUCCEEDED", expectedVersion=1)
    assert error_of(exc)[:2] == ("ConflictException", 409)
    answer = jobs_data.update_job_execution(
        jobId=job_id, thingName=thing, status="SUCCEEDED", expectedVersion=2, includeJobExecutionState=True,
        statusDetails={"detailed-deployment-status": "SUCCESSFUL"})
    assert answer["executionState"]["status"] == "SUCCEEDED"
    assert answer["executionState"]["statusDetails"] == {"step": "downloading",
                                                         "detailed-deployment-status": "SUCCESSFUL"}
    seen = iot.describe_job_execution(jobId=job_id, thingName=thing)["execution"]
    assert seen["status"] == "SUCCEEDED" and seen["statusDetails"]["detailsMap"]["detailed-deployment-status"] == \
        "SUCCESSFUL"
    with pytest.raises(ClientError) as exc:
        jobs_data.update_job_execution(jobId=job_id, thingName=thing, status="IN_PROGRESS")
    assert error_of(exc)[:2] == ("InvalidStateTransitionException", 409)
    assert jobs_data.describe_job_execution(thingName=thing, jobId="$next").get("execution") is None
    assert jobs_data.start_next_pending_job_execution(thingName=thing).get("execution") is None
    with pytest.raises(ClientError) as exc:
        jobs_data.describe_job_execution(thingName=thing, jobId="no-such-job")
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)
    assert gg2.get_deployment(deploymentId=made["deploymentId"])["deploymentStatus"] == "ACTIVE"  # a group's stays


def test_status_reports_drive_core_devices_and_effective_deployments(sandbox, gg2, iot, jobs_data):
    thing = things(iot, 1)[0]
    target = group(iot, [thing])
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version, "aws.greengrass.Nucleus": "2.14.3"})
    configuration = json.loads(iot.get_job_document(jobId=made["iotJobId"])["document"])["configurationArn"]
    jobs_data.start_next_pending_job_execution(thingName=thing)
    jobs_data.update_job_execution(jobId=made["iotJobId"], thingName=thing, status="FAILED", statusDetails={
        "detailed-deployment-status": "FAILED_ROLLBACK_COMPLETE",
        "deployment-failure-cause": "component com.example broke",
        "deployment-error-stack": json.dumps(["DEPLOYMENT_FAILURE", "COMPONENT_BROKEN"]),
        "deployment-error-types": json.dumps(["COMPONENT_ERROR"])})
    with pytest.raises(ClientError) as exc:
        gg2.get_core_device(coreDeviceThingName=thing)
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)
    sandbox.report_core_status(thing, _report(thing, [
        {"componentName": component_name, "version": version, "isRoot": True, "status": "BROKEN",
         "fleetConfigArns": [configuration],
         "componentStatusDetails": {"statusCodes": ["RUN_ERROR"], "statusReason": "exit code 1"}},
        {"componentName": "aws.greengrass.Nucleus", "version": "2.14.3", "isRoot": True, "status": "FINISHED"},
        {"componentName": "aws.greengrass.TokenExchangeService", "version": "2.0.3", "isRoot": False,
         "status": "RUNNING"}], status="UNHEALTHY"))
    core = gg2.get_core_device(coreDeviceThingName=thing)
    assert (core["status"], core["coreVersion"], core["platform"], core["architecture"]) == (
        "UNHEALTHY", "2.14.3", "linux", "amd64")
    listed = gg2.list_core_devices(thingGroupArn=target)["coreDevices"]
    assert [c["coreDeviceThingName"] for c in listed] == [thing]
    assert thing in [c["coreDeviceThingName"] for c in gg2.list_core_devices(status="UNHEALTHY")["coreDevices"]]
    assert thing not in [c["coreDeviceThingName"] for c in gg2.list_core_devices(status="HEALTHY")["coreDevices"]]
    effective = gg2.list_effective_deployments(coreDeviceThingName=thing)["effectiveDeployments"]
    assert len(effective) == 1 and effective[0]["deploymentId"] == made["deploymentId"]
    assert effective[0]["coreDeviceExecutionStatus"] == "FAILED"
    assert effective[0]["reason"] == "component com.example broke"
    assert effective[0]["statusDetails"] == {"errorStack": ["DEPLOYMENT_FAILURE", "COMPONENT_BROKEN"],
                                             "errorTypes": ["COMPONENT_ERROR"]}
    roots = {c["componentName"]: c for c in gg2.list_installed_components(coreDeviceThingName=thing)[
        "installedComponents"]}
    assert set(roots) == {component_name, "aws.greengrass.Nucleus"}
    broken = roots[component_name]
    assert broken["lifecycleState"] == "BROKEN" and broken["lifecycleStateDetails"] == "exit code 1"
    assert broken["lifecycleStatusCodes"] == ["RUN_ERROR"] and broken["isRoot"] is True
    assert broken["lastInstallationSource"] == made["deploymentId"]
    every = gg2.list_installed_components(coreDeviceThingName=thing, topologyFilter="ALL")["installedComponents"]
    assert len(every) == 3
    # an older report changes nothing; a newer one does
    stale = sandbox.report_core_status(thing, _report(thing, [], sequence=0))
    assert stale["applied"] is False
    sandbox.report_core_status(thing, _report(thing, [  # PARTIAL: updates the components it names
        {"componentName": component_name, "version": version, "status": "RUNNING"}], sequence=2,
        message_type="PARTIAL"))
    assert gg2.get_core_device(coreDeviceThingName=thing)["status"] == "HEALTHY"
    stored = sandbox.api("/_sandbox/greengrassv2/coreDevices/%s/status" % thing)
    assert [(c["componentName"], c["lifecycleState"]) for c in stored["components"]] == [
        (component_name, "RUNNING"), ("aws.greengrass.Nucleus", "FINISHED"),
        ("aws.greengrass.TokenExchangeService", "RUNNING")]
    sandbox.report_core_status(thing, _report(thing, [  # COMPLETE: the whole list
        {"componentName": component_name, "version": version, "status": "RUNNING"}], sequence=3))
    installed = gg2.list_installed_components(coreDeviceThingName=thing, topologyFilter="ALL")["installedComponents"]
    assert [c["componentName"] for c in installed] == [component_name]
    gg2.delete_core_device(coreDeviceThingName=thing)
    with pytest.raises(ClientError) as exc:
        gg2.list_installed_components(coreDeviceThingName=thing)
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)


def test_a_bad_status_report_is_refused(sandbox, iot):
    thing = things(iot, 1)[0]
    with pytest.raises(SandboxError, match="status must be one of"):
        sandbox.report_core_status(thing, _report(thing, [{"componentName": "x", "version": "1.0.0",
                                                            "status": "DANCING"}]))
    with pytest.raises(SandboxError, match="not %s" % thing):
        sandbox.report_core_status(thing, _report("someone-else", []))


def test_status_report_over_mqtt(sandbox, gg2, iot):
    thing = things(iot, 1)[0]
    client = _mqtt(sandbox)
    try:
        report = _report(thing, [{"componentName": "aws.greengrass.Nucleus", "version": "2.14.3",
                                  "status": "RUNNING", "isRoot": True}])
        client.publish("$aws/things/%s/greengrassv2/health/json" % thing, json.dumps(report), qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 10
        while True:
            try:
                core = gg2.get_core_device(coreDeviceThingName=thing)
                break
            except ClientError:
                assert time.monotonic() < deadline, "the sandbox never recorded the MQTT report"
                time.sleep(0.1)
        assert core["status"] == "HEALTHY" and core["coreVersion"] == "2.14.3"
    finally:
        client.disconnect()
        client.loop_stop()


def test_job_notifications_on_mqtt(sandbox, gg2, iot):
    thing = things(iot, 1)[0]
    target = group(iot, [thing])
    received, subscribed = queue.Queue(), queue.Queue()
    client = _mqtt(sandbox)
    client.on_message = lambda c, u, msg: received.put((msg.topic, json.loads(msg.payload)))
    client.on_subscribe = lambda *a: subscribed.put(True)
    try:
        client.subscribe("$aws/things/%s/jobs/#" % thing, qos=1)
        subscribed.get(timeout=5)
        component_name, version, _ = component(gg2)
        made = deploy(gg2, target, {component_name: version})
        messages = {}
        while len(messages) < 2:
            topic, body = received.get(timeout=10)
            messages[topic.rsplit("/", 1)[-1]] = body
        assert messages["notify"]["jobs"]["QUEUED"][0]["jobId"] == made["iotJobId"]
        execution = messages["notify-next"]["execution"]
        assert execution["jobId"] == made["iotJobId"] and execution["thingName"] == thing
        assert json.loads(execution["jobDocument"])["deploymentId"] == made["deploymentId"]
    finally:
        client.disconnect()
        client.loop_stop()


def test_resolve_component_candidates(gg2):
    component_name = name("com.example.Resolve")
    for version in ("1.0.0", "1.5.0", "2.0.0"):
        component(gg2, component_name, version)
    linux = {"attributes": {"os": "linux", "architecture": "amd64"}}
    resolved = gg2.resolve_component_candidates(platform=linux, componentCandidates=[{
        "componentName": component_name, "componentVersion": "1.0.0",
        "versionRequirements": {"thinggroup/g": ">=1.0.0 <2.0.0"}}])["resolvedComponentVersions"]
    assert [(r["componentName"], r["componentVersion"]) for r in resolved] == [(component_name, "1.5.0")]
    assert json.loads(resolved[0]["recipe"]) == recipe(component_name, "1.5.0")
    nucleus = gg2.resolve_component_candidates(platform=linux, componentCandidates=[{
        "componentName": "aws.greengrass.Nucleus", "versionRequirements": {"com.example.X": "^2.13.0",
                                                                          "thing/core": "<2.15.0"}}])
    assert nucleus["resolvedComponentVersions"][0]["componentVersion"] == "2.14.3"
    with pytest.raises(ClientError) as exc:
        gg2.resolve_component_candidates(platform=linux, componentCandidates=[{
            "componentName": component_name, "versionRequirements": {"a": ">=2.0.0", "b": "<2.0.0"}}])
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404) and "no usable version" in error_of(exc)[2]
    with pytest.raises(ClientError) as exc:
        gg2.resolve_component_candidates(platform={"attributes": {"os": "windows"}}, componentCandidates=[{
            "componentName": component_name, "versionRequirements": {"a": "*"}}])
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404) and "claim platform" in error_of(exc)[2]


def test_s3_artifact_download_url(gg2, s3):
    bucket = name("art")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="models/model.zip", Body=b"PK model bytes")
    made = gg2.create_component_version(inlineRecipe=json.dumps(recipe(
        name("com.example.Model"), artifacts=["s3://%s/models/model.zip" % bucket])).encode())
    url = gg2.get_component_version_artifact(arn=made["arn"], artifactName="model.zip")["preSignedUrl"]
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read() == b"PK model bytes"
    with pytest.raises(ClientError) as exc:
        gg2.get_component_version_artifact(arn=made["arn"], artifactName="other.zip")
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert not any(b.startswith("greengrass-components-") for b in buckets)


def test_client_devices_associate_list_disassociate(gg2, iot):
    core, device = things(iot, 2)
    answer = gg2.batch_associate_client_device_with_core_device(
        coreDeviceThingName=core, entries=[{"thingName": device}, {"thingName": "no-such-device"}])
    assert [(e["thingName"], e["code"]) for e in answer["errorEntries"]] == [
        ("no-such-device", "ResourceNotFoundException")]
    listed = gg2.list_client_devices_associated_with_core_device(coreDeviceThingName=core)
    assert [d["thingName"] for d in listed["associatedClientDevices"]] == [device]
    gg2.batch_disassociate_client_device_from_core_device(coreDeviceThingName=core,
                                                          entries=[{"thingName": device}])
    assert gg2.list_client_devices_associated_with_core_device(coreDeviceThingName=core).get(
        "associatedClientDevices", []) == []
    with pytest.raises(ClientError) as exc:
        gg2.list_client_devices_associated_with_core_device(coreDeviceThingName=name("ghost"))
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)


def test_core_device_tags(sandbox, gg2, iot):
    thing = things(iot, 1)[0]
    sandbox.report_core_status(thing, _report(thing, []))
    arn = "arn:aws:greengrass:us-east-1:%s:coreDevices:%s" % (ACCOUNT, thing)
    gg2.tag_resource(resourceArn=arn, tags={"site": "store-1"})
    assert gg2.get_core_device(coreDeviceThingName=thing)["tags"] == {"site": "store-1"}


def test_core_devices_and_effective_deployments_page_through_boto3_paginators(sandbox, gg2, iot):
    cores = things(iot, 3)
    target = group(iot, cores)
    outside = things(iot, 1)[0]
    for thing in cores + [outside]:
        sandbox.report_core_status(thing, _report(thing, []))
    component_name, version, _ = component(gg2)
    made = [deploy(gg2, target, {component_name: version})["deploymentId"] for _ in range(3)]
    listed = [c["coreDeviceThingName"] for p in gg2.get_paginator("list_core_devices").paginate(
        thingGroupArn=target, PaginationConfig={"PageSize": 2}) for c in p["coreDevices"]]
    assert sorted(listed) == sorted(cores)
    pages = list(gg2.get_paginator("list_effective_deployments").paginate(
        coreDeviceThingName=cores[0], PaginationConfig={"PageSize": 2}))
    assert [len(p["effectiveDeployments"]) for p in pages] == [2, 1]
    assert [d["deploymentId"] for p in pages for d in p["effectiveDeployments"]] == made[::-1]
