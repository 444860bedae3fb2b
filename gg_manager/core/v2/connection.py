"""A V2 core device wired to AWS or to a gg sandbox: boto3 clients, the MQTT bridge, the device client.

make_core(...) is what `gg core run` calls for a V2 target. With a sandbox endpoint the
clients use the sandbox's URL (dummy credentials when none are set) and the bridge its MQTT
broker; against AWS the jobs data plane's endpoint comes from iot DescribeEndpoint (iot:Jobs)
and the broker is the account's IoT data endpoint over TLS with the device certificate.
"""
from dataclasses import dataclass
from typing import Optional

from .aws_client import AwsDeviceClient
from .device import CoreDevice
from .emulated import BUILTIN_VERSIONS, NUCLEUS
from .platform import detect
from .shared import CloudBridge


@dataclass(frozen=True)
class DeviceConnection:
    """Where this device's cloud is. The MQTT fields are the ones the shared CloudBridge reads."""
    thing_name: str
    region: str
    endpoint_url: Optional[str] = None     # None: AWS's endpoints of `region`
    sandbox: Optional[dict] = None         # the sandbox's /_sandbox/health answer (mqtt_host, mqtt_port)
    iot_host: str = ""                     # the IoT data endpoint (AWS)
    ca_path: Optional[str] = None
    cert_path: Optional[str] = None
    key_path: Optional[str] = None


class Clients:
    """boto3 clients on demand, one per service."""

    def __init__(self, connection):
        self.connection = connection
        self._clients = {}

    def _kwargs(self):
        import os

        kwargs = {"region_name": self.connection.region}
        if self.connection.endpoint_url:
            kwargs["endpoint_url"] = self.connection.endpoint_url
        if self.connection.sandbox and not os.environ.get("AWS_ACCESS_KEY_ID"):
            kwargs.update(aws_access_key_id="testing", aws_secret_access_key="testing")
        return kwargs

    def __call__(self, service):
        import boto3

        if service not in self._clients:
            kwargs = self._kwargs()
            if service == "iot-jobs-data" and "endpoint_url" not in kwargs:
                found = self("iot").describe_endpoint(endpointType="iot:Jobs")["endpointAddress"]
                kwargs["endpoint_url"] = "https://" + found
            self._clients[service] = boto3.client(service, **kwargs)
        return self._clients[service]


def make_core(connection, root, mqtt=True, **options):
    """A CoreDevice for this connection (options: python, ready_timeout, settle_timeout, device_platform...)."""
    device_platform = options.pop("device_platform", None) or detect()
    holder = {}

    def bridge(on_message):
        holder["bridge"] = CloudBridge(connection, on_message, client_id=connection.thing_name)
        return holder["bridge"]

    def publish(topic, payload):
        if "bridge" in holder:
            holder["bridge"].publish(topic, payload)

    client = AwsDeviceClient(Clients(connection), connection.thing_name, publish if mqtt else None,
                             {"nucleus_version": BUILTIN_VERSIONS[NUCLEUS], "platform": device_platform["os"],
                              "architecture": device_platform["architecture"]})
    return CoreDevice(client, root, connection.thing_name, connection.region, cloud_factory=bridge if mqtt else None,
                      device_platform=device_platform, root_ca_path=connection.ca_path, **options)
