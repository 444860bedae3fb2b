"""The Greengrass V2 service of the sandbox: every operation's handler, and which requests are V2's.

V2 shares V1's host and signing name (`greengrass`). A request is V2's when its
path starts with `/greengrass/v2/`, or it is `/tags/{arn}` with a V2 ARN.
AssociateServiceRoleToAccount, Get/UpdateConnectivityInfo and the other
operations V2 shares with V1 (same paths, same wire shapes) stay with the V1
additions. Calls are counted as `greengrassv2:<Operation>`.
"""
from urllib.parse import unquote

from ..restjson import RestJsonService, raw_path, scope_of
from . import arns, client_devices, components, core_devices, deployments, device_calls, tagging
from .errors import FAULTS

HANDLERS = {}
for _module in (components, deployments, core_devices, device_calls, client_devices, tagging):
    HANDLERS.update(_module.HANDLERS)


def claims(environ):
    if scope_of(environ)[2] != "greengrass":
        return False
    path = raw_path(environ)
    if path.startswith("/greengrass/v2/"):
        return True
    return path.startswith("/tags/") and arns.is_v2_resource(unquote(path[len("/tags/"):]))


def service(knobs, lock, account_of, default_region):
    return RestJsonService("greengrassv2", "greengrassv2", HANDLERS, knobs, lock, account_of, FAULTS, default_region)
