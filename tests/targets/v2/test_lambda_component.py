"""A spec Lambda's settings become CreateComponentVersion(lambdaFunction=...), field by field."""
import pytest
from v2_shapes import validate

from gg_manager.errors import GGError
from gg_manager.spec import model as m
from gg_manager.spec.frozen import freeze
from gg_manager.targets.v2 import lambda_component as lc
from gg_manager.targets.v2.versioning import DIGEST_TAG, content_digest

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference:7"
AUTO = m.GroupOwner(True, None)
GPU = {name: m.DeviceFile(name, name, "/dev/" + name, AUTO)
       for name in ("nvidia0", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools")}
RESOURCES = dict(GPU, **{
    "classifier": m.Model("classifier", "BoxClassifier", "/ml/classifier/", m.S3Model("s3://b/m.tar.gz")),
    "frames": m.Volume("frames", "Frames", "/var/lib/gg/frames", "/frames", AUTO),
    "feedback": m.Volume("feedback", "FieldData", "/home/ggc_user/raw_field_data", "/feedback"),
})


def function(**settings):
    """The example app's inference Lambda, as the spec builds it (gpu: true expanded), with `settings`."""
    base = dict(name="edge-inference", alias="live", handler="inference.function_handler", package="/p",
                runtime="python3.11", requirements=(), role_arn=None, environment=freeze({}),
                memory_kb=1048576, timeout_s=10, pinned=True, access_sysfs=True,
                resource_access=tuple([m.ResourceAccess("classifier", "ro"), m.ResourceAccess("frames", "ro"),
                                       m.ResourceAccess("feedback", "rw")] +
                                      [m.ResourceAccess(n, "rw") for n in GPU]),
                variables=freeze({"MODEL_PATH": "/ml/classifier", "FEEDBACK_THRESHOLD": "0.6"}))
    base.update(settings)
    return m.Function(**base)


INFERENCE = function()


def test_every_setting_lands_where_v2_reads_it():
    params = lc.lambda_parameters(INFERENCE, RESOURCES, [{"topic": "/request/classify/+", "type": "IOT_CORE"}])
    assert params["pinned"] is True
    assert params["timeoutInSeconds"] == 10
    assert params["inputPayloadEncodingType"] == "json"
    assert params["environmentVariables"] == {"MODEL_PATH": "/ml/classifier", "FEEDBACK_THRESHOLD": "0.6"}
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
        # the model: read-only at DestinationPath, from the model component's unpacked folder
        {"sourcePath": "{gg.model.classifier:artifacts:decompressedPath}/classifier",
         "destinationPath": "/ml/classifier", "permission": "ro", "addGroupOwner": False},
    ]
    assert [d["path"] for d in container["devices"]] == [
        "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia0", "/dev/nvidiactl"]
    assert all(d["permission"] == "rw" and d["addGroupOwner"] for d in container["devices"])


def test_v1_defaults_are_written_explicitly():
    params = lc.lambda_parameters(function(pinned=None, resource_access=None, memory_kb=16384), {})
    assert params["pinned"] is False           # V1's default; V2 would assume true
    assert params["linuxProcessParams"]["containerParams"]["volumes"] == []
    assert "execArgs" not in params


def test_no_container_has_no_container_parameters():
    params = lc.lambda_parameters(function(isolation="NoContainer", resource_access=None, memory_kb=None), {})
    assert params["linuxProcessParams"] == {"isolationMode": "NoContainer"}


def test_exec_args_encoding_and_run_as():
    fn = function(encoding="binary", exec_args="-u --name 'a b'", isolation="GreengrassContainer",
                  run_as=m.RunAs(1001, 1002), resource_access=None)
    params = lc.lambda_parameters(fn, {})
    assert params["execArgs"] == ["-u", "--name", "a b"]
    assert params["inputPayloadEncodingType"] == "binary"
    assert lc.run_with(fn) == {"posixUser": "1001:1002"}
    assert lc.run_with(function(run_as=None)) is None
    assert lc.run_with(function(run_as=m.RunAs(None, 5))) is None


def test_order_in_the_spec_does_not_change_the_content():
    shuffled = function(resource_access=tuple(reversed(INFERENCE.resource_access)))
    assert lc.lambda_parameters(shuffled, RESOURCES) == lc.lambda_parameters(INFERENCE, RESOURCES)


def test_models_read_are_hard_dependencies_and_publishing_needs_the_router():
    models = lc.model_dependencies(INFERENCE, RESOURCES)
    assert models == ["classifier"]
    deps = lc.component_dependencies(models, publishes=True)
    assert deps["gg.model.classifier"] == {"versionRequirement": ">=1.0.0 <2.0.0", "dependencyType": "HARD"}
    assert deps["aws.greengrass.LegacySubscriptionRouter"]["dependencyType"] == "HARD"
    assert "aws.greengrass.LegacySubscriptionRouter" not in lc.component_dependencies([], False)


def _content(fn, function_digest="f" * 16):
    params = lc.lambda_parameters(fn, RESOURCES)
    deps = lc.component_dependencies(lc.model_dependencies(fn, RESOURCES), True)
    return lc.lambda_content("edge-inference", function_digest, params, deps)


def test_request_fits_botocore_and_carries_its_digest():
    content = _content(INFERENCE)
    request = lc.create_component_version_request(content, ARN, "1.0.3", {"gg:managed-by": "gg"})
    validate("greengrassv2", "CreateComponentVersion", request)
    assert request["lambdaFunction"]["componentVersion"] == "1.0.3"
    assert request["lambdaFunction"]["lambdaArn"] == ARN
    assert request["lambdaFunction"]["componentName"] == "edge-inference"
    assert request["lambdaFunction"]["componentPlatforms"] == [{"name": "Linux", "attributes": {"os": "linux"}}]
    assert request["tags"][DIGEST_TAG] == content_digest(content)
    assert request["tags"]["gg:managed-by"] == "gg"


def test_a_memory_change_changes_the_digest_and_nothing_else_does():
    assert content_digest(_content(function(memory_kb=2097152))) != content_digest(_content(INFERENCE))
    assert content_digest(_content(function())) == content_digest(_content(INFERENCE))


def test_new_code_is_a_new_content_though_its_version_number_is_not_known_yet():
    assert content_digest(_content(INFERENCE, "a" * 16)) != content_digest(_content(INFERENCE, "b" * 16))


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference",
    "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference:$LATEST",
    "arn:aws:lambda:eu-west-1:123456789012:function:edge-inference:live",
    "arn:aws:lambda:eu-west-1:123456789012:function:other:3",
])
def test_only_a_published_version_of_that_function_is_accepted(arn):
    with pytest.raises(GGError, match="published version"):
        lc.lambda_source(_content(INFERENCE), arn)


def test_unknown_resource_in_a_policy_is_an_error():
    with pytest.raises(GGError, match="nope"):
        lc.lambda_parameters(function(resource_access=(m.ResourceAccess("nope", None),)), RESOURCES)
