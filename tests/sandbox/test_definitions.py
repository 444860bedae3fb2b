"""Logger and connector definitions over real HTTP, and group versions that keep their ARNs."""
import pytest
from botocore.exceptions import ClientError

from sandbox_helpers import CONNECTOR_ARN, ISO, core_definition, error_of

LOGGERS = [
    {"Component": "GreengrassSystem", "Id": "sys", "Level": "INFO", "Type": "FileSystem", "Space": 128},
    {"Component": "Lambda", "Id": "fn", "Level": "DEBUG", "Type": "AWSCloudWatch"},
]
CONNECTORS = [{"ConnectorArn": CONNECTOR_ARN, "Id": "classifier",
               "Parameters": {"MLModelDestinationPath": "/ml/model", "LocalInferenceServiceName": "svc"}}]


def _check_definition_shape(d, name=None):
    assert set(d) >= {"Arn", "CreationTimestamp", "Id", "LastUpdatedTimestamp", "LatestVersion", "LatestVersionArn"}
    assert ISO.match(d["CreationTimestamp"]) and ISO.match(d["LastUpdatedTimestamp"])
    assert d["LatestVersionArn"] == "%s/versions/%s" % (d["Arn"], d["LatestVersion"])
    if name:
        assert d["Name"] == name


@pytest.mark.parametrize("kind,key,entries", [("logger", "Loggers", LOGGERS), ("connector", "Connectors", CONNECTORS)])
def test_definition_lifecycle(gg, sandbox, kind, key, entries):
    K = kind.capitalize()
    name = sandbox.unique_name(kind)
    created = getattr(gg, "create_%s_definition" % kind)(Name=name, InitialVersion={key: entries})
    _check_definition_shape(created, name)
    assert ":greengrass/definition/%ss/" % kind in created["Arn"]
    def_id = created["Id"]

    got = getattr(gg, "get_%s_definition" % kind)(**{K + "DefinitionId": def_id})
    _check_definition_shape(got, name)
    listed = getattr(gg, "list_%s_definitions" % kind)()["Definitions"]
    assert def_id in [d["Id"] for d in listed]

    version = getattr(gg, "get_%s_definition_version" % kind)(
        **{K + "DefinitionId": def_id, K + "DefinitionVersionId": created["LatestVersion"]})
    assert version["Definition"] == {key: entries}
    assert version["Arn"] == created["LatestVersionArn"] and version["Id"] == def_id

    second = getattr(gg, "create_%s_definition_version" % kind)(**{K + "DefinitionId": def_id, key: entries[:1]})
    assert set(second) == {"Arn", "CreationTimestamp", "Id", "Version", "ResponseMetadata"}
    assert getattr(gg, "get_%s_definition" % kind)(**{K + "DefinitionId": def_id})["LatestVersion"] == second["Version"]
    versions = getattr(gg, "list_%s_definition_versions" % kind)(**{K + "DefinitionId": def_id})["Versions"]
    assert [v["Version"] for v in versions] == [created["LatestVersion"], second["Version"]]
    page = getattr(gg, "list_%s_definition_versions" % kind)(**{K + "DefinitionId": def_id}, MaxResults="1")
    assert len(page["Versions"]) == 1 and page["NextToken"]

    getattr(gg, "update_%s_definition" % kind)(**{K + "DefinitionId": def_id}, Name=name + "-renamed")
    assert getattr(gg, "get_%s_definition" % kind)(**{K + "DefinitionId": def_id})["Name"] == name + "-renamed"

    getattr(gg, "delete_%s_definition" % kind)(**{K + "DefinitionId": def_id})
    with pytest.raises(ClientError) as exc:
        getattr(gg, "get_%s_definition" % kind)(**{K + "DefinitionId": def_id})
    assert error_of(exc)[:2] == ("IdNotFoundException", 404)


def test_definition_without_initial_version_has_no_version(gg):
    d = gg.create_logger_definition(Name="empty")
    assert d["LatestVersion"] == ""
    assert gg.list_logger_definition_versions(LoggerDefinitionId=d["Id"])["Versions"] == []


@pytest.mark.parametrize("entries", [
    [dict(LOGGERS[0], Level="LOUD")],
    [dict(LOGGERS[0], Component="Kernel")],
    [LOGGERS[0], dict(LOGGERS[1], Id="sys")],
])
def test_invalid_loggers_are_bad_requests(gg, entries):
    with pytest.raises(ClientError) as exc:
        gg.create_logger_definition(InitialVersion={"Loggers": entries})
    assert error_of(exc)[:2] == ("BadRequestException", 400)


@pytest.mark.parametrize("entries", [
    [dict(CONNECTORS[0], ConnectorArn="arn:aws:lambda:us-east-1:123456789012:function:f:1")],
    [CONNECTORS[0], dict(CONNECTORS[0], Id="again")],  # one version of a connector per group
])
def test_invalid_connectors_are_bad_requests(gg, entries):
    with pytest.raises(ClientError) as exc:
        gg.create_connector_definition(InitialVersion={"Connectors": entries})
    assert error_of(exc)[:2] == ("BadRequestException", 400)


def test_missing_version_is_version_not_found(gg):
    d = gg.create_connector_definition(InitialVersion={"Connectors": CONNECTORS})
    with pytest.raises(ClientError) as exc:
        gg.get_connector_definition_version(ConnectorDefinitionId=d["Id"], ConnectorDefinitionVersionId="nope")
    assert error_of(exc)[:2] == ("VersionNotFoundException", 404)


def test_group_versions_keep_logger_and_connector_arns(gg):
    core = core_definition(gg)
    logger = gg.create_logger_definition(InitialVersion={"Loggers": LOGGERS})
    connector = gg.create_connector_definition(InitialVersion={"Connectors": CONNECTORS})
    arns = {"CoreDefinitionVersionArn": core["LatestVersionArn"],
            "LoggerDefinitionVersionArn": logger["LatestVersionArn"],
            "ConnectorDefinitionVersionArn": connector["LatestVersionArn"]}
    group = gg.create_group(Name="with-extras", InitialVersion=arns)
    version = gg.get_group_version(GroupId=group["Id"], GroupVersionId=group["LatestVersion"])
    assert version["Definition"] == arns

    again = gg.create_group_version(GroupId=group["Id"], **arns)
    assert gg.get_group_version(GroupId=group["Id"], GroupVersionId=again["Version"])["Definition"] == arns
    assert gg.get_group(GroupId=group["Id"])["LatestVersion"] == again["Version"]


def test_group_version_rejects_unknown_references(gg):
    group = gg.create_group(Name="bad-refs")
    bogus = "arn:aws:greengrass:us-east-1:123456789012:greengrass/definition/loggers/%s/versions/%s" % ("0" * 36, "1" * 36)
    with pytest.raises(ClientError) as exc:
        gg.create_group_version(GroupId=group["Id"], LoggerDefinitionVersionArn=bogus)
    code, status, message = error_of(exc)
    assert (code, status) == ("BadRequestException", 400) and "Loggers definition reference does not exist" in message


def test_group_without_initial_version_has_none(gg):
    group = gg.create_group(Name="bare")
    assert gg.list_group_versions(GroupId=group["Id"])["Versions"] == []


@pytest.mark.parametrize("kind", ["core", "device", "function", "resource", "subscription"])
def test_moto_kinds_without_initial_version(gg, kind):
    K = kind.capitalize()
    created = getattr(gg, "create_%s_definition" % kind)(Name="bare-" + kind)
    assert created["LatestVersion"] == ""
    versions = getattr(gg, "list_%s_definition_versions" % kind)(**{K + "DefinitionId": created["Id"]})
    assert versions["Versions"] == []


@pytest.mark.parametrize("kind,key,entries", [
    ("core", "Cores", []), ("device", "Devices", []), ("function", "Functions", []),
    ("resource", "Resources", []),
    ("subscription", "Subscriptions", [{"Id": "s", "Source": "cloud", "Subject": "a/b", "Target": "GGShadowService"}]),
])
def test_new_version_becomes_latest(gg, kind, key, entries):
    K = kind.capitalize()
    created = getattr(gg, "create_%s_definition" % kind)(InitialVersion={key: entries})
    version = getattr(gg, "create_%s_definition_version" % kind)(**{K + "DefinitionId": created["Id"], key: entries})
    got = getattr(gg, "get_%s_definition" % kind)(**{K + "DefinitionId": created["Id"]})
    assert (got["LatestVersion"], got["LatestVersionArn"]) == (version["Version"], version["Arn"])
    assert got["LastUpdatedTimestamp"] >= created["LastUpdatedTimestamp"]
