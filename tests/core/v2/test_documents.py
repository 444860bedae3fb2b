"""Job documents, deployment outcomes, Lambda launch parameters and routes, without running anything."""
import json

import pytest

from gg_manager.core.v2.component import ComponentSpec
from gg_manager.core.v2.errors import DeploymentError
from gg_manager.core.v2.job_document import DocumentError, group_of, parse_deployment
from gg_manager.core.v2.lambda_launch import LaunchError, lambda_launch
from gg_manager.core.v2.routing import LOCAL, build_routes
from gg_manager.core.v2.status import DeploymentResult

ARN = "arn:aws:greengrass:us-east-1:123456789012:configuration:thinggroup/edge:4"


def test_job_document_is_read_case_insensitively():
    dep = parse_deployment({"DeploymentId": "d1", "ConfigurationArn": ARN, "creationTimestamp": 1700000000000,
                            "components": {"com.Example.App": {"Version": "1.2.0", "ConfigurationUpdate": {
                                "Reset": ["/a"], "Merge": '{"b": 1}'}}, "Other": {"version": "2.0.0"}},
                            "failureHandlingPolicy": "do_nothing"})
    assert (dep.group, dep.deployment_id, dep.rollback, dep.timestamp_ms) == ("thinggroup/edge", "d1", False,
                                                                            1700000000000)
    assert dep.components["com.Example.App"].update == {"reset": ["/a"], "merge": {"b": 1}}
    assert dep.components["Other"].update is None
    assert group_of("arn:aws:greengrass:us-east-1:1:configuration:thing/core-1:2") == "thing/core-1"


@pytest.mark.parametrize("doc,message", [
    ({"configurationArn": ARN}, "deploymentId"),
    ({"deploymentId": "d", "configurationArn": ARN, "components": {"a": {"version": "1.0"}}}, "version"),
    ({"deploymentId": "d", "configurationArn": ARN, "components": {"..": {"version": "1.0.0"}}}, "not valid"),
    ({"deploymentId": "d", "configurationArn": ARN, "components": {"a": {"version": "1.0.0", "configurationUpdate":
                                                                         {"merge": "[1]"}}}}, "JSON object"),
    ({"deploymentId": "d", "configurationArn": ARN, "components": {"a": {"version": "1.0.0", "configurationUpdate":
                                                                         {"reset": "/a"}}}}, "reset"),
    ({"deploymentId": "d", "configurationArn": ARN, "failureHandlingPolicy": "RETRY"}, "failureHandlingPolicy"),
    ({"deploymentId": "d", "configurationArn": ARN, "components": []}, "components"),
])
def test_bad_job_documents(doc, message):
    with pytest.raises(DocumentError, match=message) as err:
        parse_deployment(doc)
    assert err.value.error_stack == ["DEPLOYMENT_FAILURE", "DEPLOYMENT_DOCUMENT_NOT_VALID"]


def test_result_details_as_a_job_execution_carries_them():
    assert DeploymentResult("SUCCESSFUL").details() == {"detailed-deployment-status": "SUCCESSFUL"}
    failed = DeploymentResult("FAILED_ROLLBACK_COMPLETE", DeploymentError("x" * 2000, "COMPONENT_BROKEN",
                                                                          types=["USER_COMPONENT_ERROR"]))
    details = failed.details()
    assert failed.job_status == "FAILED" and len(details["deployment-failure-cause"]) == 1024
    assert json.loads(details["deployment-error-stack"]) == ["DEPLOYMENT_FAILURE", "COMPONENT_BROKEN"]
    assert json.loads(details["deployment-error-types"]) == ["USER_COMPONENT_ERROR"]
    assert DeploymentResult("REJECTED").job_status == "REJECTED"
    assert DeploymentError("m", "RECIPE_PARSE_ERROR").error_types == ["COMPONENT_RECIPE_ERROR"]


def lambda_spec(name="com.example.F", config=None, setenv=None, arn="arn:aws:lambda:us-east-1:1:function:f:3"):
    env = {"AWS_GREENGRASS_LAMBDA_ARN": arn, "AWS_GREENGRASS_LAMBDA_FUNCTION_HANDLER": "app.handler",
           "AWS_GREENGRASS_LAMBDA_ARTIFACT_PATH": "/gg/code", "AWS_GREENGRASS_LAMBDA_RUNTIME": "python3.11"}
    env.update(setenv or {})
    return ComponentSpec(name, "1.0.0", "aws.greengrass.lambda", {"setenv": env}, config or {}, {}, "/w", "/l")


def test_lambda_launch_reads_setenv_and_configuration():
    config = {"pinned": "false", "timeoutInSeconds": "7", "maxIdleTimeInSeconds": 5, "containerMode": "GreengrassContainer",
              "containerParams": {"memorySize": 65536, "volumes": {"0": {"source": "/data/frames", "destination": "/frames",
                                                                         "permission": "rw"}}},
              "pubsubTopics": {"0": {"topic": "cam/+", "type": "IOT_CORE"}, "1": {"topic": "local/x"}},
              "lambdaExecutionParameters": {"EnvironmentVariables": {"FROM_CONFIG": "1"}}}
    params = json.dumps({"EnvironmentVariables": {"FRAMES": "/frames/today", "N": 3}})
    launch = lambda_launch(lambda_spec(config=config, setenv={"AWS_GREENGRASS_LAMBDA_PARAMS": params}))
    assert (launch.arn, launch.handler, launch.code_dir, launch.pinned, launch.timeout_s, launch.idle_s,
            launch.memory_kb) == ("arn:aws:lambda:us-east-1:1:function:f:3", "app.handler", "/gg/code", False, 7, 5,
                                  65536)
    assert launch.environment["FRAMES"] == "/data/frames/today" and launch.environment["N"] == "3"
    assert json.loads(launch.environment["GG_PATH_MAP"]) == {"/frames": "/data/frames"}
    assert [(e.topic, e.type) for e in launch.event_sources] == [("cam/+", "IOT_CORE"), ("local/x", "PUB_SUB")]
    assert (launch.function_name, launch.function_version) == ("f", "3")
    no_container = lambda_launch(lambda_spec(config=dict(config, containerMode="NoContainer")))
    assert no_container.environment == {"FROM_CONFIG": "1"}  # no _PARAMS setenv: the configuration's own


@pytest.mark.parametrize("setenv,config,message", [
    ({"AWS_GREENGRASS_LAMBDA_ARN": ""}, {}, "lacks AWS_GREENGRASS_LAMBDA_ARN"),
    ({"AWS_GREENGRASS_LAMBDA_RUNTIME": "nodejs18.x"}, {}, "nodejs18.x is not supported"),
    ({"AWS_GREENGRASS_LAMBDA_PARAMS": "{nope"}, {}, "not JSON"),
    ({}, {"timeoutInSeconds": "soon"}, "not a number"),
])
def test_lambda_launch_errors(setenv, config, message):
    with pytest.raises(LaunchError, match=message):
        lambda_launch(lambda_spec(config=config, setenv=setenv))


def test_routes_from_event_sources_and_the_router_configuration():
    a = lambda_launch(lambda_spec("A", {"pubsubTopics": {"0": {"topic": "in/#", "type": "IOT_CORE"},
                                                         "1": {"topic": "loc", "type": "PUB_SUB"}}},
                                  arn="arn:aws:lambda:r:1:function:a:2"))
    b = lambda_launch(lambda_spec("B", arn="arn:aws:lambda:r:1:function:b:9"))
    router = {"subscriptions": {
        "1": {"id": "1", "source": "component:A", "subject": "out", "target": "cloud"},
        "2": {"id": "2", "source": "arn:aws:lambda:r:1:function:a", "subject": "to-b", "target": "component:B"},
        "3": {"id": "3", "source": "cloud", "subject": "cmd/+", "target": "arn:aws:lambda:r:1:function:b:9"},
        "4": {"id": "4", "source": "component:Gone", "subject": "x", "target": "cloud"},
        "5": "not an object"}}
    subs, problems = build_routes(router, {"A": a, "B": b})
    rows = {(s["Source"], s["Subject"], s["Target"]) for s in subs}
    assert rows == {("cloud", "in/#", a.arn), (LOCAL, "loc", a.arn), (a.arn, "out", "cloud"), (a.arn, "to-b", b.arn),
                    ("cloud", "cmd/+", b.arn)}
    assert len(problems) == 2 and "component:Gone" in problems[0]
    assert build_routes(None, {"B": b}) == ([], [])


def test_device_config_yaml(tmp_path, monkeypatch):
    from gg_manager.core.v2.device_config import load_device_config
    from gg_manager.errors import GGError

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    path = tmp_path / "config" / "config.yaml"
    path.parent.mkdir()
    path.write_text("""
system:
  thingName: core-7
  certificateFilePath: device.pem.crt
  privateKeyPath: /abs/private.pem.key
  rootCaPath: AmazonRootCA1.pem
  rootpath: /greengrass/v2
services:
  aws.greengrass.Nucleus:
    configuration:
      awsRegion: eu-west-1
      iotDataEndpoint: abc-ats.iot.eu-west-1.amazonaws.com
""")
    connection, root = load_device_config(str(path))
    assert (connection.thing_name, connection.region, connection.iot_host, root) == (
        "core-7", "eu-west-1", "abc-ats.iot.eu-west-1.amazonaws.com", "/greengrass/v2")
    assert connection.cert_path == str(tmp_path / "config" / "device.pem.crt")
    assert connection.key_path == "/abs/private.pem.key" and connection.sandbox is None
    for text, message in (("system: {}", "system.thingName is missing"),
                          ("system: {thingName: a}", "awsRegion is missing"),
                          ("system: [1]", "system must be a mapping"), ("[", "not readable YAML")):
        path.write_text(text)
        with pytest.raises(GGError, match=message):
            load_device_config(str(path))
    with pytest.raises(GGError, match="not found"):
        load_device_config(str(tmp_path / "nope.yaml"))
