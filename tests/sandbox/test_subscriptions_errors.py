"""Subscription endpoints as AWS accepts them, and documented error names instead of Code='400'."""
import pytest
from botocore.exceptions import ClientError

from sandbox_helpers import CONNECTOR_ARN, error_of

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:BlogInfer:dev"
THING = "arn:aws:iot:us-east-1:123456789012:thing/GG_Object_Detection_Core"


@pytest.mark.parametrize("source,target", [
    ("cloud", LAMBDA),
    (LAMBDA, "cloud"),
    (CONNECTOR_ARN, "cloud"),
    ("cloud", CONNECTOR_ARN),
    (THING, "GGShadowService"),
    ("arn:aws:iot:us-east-1:123456789012:thing/my_device:v2", LAMBDA),
    ("arn:aws:lambda:us-east-1:123456789012:function:BlogInfer:3", "cloud"),
])
def test_accepted_endpoints(gg, source, target):
    subs = [{"Id": "s1", "Source": source, "Subject": "blog/infer/#", "Target": target}]
    created = gg.create_subscription_definition(InitialVersion={"Subscriptions": subs})
    version = gg.get_subscription_definition_version(SubscriptionDefinitionId=created["Id"],
                                                     SubscriptionDefinitionVersionId=created["LatestVersion"])
    assert version["Definition"]["Subscriptions"] == subs


@pytest.mark.parametrize("source,target,word", [
    ("nowhere", "cloud", "source"),
    ("cloud", "arn:aws:lambda:us-east-1:123456789012:function:NoAlias", "target"),
])
def test_rejected_endpoints_are_bad_requests(gg, source, target, word):
    subs = [{"Id": "s1", "Source": source, "Subject": "a/b", "Target": target}]
    with pytest.raises(ClientError) as exc:
        gg.create_subscription_definition(InitialVersion={"Subscriptions": subs})
    code, status, message = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    assert "Subscription %s is invalid" % word in message


def test_moto_numeric_codes_become_bad_request(gg):
    # moto raised Code='400' for an invalid resource definition
    resources = [{"Id": "sys", "Name": "sys", "ResourceDataContainer": {
        "LocalVolumeResourceData": {"SourcePath": "/sys", "DestinationPath": "/sys"}}}]
    with pytest.raises(ClientError) as exc:
        gg.create_resource_definition(InitialVersion={"Resources": resources})
    assert error_of(exc)[:2] == ("BadRequestException", 400)


def test_deploying_group_without_core_is_refused(gg):
    group = gg.create_group(Name="no-core", InitialVersion={})
    with pytest.raises(ClientError) as exc:
        gg.create_deployment(GroupId=group["Id"], GroupVersionId=group["LatestVersion"], DeploymentType="NewDeployment")
    assert error_of(exc)[1] == 400
