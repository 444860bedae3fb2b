"""Tags on create for groups and every definition kind; tag_resource, untag_resource, list_tags_for_resource."""
import pytest
from botocore.exceptions import ClientError

from sandbox_helpers import CONNECTOR_ARN, error_of

TAGS = {"app": "edge-ml", "gg:managed-by": "gg"}
INITIAL = {
    "core": {"Cores": []},
    "device": {"Devices": []},
    "function": {"Functions": []},
    "resource": {"Resources": []},
    "subscription": {"Subscriptions": [{"Id": "s", "Source": "cloud", "Subject": "t/#", "Target": "GGShadowService"}]},
    "logger": {"Loggers": [{"Component": "Lambda", "Id": "l", "Level": "INFO", "Type": "FileSystem", "Space": 64}]},
    "connector": {"Connectors": [{"ConnectorArn": CONNECTOR_ARN, "Id": "c"}]},
}


@pytest.mark.parametrize("kind", sorted(INITIAL))
def test_tags_on_definition_create(gg, kind):
    K = kind.capitalize()
    created = getattr(gg, "create_%s_definition" % kind)(Name="tagged", InitialVersion=INITIAL[kind], tags=TAGS)
    assert gg.list_tags_for_resource(ResourceArn=created["Arn"])["tags"] == TAGS
    got = getattr(gg, "get_%s_definition" % kind)(**{K + "DefinitionId": created["Id"]})
    assert got["tags"] == TAGS
    listed = {d["Id"]: d for d in getattr(gg, "list_%s_definitions" % kind)()["Definitions"]}
    assert listed[created["Id"]]["Tags"] == TAGS


def test_tag_untag_list_on_group(gg):
    group = gg.create_group(Name="tags", tags={"a": "1"})
    assert gg.get_group(GroupId=group["Id"])["tags"] == {"a": "1"}
    answer = gg.tag_resource(ResourceArn=group["Arn"], tags={"b": "2", "a": "one"})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert gg.list_tags_for_resource(ResourceArn=group["Arn"])["tags"] == {"a": "one", "b": "2"}
    gg.untag_resource(ResourceArn=group["Arn"], TagKeys=["a", "missing"])
    assert gg.list_tags_for_resource(ResourceArn=group["Arn"])["tags"] == {"b": "2"}


def test_untagged_resource_lists_empty(gg):
    group = gg.create_group(Name="plain")
    assert gg.list_tags_for_resource(ResourceArn=group["Arn"])["tags"] == {}
    assert "tags" not in gg.get_group(GroupId=group["Id"])


def test_tags_on_unknown_resource(gg):
    arn = "arn:aws:greengrass:us-east-1:123456789012:greengrass/groups/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as exc:
        gg.tag_resource(ResourceArn=arn, tags={"a": "b"})
    assert error_of(exc)[:2] == ("BadRequestException", 400)


def test_reserved_tag_keys_rejected(gg):
    with pytest.raises(ClientError) as exc:
        gg.create_group(Name="bad-tags", tags={"aws:internal": "x"})
    assert error_of(exc)[:2] == ("BadRequestException", 400)
