"""The V2 part of the sandbox-only API, for a local core standing in for a V2 core device.

POST /_sandbox/greengrassv2/coreDevices/{thing}/status[?account=A&region=R]
     body: the nucleus's fleet-status message (see the README) -> {"applied": bool, "coreDevice": {...}}
GET  /_sandbox/greengrassv2/coreDevices/{thing}/status[?account=A&region=R]
     -> {"coreDevice": {...}, "components": [installed components, all of them]}
"""
from ..endpoints import ApiError, Plugin, body_of, route
from . import core_devices, health, state


def _where(request, thing_name, default_region):
    account, region = health.locate(thing_name, default_region)
    return request.args.get("account", account), request.args.get("region", region)


def plugin(lock, default_region):
    def status(request, match):
        thing_name = match.group(1)
        with lock:
            account, region = _where(request, thing_name, default_region)
            if request.method == "POST":
                try:
                    summary = health.report(thing_name, body_of(request), account, region)
                except core_devices.ReportError as exc:
                    raise ApiError(400, str(exc)) from None
                return {"applied": summary is not None,
                        "coreDevice": summary or core_devices.summary(state.of(account, region).core_devices[thing_name])}
            device = state.of(account, region).core_devices.get(thing_name)
            if device is None:
                raise ApiError(404, "core device %s has not reported" % thing_name)
            return {"coreDevice": dict(core_devices.summary(device), coreVersion=device.core_version),
                    "components": [{k: v for k, v in c.items() if v is not None} for c in device.components.values()]}

    return Plugin(routes=[route(None, r"/_sandbox/greengrassv2/coreDevices/([^/]+)/status", status)])
