"""The rest of what gg calls is moto's own; a smoke check that the sandbox serves it as configured."""


def test_iam_managed_policies_are_loaded(sandbox):
    iam = sandbox.boto3_client("iam", retries=0)
    arn = "arn:aws:iam::aws:policy/service-role/AWSGreengrassResourceAccessRolePolicy"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn


def test_sts_identity_is_the_sandbox_account(sandbox):
    assert sandbox.boto3_client("sts").get_caller_identity()["Account"] == "123456789012"


def test_health_endpoint(sandbox):
    health = sandbox.api("/_sandbox/health")
    assert health["ok"] and health["pid"] == sandbox.pid
    assert health["endpoint_url"] == sandbox.endpoint_url and health["mqtt_port"] == sandbox.mqtt_port
