"""Builders for sandbox tests: a deployable group made with plain boto3."""
import re

ACCOUNT = "123456789012"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
CONNECTOR_ARN = "arn:aws:greengrass:us-east-1::/connectors/ImageClassificationx86-64/versions/2"


def core_definition(gg, thing="my_core"):
    return gg.create_core_definition(InitialVersion={"Cores": [{
        "Id": "core", "CertificateArn": "arn:aws:iot:us-east-1:%s:cert/%s" % (ACCOUNT, "a" * 64),
        "ThingArn": "arn:aws:iot:us-east-1:%s:thing/%s" % (ACCOUNT, thing), "SyncShadow": True}]})


def deployable_group(gg, name="g", **extra):
    """A group whose latest version has a core (so it can be deployed). Returns (group, version_id)."""
    core = core_definition(gg)
    group = gg.create_group(Name=name, InitialVersion=dict(CoreDefinitionVersionArn=core["LatestVersionArn"], **extra))
    return group, group["LatestVersion"]


def deploy(gg, group_id, version_id):
    return gg.create_deployment(GroupId=group_id, GroupVersionId=version_id, DeploymentType="NewDeployment")


def error_of(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")
