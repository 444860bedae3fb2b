"""V1 subscriptions become router entries, event sources and bridge mappings, or a reasoned error."""
import pytest

from gg_manager.targets.v2.subscriptions import route

T = "gg/edge"
INF, CAM = "edge-inference", "edge-camera"
# the example app's subscriptions, as greengrass.yaml writes them
EXAMPLE = [
    {"Id": "frames", "Source": "Lambda::" + CAM, "Subject": T + "/frames", "Target": "Lambda::" + INF},
    {"Id": "pred", "Source": "Lambda::" + INF, "Subject": T + "/predictions", "Target": "cloud"},
    {"Id": "err", "Source": "Lambda::" + INF, "Subject": T + "/errors", "Target": "cloud"},
    {"Id": "ack", "Source": "Lambda::" + INF, "Subject": T + "/predictions",
     "Target": "Lambda::" + CAM},
    {"Id": "status", "Source": "Lambda::" + CAM, "Subject": T + "/camera/status", "Target": "cloud"},
    {"Id": "ask", "Source": "cloud", "Subject": "/request/classify/+", "Target": "Lambda::" + CAM},
]


def test_the_example_app():
    r = route(EXAMPLE, [INF, CAM])
    assert r.problems == []
    assert r.router_configuration() == {"subscriptions": {
        "ack": {"id": "ack", "source": "component:" + INF, "subject": T + "/predictions",
                "target": "component:" + CAM},
        "err": {"id": "err", "source": "component:" + INF, "subject": T + "/errors",
                "target": "cloud"},
        "frames": {"id": "frames", "source": "component:" + CAM, "subject": T + "/frames",
                   "target": "component:" + INF},
        "pred": {"id": "pred", "source": "component:" + INF, "subject": T + "/predictions",
                 "target": "cloud"},
        "status": {"id": "status", "source": "component:" + CAM, "subject": T + "/camera/status",
                   "target": "cloud"},
    }}
    # cloud -> Lambda is the Lambda's own IOT_CORE event source, wildcard and all
    assert r.event_sources == {CAM: [{"topic": "/request/classify/+", "type": "IOT_CORE"}]}
    assert r.publishers == {INF, CAM}
    assert r.cloud_publish == {T + "/predictions", T + "/errors", T + "/camera/status"}
    assert r.cloud_subscribe == {"/request/classify/+"}
    assert r.bridge == {} and r.devices == {}


def test_component_names_and_arn_endpoints():
    subs = [{"Id": "a", "Source": "arn:aws:lambda:eu-west-1:1:function:%s:live" % INF,
             "Subject": "x", "Target": "cloud"}]
    r = route(subs, [INF], lambda_components={INF: "com.example.Inference"})
    assert r.router["a"]["source"] == "component:com.example.Inference"


def test_subscription_without_id_gets_a_stable_key():
    r = route([{"Source": "Lambda::" + INF, "Subject": "x", "Target": "cloud"}], [INF])
    assert list(r.router) == ["sub-0"]


def test_devices_through_the_bridge():
    subs = [
        {"Id": "up", "Source": "Device::sensor", "Subject": "sensors/t", "Target": "cloud"},
        {"Id": "down", "Source": "cloud", "Subject": "cmd/sensor/#", "Target": "Device::sensor"},
        {"Id": "local", "Source": "Device::sensor", "Subject": "sensors/t", "Target": "Lambda::" + INF},
        {"Id": "peer", "Source": "Device::sensor", "Subject": "p2p/x", "Target": "Device::lamp"},
    ]
    r = route(subs, [INF], ["sensor", "lamp"])
    assert r.problems == []
    assert r.bridge_configuration() == {"mqttTopicMapping": {
        "down": {"topic": "cmd/sensor/#", "source": "IotCore", "target": "LocalMqtt"},
        "local": {"topic": "sensors/t", "source": "LocalMqtt", "target": "Pubsub"},
        "up": {"topic": "sensors/t", "source": "LocalMqtt", "target": "IotCore"},
    }}
    assert r.event_sources == {INF: [{"topic": "sensors/t", "type": "PUB_SUB"}]}
    assert r.devices["sensor"].publish == {"sensors/t", "p2p/x"}
    assert r.devices["sensor"].subscribe == {"cmd/sensor/#"}
    assert r.devices["lamp"].subscribe == {"p2p/x"} and r.devices["lamp"].publish == set()


def test_a_wildcard_from_a_device_to_a_lambda_goes_through_the_cloud_with_a_warning():
    # greengo's own example has this one
    subs = [{"Id": "w", "Source": "Device::thing1", "Subject": "sensors/+/reading",
             "Target": "Lambda::" + INF}]
    r = route(subs, [INF], ["thing1"])
    assert r.errors == []
    (warning,) = r.problems
    assert warning.severity == "warning" and "no MQTT wildcards" in warning.message
    assert r.bridge["w"] == {"topic": "sensors/+/reading", "source": "LocalMqtt", "target": "IotCore"}
    assert r.event_sources[INF] == [{"topic": "sensors/+/reading", "type": "IOT_CORE"}]
    assert "sensors/+/reading" in r.cloud_publish and "sensors/+/reading" in r.cloud_subscribe


def test_a_lambda_to_a_device_goes_through_the_cloud_with_a_warning():
    subs = [{"Id": "cmd", "Source": "Lambda::" + INF, "Subject": "cmd/lamp", "Target": "Device::lamp"}]
    r = route(subs, [INF], ["lamp"])
    assert [p.severity for p in r.problems] == ["warning"]
    assert r.router["cmd"]["target"] == "cloud"
    assert r.bridge["cmd"] == {"topic": "cmd/lamp", "source": "IotCore", "target": "LocalMqtt"}
    assert r.devices["lamp"].subscribe == {"cmd/lamp"}


def test_device_shadows_are_bridged_to_shadow_manager():
    shadow = "$aws/things/lamp/shadow/update"
    subs = [{"Id": "su", "Source": "Device::lamp", "Subject": shadow, "Target": "GGShadowService"},
            {"Id": "sa", "Source": "GGShadowService", "Subject": shadow + "/accepted",
             "Target": "Device::lamp"}]
    r = route(subs, [], ["lamp"])
    assert r.problems == []
    assert r.bridge["su"] == {"topic": shadow, "source": "LocalMqtt", "target": "Pubsub"}
    assert r.bridge["sa"] == {"topic": shadow + "/accepted", "source": "Pubsub", "target": "LocalMqtt"}
    assert r.shadow_devices == {"lamp"}


@pytest.mark.parametrize("source,target,reason", [
    ("Lambda::" + INF, "GGShadowService", "Device SDK V2"),
    ("GGShadowService", "Lambda::" + INF, "Device SDK V2"),
    ("cloud", "GGShadowService", "SyncShadow"),
    ("GGShadowService", "cloud", "SyncShadow"),
    ("cloud", "cloud", "routes nothing"),
])
def test_what_v2_cannot_express_is_an_error_with_the_reason(source, target, reason):
    r = route([{"Id": "x", "Source": source, "Subject": "t", "Target": target}], [INF])
    (error,) = r.errors
    assert reason in error.message
    assert r.router == {} and r.event_sources == {}


def test_connectors_mapped_and_not():
    subs = [
        {"Id": "in", "Source": "Lambda::" + INF, "Subject": "sns/message", "Target": "Connector::sns"},
        {"Id": "out", "Source": "Connector::sns", "Subject": "sns/message/status", "Target": "cloud"},
        {"Id": "cw", "Source": "Lambda::" + INF, "Subject": "metrics/put", "Target": "Connector::cw"},
    ]
    r = route(subs, [INF], connectors={"sns": "aws.greengrass.SNS"}, unmapped_connectors=["cw"])
    assert r.router["in"] == {"id": "in", "source": "component:" + INF, "subject": "sns/message",
                              "target": "component:aws.greengrass.SNS"}
    assert r.router["out"]["source"] == "component:aws.greengrass.SNS"
    (error,) = r.errors
    assert error.index == 2 and error.field == "Target" and "no Greengrass V2 component" in error.message
    assert not error.unknown_endpoint


def test_unknown_endpoints_are_flagged_for_the_common_rule():
    r = route([{"Id": "x", "Source": "Lambda::nope", "Subject": "t", "Target": "cloud"},
               {"Id": "y", "Source": "arn:aws:iot:eu-west-1:1:thing/stranger", "Subject": "t",
                "Target": "cloud"}], [INF])
    first, second = r.errors
    assert first.unknown_endpoint and first.field == "Source"
    assert not second.unknown_endpoint and "Device::NAME" in second.message
