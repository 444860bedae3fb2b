"""GetEffectivePolicies as the sandbox serves it, through plain boto3: the policies attached to a certificate
(and, with thingName, to the thing's groups and their parents), each with its default version's document."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from sandbox_helpers import error_of


def _doc(topic):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "iot:Publish", "Resource": topic}]})


def test_effective_policies_of_a_certificate_and_its_things_groups(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    p = uuid.uuid4().hex[:8]
    cert = iot.create_keys_and_certificate(setAsActive=True)["certificateArn"]
    iot.create_policy(policyName=p + "-direct", policyDocument=_doc("a"))
    iot.create_policy(policyName=p + "-other", policyDocument=_doc("b"))       # attached to nothing
    iot.create_policy(policyName=p + "-parent", policyDocument=_doc("c"))
    iot.attach_policy(policyName=p + "-direct", target=cert)
    iot.create_policy_version(policyName=p + "-direct", policyDocument=_doc("a2"), setAsDefault=True)
    parent = iot.create_thing_group(thingGroupName=p + "-fleet")["thingGroupArn"]
    iot.create_thing_group(thingGroupName=p + "-store", parentGroupName=p + "-fleet")
    iot.create_thing(thingName=p + "-core")
    iot.add_thing_to_thing_group(thingGroupName=p + "-store", thingName=p + "-core")
    iot.attach_policy(policyName=p + "-parent", target=parent)

    found = iot.get_effective_policies(principal=cert)["effectivePolicies"]
    assert [e["policyName"] for e in found] == [p + "-direct"]
    assert json.loads(found[0]["policyDocument"])["Statement"][0]["Resource"] == "a2"     # the default version
    assert found[0]["policyArn"] == iot.get_policy(policyName=p + "-direct")["policyArn"]

    with_thing = iot.get_effective_policies(principal=cert, thingName=p + "-core")["effectivePolicies"]
    assert sorted(e["policyName"] for e in with_thing) == [p + "-direct", p + "-parent"]

    iot.detach_policy(policyName=p + "-direct", target=cert)
    assert iot.get_effective_policies(principal=cert)["effectivePolicies"] == []


def test_effective_policies_of_an_unknown_certificate_is_not_found(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    arn = "arn:aws:iot:us-east-1:123456789012:cert/" + "0" * 64
    with pytest.raises(ClientError) as exc:
        iot.get_effective_policies(principal=arn)
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        iot.get_effective_policies()
    assert error_of(exc)[0] == "InvalidRequestException"
