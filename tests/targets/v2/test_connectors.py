"""Connectors: mapped to their V2 component, or refused with the reason, never ignored."""
import pytest

from gg_manager.targets.v2.connectors import translate, translate_all

ARN = "arn:aws:greengrass:eu-west-1::/connectors/%s/versions/%d"


@pytest.mark.parametrize("name", ["ImageClassificationx86-64", "ImageClassificationAarch64JTX2",
                                  "ObjectDetectionARMv7", "MLFeedback"])
def test_ml_connectors_point_to_the_bundled_inference_lambda(name):
    result = translate("ml", ARN % (name, 1), {})
    assert result.component is None
    assert "no Greengrass V2 equivalent" in result.refusal and "lambdas/inference" in result.refusal


def test_sns_is_mapped_with_least_privilege():
    topic = "arn:aws:sns:eu-west-1:123456789012:alerts"
    result = translate("sns", ARN % ("SNS", 4), {"DefaultSNSArn": topic,
                                                 "IsolationMode": "GreengrassContainer",
                                                 "MemorySize": "65535"},
                       [{"topic": "alerts/in", "type": "IotCore"}])
    assert result.refusal is None and result.component == "aws.greengrass.SNS"
    assert result.configuration == {
        "lambdaExecutionParameters": {"EnvironmentVariables": {"DEFAULT_SNS_ARN": topic}},
        "containerMode": "GreengrassContainer", "containerParams": {"memorySize": 65535},
        "pubsubTopics": {"0": {"topic": "alerts/in", "type": "IotCore"}}}
    assert result.role_statements == [{"Effect": "Allow", "Action": ["sns:Publish"],
                                       "Resource": [topic]}]


def test_firehose_is_mapped():
    stream = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/frames"
    result = translate("fh", ARN % ("KinesisFirehose", 5), {
        "DefaultDeliveryStreamArn": stream, "DeliveryStreamQueueSize": "5000",
        "PublishInterval": "10", "IsolationMode": "NoContainer", "MemorySize": "65535"})
    assert result.component == "aws.greengrass.KinesisFirehose"
    assert result.configuration == {
        "lambdaExecutionParameters": {"EnvironmentVariables": {
            "DEFAULT_DELIVERY_STREAM_ARN": stream, "DELIVERY_STREAM_QUEUE_SIZE": "5000",
            "PUBLISH_INTERVAL": "10"}},
        "containerMode": "NoContainer"}
    assert result.role_statements[0]["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"]


@pytest.mark.parametrize("name,reason", [
    ("CloudWatchMetrics", "PutMetricData"),
    ("DeviceDefender", "aws.greengrass.DeviceDefender"),
    ("ModbusRTUProtocolAdapter", "aws.greengrass.Modbus"),
    ("TwilioNotifications", "no Greengrass V2 component"),
    ("SplunkIntegration", "no Greengrass V2 component"),
])
def test_others_are_refused_with_the_reason(name, reason):
    result = translate("c", ARN % (name, 1), {})
    assert result.component is None and reason in result.refusal


def test_translate_all_keeps_every_connector():
    connectors = [{"Id": "a", "ConnectorArn": ARN % ("SNS", 4), "Parameters": {}},
                  {"Id": "b", "ConnectorArn": ARN % ("MLFeedback", 1)}]
    results = translate_all(connectors)
    assert [r.id for r in results] == ["a", "b"]
    assert results[0].component and results[1].refusal
