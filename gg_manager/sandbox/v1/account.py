"""Connectivity info of cores and the account's Greengrass service role.

- get/update_connectivity_info: kept per thing name. A thing with no info yet
  answers an empty list when it exists in the sandbox's IoT, BadRequestException
  otherwise.
- associate/get/disassociate_service_role_to_account: one role per account and
  region (as in AWS); the ARN must look like an IAM role ARN.
"""
import json
import re

from moto.core.utils import utcnow
from moto.greengrass.responses import GreengrassResponse
from moto.moto_api._internal import mock_random

from .common import iso, json_body, now_iso, store, uri_param
from .errors import BadRequestException

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$")


def _thing_exists(backend, thing_name):
    try:
        from moto.iot.models import iot_backends

        return thing_name in {t.thing_name for t in iot_backends[backend.account_id][backend.region_name].things.values()}
    except Exception:  # noqa: BLE001 - IoT not usable: be lenient
        return False


def _validate_connectivity(items):
    if not isinstance(items, list):
        raise BadRequestException("ConnectivityInfo must be a list.")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("HostAddress"):
            raise BadRequestException("ConnectivityInfo[%d].HostAddress is required." % i)
        port = item.get("PortNumber")
        if port is not None and not (isinstance(port, int) and 0 < port < 65536):
            raise BadRequestException("ConnectivityInfo[%d].PortNumber must be 1-65535." % i)
    return items


def get_connectivity_info(self):
    thing_name = uri_param(self, "ThingName", -2)
    known = store(self.greengrass_backend, "connectivity")
    if thing_name not in known:
        if not _thing_exists(self.greengrass_backend, thing_name):
            raise BadRequestException("Thing %s is not found or has no connectivity information." % thing_name)
        return json.dumps({"ConnectivityInfo": []})
    return json.dumps({"ConnectivityInfo": known[thing_name]["items"]})


def update_connectivity_info(self):
    thing_name = uri_param(self, "ThingName", -2)
    items = _validate_connectivity(json_body(self).get("ConnectivityInfo", []))
    version = str(mock_random.uuid4())
    store(self.greengrass_backend, "connectivity")[thing_name] = {"items": items, "version": version}
    return json.dumps({"message": "Connectivity info of %s updated" % thing_name, "Version": version})


def associate_service_role_to_account(self):
    role_arn = json_body(self).get("RoleArn")
    if not role_arn or not ROLE_ARN.match(role_arn):
        raise BadRequestException("RoleArn must be an IAM role ARN, got %r." % role_arn)
    role = {"RoleArn": role_arn, "AssociatedAt": iso(utcnow())}
    store(self.greengrass_backend, "account")["service_role"] = role
    return json.dumps({"AssociatedAt": role["AssociatedAt"]})


def get_service_role_for_account(self):
    role = store(self.greengrass_backend, "account").get("service_role")
    if role is None:
        raise BadRequestException("You need to attach an IAM role to this account.")
    return json.dumps(role)


def disassociate_service_role_from_account(self):
    store(self.greengrass_backend, "account").pop("service_role", None)
    return json.dumps({"DisassociatedAt": now_iso()})


def install():
    for func in (get_connectivity_info, update_connectivity_info, associate_service_role_to_account,
                 get_service_role_for_account, disassociate_service_role_from_account):
        setattr(GreengrassResponse, func.__name__, func)
