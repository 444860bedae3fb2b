"""Client devices associated with a core device (how greengo Devices map to V2):
BatchAssociateClientDeviceWithCoreDevice, BatchDisassociateClientDeviceFromCoreDevice,
ListClientDevicesAssociatedWithCoreDevice.

The core device must be an IoT thing; each client device must be one too, else
that entry comes back in `errorEntries` (ResourceNotFoundException), as AWS does.
"""
from collections import OrderedDict

from . import arns, state
from .common import now, page
from .errors import not_found, validation


def _core(ctx, thing_name):
    iot = state.iot_backend(ctx.account, ctx.region)
    if not any(t.thing_name == thing_name for t in iot.things.values()):
        raise not_found("Thing %s does not exist." % thing_name, arns.thing(ctx.region, ctx.account, thing_name),
                        "THING")
    return iot


def _entries(params):
    entries = params.get("entries") or []
    if not entries or len(entries) > 100:
        raise validation("entries must hold 1 to 100 client devices.")
    return [e.get("thingName") for e in entries]


def batch_associate(ctx, params):
    core = params["coreDeviceThingName"]
    iot = _core(ctx, core)
    known = {t.thing_name for t in iot.things.values()}
    associated = state.of_ctx(ctx).client_devices.setdefault(core, OrderedDict())
    errors = []
    for name in _entries(params):
        if name not in known:
            errors.append({"thingName": name, "code": "ResourceNotFoundException",
                           "message": "Thing %s does not exist." % name})
        else:
            associated.setdefault(name, now())
    return {"errorEntries": errors}


def batch_disassociate(ctx, params):
    core = params["coreDeviceThingName"]
    _core(ctx, core)
    associated = state.of_ctx(ctx).client_devices.get(core, {})
    errors = []
    for name in _entries(params):
        if associated.pop(name, None) is None:
            errors.append({"thingName": name, "code": "ResourceNotFoundException",
                           "message": "Client device %s is not associated with %s." % (name, core)})
    return {"errorEntries": errors}


def list_associated(ctx, params):
    core = params["coreDeviceThingName"]
    _core(ctx, core)
    items = [{"thingName": n, "associationTimestamp": t}
             for n, t in state.of_ctx(ctx).client_devices.get(core, {}).items()]
    found, token = page(items, params)
    return {"associatedClientDevices": found or None, "nextToken": token}


HANDLERS = {
    "BatchAssociateClientDeviceWithCoreDevice": batch_associate,
    "BatchDisassociateClientDeviceFromCoreDevice": batch_disassociate,
    "ListClientDevicesAssociatedWithCoreDevice": list_associated,
}
