"""V1 connectors on Greengrass V2: mapped to the AWS component that does the same job, or refused.

Never ignored: a connector gg cannot carry to V2 is an error with the reason.

- ML Image Classification, ML Object Detection, ML Feedback: no V2 equivalent
  (AWS's DLR sample components are demos, not the same service). gg's bundled
  inference Lambda (lambdas/inference) serves the same models and answers in the
  connectors' output format: use it instead.
- Amazon SNS and Kinesis Data Firehose: AWS provides them as Lambda components
  (aws.greengrass.SNS, aws.greengrass.KinesisFirehose), configured through
  their Lambda environment; a Lambda still reaches them through the legacy
  subscription router (`component:` target), as on V1. The token exchange role
  gets exactly the publish actions on the topic or stream the parameters name.
- CloudWatch metrics: V2's component (3.x) is a generic component fed by local
  IPC or AWS IoT Core, which a V1 Lambda's Core SDK publish cannot reach
  locally, and its Lambda versions (2.0.x) need a nucleus older than 2.6.
- Device Defender and Modbus-RTU have V2 components whose settings gg does not
  translate yet; the others (Twilio, Splunk, ServiceNow, IoT Analytics,
  Raspberry Pi GPIO, Serial Stream, Docker application deployment, ...) have
  no V2 component at all.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

from gg_manager.provision.policies import _allow
from gg_manager.spec.rules.connectors import parse_connector_arn
from gg_manager.targets.v2.public_components import KINESIS_FIREHOSE, SNS

INFERENCE_HINT = ("gg's bundled inference Lambda (package: lambdas/inference, see "
                  "lambdas/README.md) serves the same SageMaker and Neo models and publishes the "
                  "connector's output format; declare it under Lambdas with a Models entry")
ML_CONNECTORS = ("ImageClassification", "ObjectDetection")
NOT_TRANSLATED = {
    "CloudWatchMetrics": (
        "Greengrass V2's CloudWatch metrics component (aws.greengrass.Cloudwatch 3.x) takes "
        "messages from local IPC or AWS IoT Core, which a V1 Lambda's Core SDK publish cannot "
        "reach locally, and its Lambda versions (2.0.x) need a nucleus older than 2.6; call "
        "cloudwatch:PutMetricData from the Lambda instead (the token exchange role gives it "
        "credentials)"),
    "DeviceDefender": ("Greengrass V2 has aws.greengrass.DeviceDefender, but gg does not translate "
                       "this connector's settings; deploy that component yourself"),
    "ModbusRTUProtocolAdapter": ("Greengrass V2 has aws.greengrass.Modbus, but gg does not "
                                 "translate this connector's serial device settings"),
}


@dataclass
class ConnectorOnV2:
    """One connector's fate: `component` and `configuration` when mapped, else `refusal`."""
    id: str
    name: str
    component: Optional[str] = None
    configuration: dict = field(default_factory=dict)
    role_statements: List[dict] = field(default_factory=list)
    refusal: Optional[str] = None


def translate(connector_id: str, arn: str, parameters: Mapping[str, str],
              input_topics: Optional[List[Mapping]] = None) -> ConnectorOnV2:
    """Map one V1 connector ({Id, ConnectorArn, Parameters}); `input_topics` are the
    {topic, type} it must listen on besides the router (see subscriptions.py)."""
    name, _version = parse_connector_arn(arn)
    name = name or arn
    out = ConnectorOnV2(connector_id, name)
    if name.startswith(ML_CONNECTORS) or name == "MLFeedback":
        out.refusal = ("the %s connector has no Greengrass V2 equivalent; %s"
                       % (name, INFERENCE_HINT))
    elif name == "SNS":
        _sns(out, parameters)
    elif name == "KinesisFirehose":
        _firehose(out, parameters)
    elif name in NOT_TRANSLATED:
        out.refusal = "connector %s: %s" % (name, NOT_TRANSLATED[name])
    else:
        out.refusal = ("connector %s has no Greengrass V2 component; on V2 its job belongs in a "
                       "Lambda of your own" % name)
    if out.component and input_topics:
        out.configuration["pubsubTopics"] = {str(i): dict(t) for i, t in enumerate(
            sorted(input_topics, key=lambda t: (t["type"], t["topic"])))}
    return out


def _lambda_settings(parameters, environment):
    config = {"lambdaExecutionParameters": {"EnvironmentVariables": environment}}
    isolation = parameters.get("IsolationMode")
    if isolation:
        config["containerMode"] = isolation
    if parameters.get("MemorySize") and isolation != "NoContainer":
        config["containerParams"] = {"memorySize": int(parameters["MemorySize"])}
    return config


def _sns(out, parameters):
    arn = parameters.get("DefaultSNSArn")
    out.component = SNS
    out.configuration = _lambda_settings(parameters, {"DEFAULT_SNS_ARN": arn} if arn else {})
    if arn:
        out.role_statements.append(_allow(["sns:Publish"], [arn]))


def _firehose(out, parameters):
    arn = parameters.get("DefaultDeliveryStreamArn")
    env = {}
    for v1, v2 in (("DefaultDeliveryStreamArn", "DEFAULT_DELIVERY_STREAM_ARN"),
                   ("DeliveryStreamQueueSize", "DELIVERY_STREAM_QUEUE_SIZE"),
                   ("PublishInterval", "PUBLISH_INTERVAL")):
        if parameters.get(v1) is not None:
            env[v2] = str(parameters[v1])
    out.component = KINESIS_FIREHOSE
    out.configuration = _lambda_settings(parameters, env)
    if arn:
        out.role_statements.append(_allow(["firehose:PutRecord", "firehose:PutRecordBatch"], [arn]))


def translate_all(connectors: List[Mapping],
                  input_topics: Optional[Dict[str, List[Mapping]]] = None) -> List[ConnectorOnV2]:
    topics = input_topics or {}
    return [translate(c["Id"], c["ConnectorArn"], c.get("Parameters") or {}, topics.get(c["Id"]))
            for c in connectors]
