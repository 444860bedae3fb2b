"""The V2 core device against the sandbox's Greengrass V2 API, everything checked through plain boto3 and MQTT.

Components are made with greengrassv2 CreateComponentVersion (an inline recipe with an S3 artifact,
and a Lambda component from a published Lambda version); a deployment targets a thing group;
the core acts as the member thing through the real device client (jobs data plane,
ResolveComponentCandidates, GetComponentVersionArtifact, S3, MQTT fleet-status reports).
Skipped when the sandbox has no Greengrass V2 API.
"""
import json
import threading
import time
import uuid

import pytest

from gg_manager.core.v2.layout import Layout
from gg_manager.core.v2.run import run_device
from gg_manager.core.v2.shared import lambda_pids

from .builders import FUNCTIONS, zip_folder

ROLE_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                      "Principal": {"Service": "lambda.amazonaws.com"}}]}
ROUTER = "aws.greengrass.LegacySubscriptionRouter"


@pytest.fixture
def gg2(sandbox):
    client = sandbox.boto3_client("greengrassv2", retries=0)
    try:
        client.list_components(scope="PRIVATE")
    except Exception as exc:  # noqa: BLE001 - a sandbox without the V2 API answers anything but a list
        pytest.skip("this sandbox has no Greengrass V2 API (%s)" % type(exc).__name__)
    return client


class Fleet:
    """One core thing in one thing group, components and deployments made through the APIs."""

    def __init__(self, sandbox, gg2, tmp_path):
        self.sb, self.gg2, self.tmp = sandbox, gg2, tmp_path
        self.uid = uuid.uuid4().hex[:8]
        self.iot = sandbox.boto3_client("iot")
        self.lam = sandbox.boto3_client("lambda")
        self.s3 = sandbox.boto3_client("s3")
        self.thing = "core-v2-%s" % self.uid
        self.iot.create_thing(thingName=self.thing)
        self.group = "group-v2-%s" % self.uid
        self.group_arn = self.iot.create_thing_group(thingGroupName=self.group)["thingGroupArn"]
        self.iot.add_thing_to_thing_group(thingGroupName=self.group, thingName=self.thing)
        iam = sandbox.boto3_client("iam")
        self.role = iam.create_role(RoleName="v2-core-%s" % self.uid,
                                    AssumeRolePolicyDocument=json.dumps(ROLE_TRUST))["Role"]["Arn"]
        self.function = "echo-%s" % self.uid

    def lambda_version(self, folder, handler, env):
        code = zip_folder(FUNCTIONS + "/" + folder)
        try:
            self.lam.get_function(FunctionName=self.function)
            self.lam.update_function_code(FunctionName=self.function, ZipFile=code)
            self.lam.update_function_configuration(FunctionName=self.function, Handler=handler,
                                                   Environment={"Variables": env})
        except self.lam.exceptions.ResourceNotFoundException:
            self.lam.create_function(FunctionName=self.function, Runtime="python3.11", Role=self.role,
                                     Handler=handler, Code={"ZipFile": code}, Timeout=10,
                                     Environment={"Variables": env})
        return self.lam.publish_version(FunctionName=self.function)["FunctionArn"]

    def lambda_component(self, version, lambda_arn, topic):
        return self.gg2.create_component_version(lambdaFunction={
            "lambdaArn": lambda_arn, "componentName": "com.example.Echo", "componentVersion": version,
            "componentLambdaParameters": {"eventSources": [{"topic": topic, "type": "IOT_CORE"}], "pinned": True,
                                          "timeoutInSeconds": 10,
                                          "linuxProcessParams": {"isolationMode": "NoContainer"}}})["arn"]

    def script_component(self):
        bucket = "v2-artifacts-%s" % self.uid
        self.s3.create_bucket(Bucket=bucket)
        self.s3.put_object(Bucket=bucket, Key="hello/hello.sh", Body=b'echo "hello $1 from $AWS_IOT_THING_NAME"\n')
        recipe = {"RecipeFormatVersion": "2020-01-25", "ComponentName": "com.example.Hello", "ComponentVersion": "1.0.0",
                  "ComponentConfiguration": {"DefaultConfiguration": {"who": "world"}},
                  "Manifests": [{"Platform": {"os": "linux"},
                                 "Lifecycle": {"Run": "sh {artifacts:path}/hello.sh {configuration:/who}"},
                                 "Artifacts": [{"URI": "s3://%s/hello/hello.sh" % bucket}]}]}
        return self.gg2.create_component_version(inlineRecipe=json.dumps(recipe).encode())["arn"]

    def deploy(self, components, policy="ROLLBACK"):
        return self.gg2.create_deployment(targetArn=self.group_arn, components=components,
                                          deploymentPolicies={"failureHandlingPolicy": policy})["deploymentId"]

    def effective(self, deployment_id, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = [d for d in self.gg2.list_effective_deployments(coreDeviceThingName=self.thing)[
                    "effectiveDeployments"] if d["deploymentId"] == deployment_id]
            except self.gg2.exceptions.ResourceNotFoundException:
                found = []
            if found and found[0]["coreDeviceExecutionStatus"] not in ("QUEUED", "IN_PROGRESS"):
                return found[0]
            assert time.monotonic() < deadline, "deployment %s: %s" % (deployment_id, found)
            time.sleep(0.2)

    def installed(self, wanted, timeout=30):
        """{name: (version, lifecycleState)} once it includes `wanted` (ListInstalledComponents, ALL)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                items = self.gg2.list_installed_components(coreDeviceThingName=self.thing, topologyFilter="ALL")[
                    "installedComponents"]
            except self.gg2.exceptions.ResourceNotFoundException:
                items = []
            got = {c["componentName"]: (c["componentVersion"], c["lifecycleState"]) for c in items}
            if all(got.get(k) == v for k, v in wanted.items()):
                return got
            assert time.monotonic() < deadline, "installed components: %s" % got
            time.sleep(0.2)


@pytest.fixture
def fleet(sandbox, gg2, tmp_path):
    return Fleet(sandbox, gg2, tmp_path)


@pytest.fixture
def v2_core(sandbox, fleet, tmp_path):
    """The core as `gg core run` runs it: run_device() on a nucleus-style config.yaml, the sandbox found by URL."""
    config = tmp_path / "config" / "config.yaml"
    config.parent.mkdir()
    config.write_text("system:\n  thingName: %s\nservices:\n  aws.greengrass.Nucleus:\n    configuration:\n"
                      "      awsRegion: %s\n" % (fleet.thing, sandbox.region))
    root = str(tmp_path / "gg")
    stop = threading.Event()
    result = {}
    thread = threading.Thread(target=lambda: result.update(code=run_device(
        str(config), root, sandbox.endpoint_url, poll_interval=0.3, ready_timeout=30, settle_timeout=90,
        stop_event=stop)), daemon=True)
    thread.start()
    try:
        yield Layout(root)
    finally:
        stop.set()
        thread.join(60)
        assert result.get("code") == 0 and not thread.is_alive()
        assert lambda_pids(root) == [], "processes left behind"


def router(out_topic):
    subs = {"out": {"id": "out", "source": "component:com.example.Echo", "subject": out_topic, "target": "cloud"}}
    return {"componentVersion": "2.1.13", "configurationUpdate": {"merge": json.dumps({"subscriptions": subs})}}


def test_a_deployment_to_a_thing_group_runs_on_the_core_and_a_failed_revision_rolls_back(fleet, v2_core, mqtt):
    out, topic = "v2it/%s/out" % fleet.uid, "v2it/%s/in/#" % fleet.uid
    first = fleet.lambda_version("echo", "echo.function_handler", {"OUT_TOPIC": out, "MARKER": "v1"})
    fleet.lambda_component("1.0.0", first, topic)
    fleet.script_component()
    components = {"com.example.Echo": {"componentVersion": "1.0.0"}, ROUTER: router(out),
                  "com.example.Hello": {"componentVersion": "1.0.0",
                                        "configurationUpdate": {"merge": json.dumps({"who": "gg"})}}}
    deployment = fleet.deploy(components)
    effective = fleet.effective(deployment)
    assert effective["coreDeviceExecutionStatus"] == "SUCCEEDED", effective
    installed = fleet.installed({"com.example.Echo": ("1.0.0", "RUNNING"), "com.example.Hello": ("1.0.0", "FINISHED")})
    assert installed[ROUTER] == ("2.1.13", "RUNNING")
    assert fleet.gg2.get_core_device(coreDeviceThingName=fleet.thing)["status"] == "HEALTHY"
    assert "hello gg from %s" % fleet.thing in open(v2_core.log("com.example.Hello")).read()
    mqtt.subscribe(out)
    mqtt.publish("v2it/%s/in/cam1" % fleet.uid, {"n": 1})
    reply = mqtt.wait_for(out, lambda body: body["event"] == {"n": 1})
    assert reply["marker"] == "v1" and reply["function"] == first and reply["subject"] == "v2it/%s/in/cam1" % fleet.uid

    broken = fleet.lambda_version("broken", "broken.function_handler", {"OUT_TOPIC": out, "MARKER": "v2"})
    fleet.lambda_component("2.0.0", broken, topic)
    components["com.example.Echo"] = {"componentVersion": "2.0.0"}
    failed = fleet.deploy(components)
    effective = fleet.effective(failed)
    assert effective["coreDeviceExecutionStatus"] == "FAILED"
    assert "No module named 'no_such_module_for_gg_core_tests'" in effective["reason"]
    assert effective["statusDetails"]["errorStack"] == ["DEPLOYMENT_FAILURE", "COMPONENT_UPDATE_ERROR",
                                                        "COMPONENT_BROKEN"]
    execution = fleet.iot.describe_job_execution(jobId=effective["iotJobId"], thingName=fleet.thing)["execution"]
    assert execution["statusDetails"]["detailsMap"]["detailed-deployment-status"] == "FAILED_ROLLBACK_COMPLETE"
    fleet.installed({"com.example.Echo": ("1.0.0", "RUNNING")})
    mqtt.publish("v2it/%s/in/cam2" % fleet.uid, {"n": 2})
    reply = mqtt.wait_for(out, lambda body: body["event"] == {"n": 2})
    assert reply["marker"] == "v1" and reply["function"] == first
