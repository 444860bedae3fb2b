"""A V1 Lambda's settings become CreateComponentVersion(lambdaFunction=...), field by field."""
import pytest
from v2_shapes import validate

from gg_manager.errors import GGError
from gg_manager.targets.v2 import lambda_component as lc
from gg_manager.targets.v2.versioning import DIGEST_TAG, content_digest

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference:7"
GPU = {name: {"Id": name, "Name": name, "LocalDeviceResourceData": {
    "SourcePath": "/dev/" + name, "GroupOwnerSetting": {"AutoAddGroupOwner": True}}}
    for name in ("nvidia0", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools")}
RESOURCES = dict(GPU, **{
    "classifier": {"Id": "classifier", "Name": "BoxClassifier",
                   "S3MachineLearningModelResourceData": {
                       "DestinationPath": "/ml/classifier/", "S3Uri": "s3://b/m.tar.gz"}},
    "frames": {"Id": "frames", "Name": "Frames", "LocalVolumeResourceData": {
        "SourcePath": "/var/lib/gg/frames", "DestinationPath": "/frames",
        "GroupOwnerSetting": {"AutoAddGroupOwner": True}}},
    "feedback": {"Id": "feedback", "Name": "FieldData", "LocalVolumeResourceData": {
        "SourcePath": "/home/ggc_user/raw_field_data", "DestinationPath": "/feedback"}},
})
# the example app's inference Lambda, as the spec front end builds it (gpu: true expanded)
INFERENCE = {
    "MemorySize": 1048576, "Timeout": 10, "Pinned": True,
    "Environment": {
        "AccessSysfs": True,
        "ResourceAccessPolicies": [
            {"ResourceId": "classifier", "Permission": "ro"},
            {"ResourceId": "frames", "Permission": "ro"},
            {"ResourceId": "feedback", "Permission": "rw"},
        ] + [{"ResourceId": n, "Permission": "rw"} for n in GPU],
        "Variables": {"MODEL_PATH": "/ml/classifier", "FEEDBACK_THRESHOLD": "0.6"},
    },
}


def test_every_v1_setting_lands_where_v2_reads_it():
    params = lc.lambda_parameters(INFERENCE, RESOURCES,
                                  [{"topic": "/request/classify/+", "type": "IOT_CORE"}])
    assert params["pinned"] is True
    assert params["timeoutInSeconds"] == 10
    assert params["inputPayloadEncodingType"] == "json"
    assert params["environmentVariables"] == {"MODEL_PATH": "/ml/classifier",
                                              "FEEDBACK_THRESHOLD": "0.6"}
    assert params["eventSources"] == [{"topic": "/request/classify/+", "type": "IOT_CORE"}]
    assert (params["maxQueueSize"], params["maxInstancesCount"], params["maxIdleTimeInSeconds"],
            params["statusTimeoutInSeconds"]) == (1000, 100, 60, 60)
    linux = params["linuxProcessParams"]
    assert linux["isolationMode"] == "GreengrassContainer"
    container = linux["containerParams"]
    assert container["memorySizeInKB"] == 1048576
    assert container["mountROSysfs"] is True
    assert container["volumes"] == [
        {"sourcePath": "/home/ggc_user/raw_field_data", "destinationPath": "/feedback",
         "permission": "rw", "addGroupOwner": False},
        {"sourcePath": "/var/lib/gg/frames", "destinationPath": "/frames", "permission": "ro",
         "addGroupOwner": True},
        # the model: read-only, at DestinationPath on both sides (model_component links it there)
        {"sourcePath": "/ml/classifier", "destinationPath": "/ml/classifier", "permission": "ro",
         "addGroupOwner": False},
    ]
    assert [d["path"] for d in container["devices"]] == [
        "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia0", "/dev/nvidiactl"]
    assert all(d["permission"] == "rw" and d["addGroupOwner"] for d in container["devices"])


def test_v1_defaults_are_written_explicitly():
    params = lc.lambda_parameters({"Timeout": 3, "MemorySize": 16384}, {})
    assert params["pinned"] is False           # V1's default; V2 would assume true
    assert params["linuxProcessParams"]["containerParams"]["volumes"] == []
    assert "execArgs" not in params


def test_no_container_has_no_container_parameters():
    config = {"Timeout": 5, "Environment": {"Execution": {"IsolationMode": "NoContainer"}}}
    params = lc.lambda_parameters(config, {})
    assert params["linuxProcessParams"] == {"isolationMode": "NoContainer"}


def test_exec_args_encoding_and_run_as():
    config = {"Timeout": 5, "EncodingType": "binary", "ExecArgs": "-u --name 'a b'",
              "Environment": {"Execution": {"IsolationMode": "GreengrassContainer",
                                            "RunAs": {"Uid": 1001, "Gid": 1002}}}}
    params = lc.lambda_parameters(config, {})
    assert params["execArgs"] == ["-u", "--name", "a b"]
    assert params["inputPayloadEncodingType"] == "binary"
    assert lc.run_with(config) == {"posixUser": "1001:1002"}
    assert lc.run_with({"Timeout": 3}) is None


def test_order_in_the_spec_does_not_change_the_content():
    shuffled = dict(INFERENCE, Environment=dict(
        INFERENCE["Environment"],
        ResourceAccessPolicies=list(reversed(INFERENCE["Environment"]["ResourceAccessPolicies"]))))
    assert lc.lambda_parameters(shuffled, RESOURCES) == lc.lambda_parameters(INFERENCE, RESOURCES)


def test_models_read_are_hard_dependencies_and_publishing_needs_the_router():
    models = lc.model_dependencies(INFERENCE, RESOURCES)
    assert models == ["gg.model.classifier"]
    deps = lc.component_dependencies(models, publishes=True)
    assert deps["gg.model.classifier"] == {"versionRequirement": ">=1.0.0 <2.0.0",
                                           "dependencyType": "HARD"}
    assert deps["aws.greengrass.LegacySubscriptionRouter"]["dependencyType"] == "HARD"
    assert "aws.greengrass.LegacySubscriptionRouter" not in lc.component_dependencies([], False)


def test_request_fits_botocore_and_carries_its_digest():
    params = lc.lambda_parameters(INFERENCE, RESOURCES)
    deps = lc.component_dependencies(lc.model_dependencies(INFERENCE, RESOURCES), True)
    source = lc.lambda_source("edge-inference", ARN, params, deps)
    request = lc.create_component_version_request(source, "1.0.3", {"gg:managed-by": "gg"})
    validate("greengrassv2", "CreateComponentVersion", request)
    assert request["lambdaFunction"]["componentVersion"] == "1.0.3"
    assert request["lambdaFunction"]["componentName"] == "edge-inference"
    assert request["lambdaFunction"]["componentPlatforms"] == [
        {"name": "Linux", "attributes": {"os": "linux"}}]
    assert request["tags"][DIGEST_TAG] == content_digest(source)
    assert request["tags"]["gg:managed-by"] == "gg"


def test_a_memory_change_changes_the_digest_and_nothing_else_does():
    def digest(config):
        source = lc.lambda_source("edge-inference", ARN, lc.lambda_parameters(config, RESOURCES), {})
        return lc.create_component_version_request(source, "9.9.9")["tags"][DIGEST_TAG]
    bigger = dict(INFERENCE, MemorySize=2097152)
    assert digest(bigger) != digest(INFERENCE)
    assert digest(dict(INFERENCE)) == digest(INFERENCE)


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference",
    "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference:$LATEST",
    "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference:live",
    "arn:aws:lambda:eu-west-1:123456789012:function:other:3",
])
def test_only_a_published_version_of_that_function_is_accepted(arn):
    with pytest.raises(GGError, match="published version"):
        lc.lambda_source("edge-inference", arn, {}, {})


def test_unknown_resource_in_a_policy_is_an_error():
    config = {"Environment": {"ResourceAccessPolicies": [{"ResourceId": "nope"}]}}
    with pytest.raises(GGError, match="nope"):
        lc.lambda_parameters(config, RESOURCES)
