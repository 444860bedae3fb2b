"""Connectivity info and the account service role, over real HTTP."""
import pytest
from botocore.exceptions import ClientError

from sandbox_helpers import ISO, error_of

INFO = [{"HostAddress": "192.168.1.20", "Id": "lan", "Metadata": "", "PortNumber": 8883},
        {"HostAddress": "127.0.0.1", "Id": "local", "Metadata": "loopback", "PortNumber": 443}]


def test_connectivity_info_round_trip(gg, sandbox):
    thing = sandbox.unique_name("core_thing:x")
    answer = gg.update_connectivity_info(ThingName=thing, ConnectivityInfo=INFO)
    assert answer["Version"] and isinstance(answer["Message"], str)
    assert gg.get_connectivity_info(ThingName=thing)["ConnectivityInfo"] == INFO
    second = gg.update_connectivity_info(ThingName=thing, ConnectivityInfo=INFO[:1])
    assert second["Version"] != answer["Version"]
    assert gg.get_connectivity_info(ThingName=thing)["ConnectivityInfo"] == INFO[:1]


def test_connectivity_info_of_iot_thing_without_info_is_empty(gg, sandbox):
    thing = sandbox.unique_name("thing")
    sandbox.boto3_client("iot").create_thing(thingName=thing)
    assert gg.get_connectivity_info(ThingName=thing)["ConnectivityInfo"] == []


def test_connectivity_info_of_unknown_thing(gg):
    with pytest.raises(ClientError) as exc:
        gg.get_connectivity_info(ThingName="no-such-thing")
    assert error_of(exc)[:2] == ("BadRequestException", 400)


def test_connectivity_info_is_validated(gg):
    with pytest.raises(ClientError) as exc:
        gg.update_connectivity_info(ThingName="t", ConnectivityInfo=[{"Id": "x", "PortNumber": 8883}])
    assert error_of(exc)[:2] == ("BadRequestException", 400)


def test_service_role(sandbox):
    gg = sandbox.boto3_client("greengrass", region="eu-west-1", retries=0)  # own region: own role
    with pytest.raises(ClientError) as exc:
        gg.get_service_role_for_account()
    assert error_of(exc)[:2] == ("BadRequestException", 400)
    role = "arn:aws:iam::123456789012:role/service-role/Greengrass_ServiceRole"
    associated = gg.associate_service_role_to_account(RoleArn=role)
    assert ISO.match(associated["AssociatedAt"])
    got = gg.get_service_role_for_account()
    assert got["RoleArn"] == role and got["AssociatedAt"] == associated["AssociatedAt"]
    assert ISO.match(gg.disassociate_service_role_from_account()["DisassociatedAt"])
    with pytest.raises(ClientError):
        gg.get_service_role_for_account()


def test_service_role_arn_is_checked(gg):
    with pytest.raises(ClientError) as exc:
        gg.associate_service_role_to_account(RoleArn="arn:aws:s3:::bucket")
    assert error_of(exc)[:2] == ("BadRequestException", 400)
