"""IoT as the sandbox serves it: certificates for the CSR's key, stable endpoints, jobs that expand and move,
role aliases and the credentials provider."""
import json
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from sandbox_helpers import error_of


def _name(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def _csr(key, common_name="core"):
    return (x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common_name)]))
            .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode())


def _public_der(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("make_key", [lambda: rsa.generate_private_key(65537, 2048),
                                      lambda: ec.generate_private_key(ec.SECP256R1())])
def test_certificate_from_csr_carries_the_csr_key(sandbox, make_key):
    iot = sandbox.boto3_client("iot", retries=0)
    key = make_key()
    made = iot.create_certificate_from_csr(certificateSigningRequest=_csr(key, "store-1"), setAsActive=True)
    cert = x509.load_pem_x509_certificate(made["certificatePem"].encode())
    assert _public_der(cert.public_key()) == _public_der(key.public_key())
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "store-1"
    # the id is the SHA-256 of the DER certificate, as AWS makes it
    assert made["certificateId"] == cert.fingerprint(hashes.SHA256()).hex()
    described = iot.describe_certificate(certificateId=made["certificateId"])["certificateDescription"]
    assert described["status"] == "ACTIVE" and described["certificatePem"] == made["certificatePem"]


def test_a_bad_csr_is_refused(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    with pytest.raises(ClientError) as exc:
        iot.create_certificate_from_csr(certificateSigningRequest="-----BEGIN CERTIFICATE REQUEST-----\nxx\n")
    assert error_of(exc)[0] == "InvalidRequestException"


def test_describe_endpoint_is_stable_per_type(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    for endpoint_type in ("iot:Data-ATS", "iot:Data", "iot:CredentialProvider", "iot:Jobs"):
        first = iot.describe_endpoint(endpointType=endpoint_type)["endpointAddress"]
        assert iot.describe_endpoint(endpointType=endpoint_type)["endpointAddress"] == first
    ats = iot.describe_endpoint(endpointType="iot:Data-ATS")["endpointAddress"]
    creds = iot.describe_endpoint(endpointType="iot:CredentialProvider")["endpointAddress"]
    assert ats.endswith("-ats.iot.us-east-1.amazonaws.com")
    assert creds.endswith(".credentials.iot.us-east-1.amazonaws.com")
    assert ats.split("-ats.")[0] == creds.split(".credentials.")[0]
    other = sandbox.boto3_client("iot", region="eu-west-1", retries=0)
    assert other.describe_endpoint(endpointType="iot:Data-ATS")["endpointAddress"] != ats


def test_thing_groups_listed_with_their_children_and_for_a_thing(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    top, other = _name("top"), _name("other")
    child, grandchild = top + "-child", top + "-child-grand"
    iot.create_thing_group(thingGroupName=top)
    iot.create_thing_group(thingGroupName=other)
    iot.create_thing_group(thingGroupName=child, parentGroupName=top)
    iot.create_thing_group(thingGroupName=grandchild, parentGroupName=child)
    thing = _name("thing")
    iot.create_thing(thingName=thing)
    for group in (grandchild, other):
        iot.add_thing_to_thing_group(thingGroupName=group, thingName=thing)

    def listed(**params):
        return [g["groupName"] for g in iot.list_thing_groups(**params)["thingGroups"]]

    every = listed()
    assert {top, other, child, grandchild} <= set(every)
    assert every.index(top) < every.index(child) < every.index(grandchild)
    assert listed(parentGroup=top) == [child, grandchild]
    assert listed(parentGroup=top, recursive=False) == [child]
    assert listed(namePrefixFilter=top) == [top, child, grandchild]
    with pytest.raises(ClientError) as exc:
        iot.list_thing_groups(parentGroup=_name("absent"))
    assert error_of(exc)[0] == "ResourceNotFoundException"
    found = iot.list_thing_groups_for_thing(thingName=thing)["thingGroups"]
    assert sorted(g["groupName"] for g in found) == sorted([grandchild, other])
    assert all(g["groupArn"].endswith("thinggroup/" + g["groupName"]) for g in found)


def test_plain_iot_job_on_a_group_expands_to_its_things(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    group = _name("fleet")
    group_arn = iot.create_thing_group(thingGroupName=group)["thingGroupArn"]
    things = [_name("dev") for _ in range(3)]
    for thing in things:
        iot.create_thing(thingName=thing)
        iot.add_thing_to_thing_group(thingGroupName=group, thingName=thing)
    job_id = _name("job")
    iot.create_job(jobId=job_id, targets=[group_arn], document=json.dumps({"op": "reboot"}))
    listed = iot.list_job_executions_for_job(jobId=job_id)["executionSummaries"]
    assert sorted(e["thingArn"].rsplit("/", 1)[-1] for e in listed) == sorted(things)
    per_thing = iot.list_job_executions_for_thing(thingName=things[0])["executionSummaries"]
    assert [e["jobId"] for e in per_thing] == [job_id]
    jobs_data = sandbox.boto3_client("iot-jobs-data", retries=0)
    for thing in things:
        jobs_data.update_job_execution(jobId=job_id, thingName=thing, status="SUCCEEDED")
    job = iot.describe_job(jobId=job_id)["job"]
    assert job["status"] == "COMPLETED" and job["jobProcessDetails"]["numberOfSucceededThings"] == 3
    with pytest.raises(ClientError) as exc:
        iot.cancel_job(jobId=job_id)
    assert error_of(exc)[0] == "InvalidStateTransitionException"


def test_cancel_and_delete_a_plain_job(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    thing = _name("dev")
    thing_arn = iot.create_thing(thingName=thing)["thingArn"]
    job_id = _name("job")
    iot.create_job(jobId=job_id, targets=[thing_arn], document="{}")
    with pytest.raises(ClientError) as exc:
        iot.delete_job(jobId=job_id)
    assert error_of(exc)[0] == "InvalidStateTransitionException"
    iot.cancel_job(jobId=job_id, comment="not today")
    assert iot.describe_job_execution(jobId=job_id, thingName=thing)["execution"]["status"] == "CANCELED"
    iot.delete_job(jobId=job_id)
    with pytest.raises(ClientError) as exc:
        iot.describe_job(jobId=job_id)
    assert error_of(exc)[0] == "ResourceNotFoundException"


def _core_with_alias(sandbox, allow=True, trust="credentials.iot.amazonaws.com"):
    iot, iam = sandbox.boto3_client("iot", retries=0), sandbox.boto3_client("iam", retries=0)
    thing = _name("core")
    iot.create_thing(thingName=thing)
    role = iam.create_role(RoleName=_name("tes"), AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": trust},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    alias = _name("alias")
    alias_arn = iot.create_role_alias(roleAlias=alias, roleArn=role, credentialDurationSeconds=900)["roleAliasArn"]
    assert iot.describe_role_alias(roleAlias=alias)["roleAliasDescription"]["roleArn"] == role
    cert = iot.create_certificate_from_csr(certificateSigningRequest=_csr(ec.generate_private_key(ec.SECP256R1())),
                                           setAsActive=True)
    policy = _name("policy")
    iot.create_policy(policyName=policy, policyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow" if allow else "Deny", "Action": "iot:AssumeRoleWithCertificate", "Resource": alias_arn}]}))
    iot.attach_policy(policyName=policy, target=cert["certificateArn"])
    iot.attach_thing_principal(thingName=thing, principal=cert["certificateArn"])
    return thing, alias


def _credentials(sandbox, alias, thing):
    request = urllib.request.Request("%s/role-aliases/%s/credentials" % (sandbox.endpoint_url, alias),
                                     headers={"x-amzn-iot-thingname": thing} if thing else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_credentials_provider_gives_credentials_to_an_allowed_core(sandbox):
    thing, alias = _core_with_alias(sandbox)
    status, body = _credentials(sandbox, alias, thing)
    assert status == 200
    creds = body["credentials"]
    assert set(creds) == {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}
    sts = sandbox.boto3_client("sts", aws_access_key_id=creds["accessKeyId"],
                               aws_secret_access_key=creds["secretAccessKey"], aws_session_token=creds["sessionToken"])
    assert ":assumed-role/" in sts.get_caller_identity()["Arn"]


@pytest.mark.parametrize("case,expected", [("deny", 403), ("untrusted", 403), ("no-header", 400),
                                           ("no-alias", 404), ("no-cert", 403)])
def test_credentials_provider_refusals(sandbox, case, expected):
    thing, alias = _core_with_alias(sandbox, allow=case != "deny",
                                    trust="lambda.amazonaws.com" if case == "untrusted" else
                                    "credentials.iot.amazonaws.com")
    if case == "no-cert":
        thing = _name("bare")
        sandbox.boto3_client("iot", retries=0).create_thing(thingName=thing)
    status, body = _credentials(sandbox, _name("missing") if case == "no-alias" else alias,
                                None if case == "no-header" else thing)
    assert status == expected and body["message"]


def test_tags_on_iot_resources(sandbox):
    iot = sandbox.boto3_client("iot", retries=0)
    tags = [{"Key": "gg:app", "Value": "edge-ml"}]
    group_name, alias, policy = _name("fleet"), _name("alias"), _name("policy")
    made = {
        "group": iot.create_thing_group(thingGroupName=group_name, tags=tags)["thingGroupArn"],
        "alias": iot.create_role_alias(roleAlias=alias, roleArn="arn:aws:iam::123456789012:role/tes",
                                       tags=tags)["roleAliasArn"],
        "policy": iot.create_policy(policyName=policy, policyDocument='{"Version": "2012-10-17", "Statement": []}',
                                    tags=tags)["policyArn"],
    }
    for arn in made.values():
        assert iot.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    iot.tag_resource(resourceArn=made["group"], tags=[{"Key": "wave", "Value": "2"}])
    iot.untag_resource(resourceArn=made["group"], tagKeys=["gg:app"])
    assert iot.list_tags_for_resource(resourceArn=made["group"])["tags"] == [{"Key": "wave", "Value": "2"}]
    iot.delete_role_alias(roleAlias=alias)
    with pytest.raises(ClientError) as exc:
        iot.list_tags_for_resource(resourceArn=made["alias"])
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)
    iot.create_role_alias(roleAlias=alias, roleArn="arn:aws:iam::123456789012:role/tes")
    assert iot.list_tags_for_resource(resourceArn=made["alias"])["tags"] == []
    with pytest.raises(ClientError) as exc:
        iot.tag_resource(resourceArn=made["policy"], tags=[{"Key": "aws:x", "Value": "1"}])
    assert error_of(exc)[0] == "InvalidRequestException"
