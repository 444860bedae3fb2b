"""Core devices' status reports, as the nucleus sends them, on MQTT or the sandbox API.

The nucleus publishes its fleet status to `$aws/things/<thing>/greengrassv2/health/json`;
the sandbox subscribes to that topic on its own broker. The same JSON can be
posted to `/_sandbox/greengrassv2/coreDevices/<thing>/status` (sandbox_api.py),
which answers whether it was applied. The account and region are those of the
IoT thing (the first account/region holding a thing of that name), else the
sandbox's default account and region.
"""
import json
import logging

from . import core_devices, state

TOPIC = "$aws/things/+/greengrassv2/health/json"
DEFAULT_ACCOUNT = "123456789012"
LOG = logging.getLogger("sandbox.greengrassv2")


def locate(thing_name, default_region):
    """(account, region) where `thing_name` is an IoT thing; else the defaults."""
    from moto.iot.models import iot_backends

    for account, regions in list(iot_backends.items()):
        for region, backend in list(regions.items()):
            if any(t.thing_name == thing_name for t in backend.things.values()):
                return account, region
    return DEFAULT_ACCOUNT, default_region


def report(thing_name, payload, account, region):
    """Apply one report; returns the core device's summary (or None when it was older than the last)."""
    st = state.of(account, region)
    device = core_devices.apply_report(st, region, account, thing_name, payload)
    return None if device is None else core_devices.summary(device)


def subscriber(lock, default_region):
    """An MQTT handler for TOPIC: decode, find the account/region, apply under the sandbox's lock."""
    def on_message(topic, payload):
        thing_name = topic.split("/")[2]
        try:
            data = json.loads(payload)
        except ValueError:
            LOG.warning("status report on %s is not JSON; ignored", topic)
            return
        with lock:
            account, region = locate(thing_name, default_region)
            try:
                report(thing_name, data, account, region)
            except core_devices.ReportError as exc:
                LOG.warning("status report on %s ignored: %s", topic, exc)
    return on_message
