"""The V2 core's IoT policies: this core, its role alias, the spec's cloud topics, nothing wider."""
import json

import pytest
from v2_shapes import validate

from gg_manager.errors import GGError
from gg_manager.targets.v2.core_policy import (MAX_POLICY_CHARS, core_iot_policies,
                                               pack_statements, policy_chars)

IOT = "arn:aws:iot:eu-west-1:123456789012:"
EXAMPLE_TOPICS = dict(cloud_publish=["gg/gg-edge-ml/predictions", "gg/gg-edge-ml/errors",
                                     "gg/gg-edge-ml/camera/status"],
                      cloud_subscribe=["/request/classify/+"])


def allowed(docs, action):
    """Every resource on which `action` is allowed, over all documents."""
    return sorted(r for d in docs for s in d["Statement"] if action in s["Action"]
                  for r in s["Resource"])


def policies(thing="edge_Core", alias="gg-edge-tes-alias", **kw):
    return core_iot_policies("eu-west-1", "123456789012", thing, alias, **kw)


def test_scoped_to_this_core_and_its_role_alias():
    docs = policies(cloud_publish=["gg/edge/predictions"], cloud_subscribe=["/request/classify/+"])
    assert allowed(docs, "iot:Connect") == [IOT + "client/edge_Core", IOT + "client/edge_Core#*"]
    assert allowed(docs, "iot:AssumeRoleWithCertificate") == [IOT + "rolealias/gg-edge-tes-alias"]
    assert allowed(docs, "iot:Subscribe") == sorted([
        IOT + "topicfilter/$aws/things/edge_Core/jobs/*",
        IOT + "topicfilter/$aws/things/edge_Core/shadow/*",
        IOT + "topicfilter//request/classify/+"])
    assert allowed(docs, "iot:Receive") == sorted([
        IOT + "topic/$aws/things/edge_Core/greengrass/health/json",
        IOT + "topic/$aws/things/edge_Core/greengrassv2/health/json",
        IOT + "topic/$aws/things/edge_Core/jobs/*", IOT + "topic/$aws/things/edge_Core/shadow/*",
        IOT + "topic//request/classify/*"])
    assert IOT + "topic/gg/edge/predictions" in allowed(docs, "iot:Publish")
    assert allowed(docs, "iot:UpdateThingShadow") == [IOT + "thing/edge_Core"]
    for action in ("greengrass:ResolveComponentCandidates", "greengrass:GetComponentVersionArtifact",
                   "greengrass:GetDeploymentConfiguration",
                   "greengrass:ListThingGroupsForCoreDevice"):
        assert allowed(docs, action) == ["*"]
    assert "greengrass:PutCertificateAuthorities" not in json.dumps(docs)


def test_no_statement_reaches_other_things():
    for doc in policies(alias="alias"):
        for statement in doc["Statement"]:
            assert "iot:*" not in statement["Action"] and "greengrass:*" not in statement["Action"]
            for resource in statement["Resource"]:
                assert resource == "*" or "edge_Core" in resource or resource.endswith("/alias")


def test_client_devices_and_synced_shadows():
    docs = policies("core", "alias", shadow_things=["lamp"], client_devices=["lamp", "sensor"])
    assert allowed(docs, "greengrass:VerifyClientDeviceIoTCertificateAssociation") == [
        IOT + "thing/lamp", IOT + "thing/sensor"]
    assert allowed(docs, "greengrass:UpdateConnectivityInfo") == [
        "arn:aws:greengrass:eu-west-1:123456789012:/greengrass/things/core/connectivityInfo"]
    assert allowed(docs, "greengrass:PutCertificateAuthorities") == ["*"]
    assert IOT + "thing/lamp" in allowed(docs, "iot:GetThingShadow")
    assert IOT + "topicfilter/$aws/things/lamp/shadow/*" in allowed(docs, "iot:Subscribe")


def test_the_example_app_fits_one_policy_and_with_devices_two():
    (doc,) = policies("gg-edge-ml_Core", "gg-gg-edge-ml-tes-alias", **EXAMPLE_TOPICS)
    validate("iot", "CreatePolicy", {"policyName": "p", "policyDocument": json.dumps(doc)})
    docs = policies("gg-edge-ml_Core", "gg-gg-edge-ml-tes-alias", client_devices=["a", "b"],
                    shadow_things=["a"], **EXAMPLE_TOPICS)
    assert len(docs) == 2
    assert all(policy_chars(d) <= MAX_POLICY_CHARS for d in docs)
    assert docs[0]["Statement"][0]["Action"] == ["iot:Connect"]   # the basics come first


def test_many_topics_split_over_documents_without_losing_one():
    topics = ["telemetry/sensor-%03d/reading" % i for i in range(60)]
    docs = policies("core", "alias", cloud_publish=topics)
    assert len(docs) > 1 and all(policy_chars(d) <= MAX_POLICY_CHARS for d in docs)
    published = [r for r in allowed(docs, "iot:Publish") if "telemetry" in r]
    assert published == sorted(IOT + "topic/" + t for t in topics)


def test_more_than_ten_policies_is_a_clear_error():
    with pytest.raises(GGError, match="over the 10"):
        policies("core", "alias", cloud_publish=["t/%04d/x" % i for i in range(800)])


def test_packing_keeps_order_and_statements():
    statements = [{"Effect": "Allow", "Action": ["a:%d" % i], "Resource": ["*"]} for i in range(5)]
    (doc,) = pack_statements(statements)
    assert doc["Statement"] == statements


@pytest.mark.parametrize("thing", ["", "*", "core*"])
def test_a_thing_name_that_cannot_scope_is_refused(thing):
    with pytest.raises(GGError):
        policies(thing, "alias")
