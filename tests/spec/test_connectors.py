"""Connector parameter rules from schemas/connectors/ and their links to the group."""
import pytest

ML = """\
Models:
  - Id: model
    DestinationPath: /ml/model
    Source: {source}
Connectors:
  - Id: classify
    ConnectorArn: arn:aws:greengrass:us-east-1::/connectors/{name}/versions/{version}
    Parameters:
{params}
"""

GOOD_IC = {
    "MLModelDestinationPath": "/ml/model",
    "MLModelResourceId": "model",
    "MLModelSageMakerJobArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/boxes-1",
    "LocalInferenceServiceName": "imageClassification",
    "LocalInferenceServiceTimeoutSeconds": "10",
    "LocalInferenceServiceMemoryLimitKB": "500000",
}
JOB = GOOD_IC["MLModelSageMakerJobArn"]


def spec(base, params, name="ImageClassificationx86-64", version=2, source=JOB):
    """A Greengrass V1 group with an ML connector (V2 has no such connector: tests/targets/v2/test_rules)."""
    lines = "\n".join("      %s: '%s'" % kv for kv in params.items())
    return "Target: v1\n" + base + ML.format(source=source, name=name, version=version, params=lines)


def test_valid_image_classification_connector(validate, base):
    run = validate(spec(base, GOOD_IC))
    assert run.code == 0, run.text


@pytest.mark.parametrize("change, key, message", [
    ({"MLModelResourceId": "vol"}, "MLModelResourceId", "'vol' is not an ML model resource of group 'g1'"),
    ({"MLModelResourceId": "modle"}, "MLModelResourceId", "(did you mean 'model'?)"),
    ({"MLModelDestinationPath": "/ml/other"}, "MLModelDestinationPath",
     "'/ml/other' must equal the DestinationPath of resource 'model', which is '/ml/model'"),
    ({"MLModelSageMakerJobArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/other"},
     "MLModelSageMakerJobArn", "must equal the SageMakerJobArn of resource 'model'"),
    ({"GPUAcceleration": "GPU"}, "GPUAcceleration",
     "GPUAcceleration applies only to the Aarch64JTX2 connectors, not ImageClassificationx86-64"),
    ({"LocalInferenceServiceTimeoutSeconds": "0"}, "LocalInferenceServiceTimeoutSeconds",
     "'0' does not match ^[1-9][0-9]*$"),
    ({"LocalInferenceServiceName": "-bad name"}, "LocalInferenceServiceName", "does not match"),
    ({"MLFeedbackConnectorConfigId": "cfg1"}, "MLFeedbackConnectorConfigId",
     "needs the ML Feedback connector (MLFeedback) in the group"),
    ({"Extra": "x"}, "Extra", "unknown key 'Extra'"),
])
def test_bad_parameter(validate, base, location, change, key, message):
    params = dict(GOOD_IC, **change)
    text = spec(base, params)
    run = validate(text)
    line, _ = location(text, "      %s:" % key)
    assert run.code == 1
    wanted = "Connectors[0].Parameters.%s: " % key
    hits = [l for l in run.err.splitlines() if wanted in l and message in l]
    assert hits, "%s\n%s" % (wanted, run.err)
    assert hits[0].startswith("%s:%d:" % (run.path, line))


def test_missing_required_parameter(validate, base):
    params = dict(GOOD_IC)
    del params["LocalInferenceServiceMemoryLimitKB"]
    run = validate(spec(base, params))
    assert run.code == 1
    assert "Connectors[0].Parameters: missing required key 'LocalInferenceServiceMemoryLimitKB'" in run.err


def test_gpu_acceleration_allowed_on_jtx2(validate, base):
    run = validate(spec(base, dict(GOOD_IC, GPUAcceleration="GPU"), name="ImageClassificationAarch64JTX2"))
    assert run.code == 0, run.text


def test_object_detection_needs_s3_model(validate, base):
    params = {k: v for k, v in GOOD_IC.items() if k != "MLModelSageMakerJobArn"}
    run = validate(spec(base, params, name="ObjectDetectionx86-64", version=1))
    assert run.code == 1
    assert "this connector needs a S3MachineLearningModelResourceData resource" in run.err
    ok = validate(spec(base, params, name="ObjectDetectionx86-64", version=1,
                       source="s3://bucket/od/model.tar.gz"))
    assert ok.code == 0, ok.text


def test_unknown_version(validate, base):
    run = validate(spec(base, GOOD_IC, version=7))
    assert run.code == 1
    assert "Connectors[0].ConnectorArn: ImageClassificationx86-64 has no version 7 (known: 1, 2)" in run.err


def test_unknown_connector_is_a_warning(validate, base):
    text = "Target: v1\n" + base + ("Connectors:\n  - Id: twilio\n    ConnectorArn: arn:aws:greengrass:us-east-1::/"
                   "connectors/TwilioNotifications/versions/4\n    Parameters:\n      Anything: goes\n")
    run = validate(text)
    assert run.code == 0, run.text
    assert "Connectors[0].ConnectorArn: warning: unknown connector 'TwilioNotifications'" in run.out


def test_feedback_config_id_must_be_in_feedback_map(validate, base):
    params = dict(GOOD_IC, MLFeedbackConnectorConfigId="lowconf")
    text = spec(base, params) + (
        "  - Id: feedback\n    ConnectorArn: arn:aws:greengrass:us-east-1::/connectors/MLFeedback/versions/1\n"
        "    Parameters:\n      FeedbackConfigurationMap: '{\"lowconf\": {\"s3-bucket-name\": \"b\"}}'\n")
    assert validate(text).code == 0
    run = validate(text.replace('{\\"lowconf\\"', '{\\"other\\"').replace('{"lowconf"', '{"other"'))
    assert run.code == 1
    assert "'lowconf' is not a key of the ML Feedback connector's FeedbackConfigurationMap" in run.err


def test_one_version_per_connector(validate, base):
    text = spec(base, GOOD_IC) + (
        "  - Id: classify2\n    ConnectorArn: arn:aws:greengrass:us-east-1::/connectors/"
        "ImageClassificationx86-64/versions/1\n    Parameters: {}\n")
    run = validate(text)
    assert run.code == 1
    assert "connector ImageClassificationx86-64 is already in this group" in run.err
