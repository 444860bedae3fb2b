"""A component imported from the sandbox's Lambda: published versions only, AWS's generated recipe."""
import io
import json
import urllib.request
import zipfile

import pytest
from botocore.exceptions import ClientError

from v2_helpers import ACCOUNT, error_of, name

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}


def _zip(source):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inference.py", source)
    return buffer.getvalue()


def _function(sandbox, runtime="python3.11", env=None):
    iam, lam = sandbox.boto3_client("iam", retries=0), sandbox.boto3_client("lambda", retries=0)
    role = iam.create_role(RoleName=name("role"), AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    code = _zip("def handler(event, context):\n    return event\n")
    fn = lam.create_function(FunctionName=name("infer"), Runtime=runtime, Role=role, Handler="inference.handler",
                             Code={"ZipFile": code}, Description="inference", Timeout=7, MemorySize=256,
                             Environment={"Variables": env or {"MODEL": "resnet"}})
    version = lam.publish_version(FunctionName=fn["FunctionName"])
    return fn, version, code


def test_lambda_version_becomes_a_lambda_component(sandbox, gg2):
    fn, version, code = _function(sandbox)
    made = gg2.create_component_version(lambdaFunction={
        "lambdaArn": version["FunctionArn"], "componentName": "com.example.Infer",
        "componentLambdaParameters": {"eventSources": [{"topic": "infer/in/#", "type": "IOT_CORE"}],
                                      "pinned": True, "timeoutInSeconds": 30,
                                      "linuxProcessParams": {"isolationMode": "NoContainer",
                                                             "containerParams": {"memorySizeInKB": 65536}}},
        "componentDependencies": {"com.example.Model": {"versionRequirement": ">=1.0.0", "dependencyType": "HARD"}}})
    assert made["componentVersion"] == "%s.0.0" % version["Version"]
    assert gg2.describe_component(arn=made["arn"])["status"]["componentState"] == "DEPLOYABLE"
    recipe = json.loads(gg2.get_component(arn=made["arn"])["recipe"])
    assert recipe["ComponentType"] == "aws.greengrass.lambda" and recipe["ComponentSource"] == version["FunctionArn"]
    deps = recipe["ComponentDependencies"]
    assert deps["aws.greengrass.LambdaLauncher"]["DependencyType"] == "HARD"
    assert deps["aws.greengrass.TokenExchangeService"]["DependencyType"] == "HARD"
    assert deps["aws.greengrass.LambdaRuntimes"]["DependencyType"] == "SOFT"
    assert deps["com.example.Model"] == {"VersionRequirement": ">=1.0.0", "DependencyType": "HARD"}
    config = recipe["ComponentConfiguration"]["DefaultConfiguration"]
    assert config["pubsubTopics"] == {"0": {"topic": "infer/in/#", "type": "IOT_CORE"}}
    assert config["timeoutInSeconds"] == 30 and config["pinned"] is True and config["maxQueueSize"] == 1000
    assert config["containerMode"] == "NoContainer" and config["containerParams"]["memorySize"] == 65536
    assert config["lambdaExecutionParameters"]["EnvironmentVariables"] == {"MODEL": "resnet"}
    artifact = recipe["Manifests"][0]["Artifacts"][0]
    assert artifact["Uri"] == "greengrass:lambda-artifact.zip" and artifact["Unarchive"] == "ZIP"
    url = gg2.get_component_version_artifact(arn=made["arn"], artifactName="lambda-artifact.zip")["preSignedUrl"]
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read() == code


@pytest.mark.parametrize("suffix", [":$LATEST", ":live", ""])
def test_latest_aliases_and_unqualified_arns_are_refused(sandbox, gg2, suffix):
    fn, version, _ = _function(sandbox)
    lam = sandbox.boto3_client("lambda", retries=0)
    lam.create_alias(FunctionName=fn["FunctionName"], Name="live", FunctionVersion=version["Version"])
    with pytest.raises(ClientError) as exc:
        gg2.create_component_version(lambdaFunction={"lambdaArn": fn["FunctionArn"] + suffix})
    code, status, message = error_of(exc)
    assert (code, status) == ("ValidationException", 400)
    assert "includes the version of the function" in message


def test_unknown_function_version_is_refused(gg2):
    arn = "arn:aws:lambda:us-east-1:%s:function:%s:1" % (ACCOUNT, name("nope"))
    with pytest.raises(ClientError) as exc:
        gg2.create_component_version(lambdaFunction={"lambdaArn": arn})
    assert error_of(exc)[0] == "ValidationException" and "does not exist" in error_of(exc)[2]


def test_unsupported_runtime_makes_a_failed_component_that_cannot_be_deployed(sandbox, gg2, iot):
    fn, version, _ = _function(sandbox, runtime="ruby3.2")
    made = gg2.create_component_version(lambdaFunction={"lambdaArn": version["FunctionArn"]})
    status = gg2.describe_component(arn=made["arn"])["status"]
    assert status["componentState"] == "FAILED" and "ruby3.2" in status["message"]
    assert version["FunctionArn"] in status["errors"]
    thing = name("core")
    iot.create_thing(thingName=thing)
    target = "arn:aws:iot:us-east-1:%s:thing/%s" % (ACCOUNT, thing)
    with pytest.raises(ClientError) as exc:
        gg2.create_deployment(targetArn=target, components={made["componentName"]: {
            "componentVersion": made["componentVersion"]}})
    code, _, message = error_of(exc)
    assert code == "ValidationException" and "not deployable" in message
