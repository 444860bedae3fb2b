"""The V2 core device's `config.yaml`: what the Greengrass nucleus needs to start as this core.

Layout as in AWS's manual-provisioning guide (and the nucleus's
DeviceConfiguration): `system` holds the certificate, key and root CA paths on
the device, the root path and the thing name; `services.aws.greengrass.Nucleus`
declares the nucleus (componentType NUCLEUS, version) and its configuration:
region, role alias, the ATS data endpoint and the credentials endpoint, MQTT
port, `interpolateComponentConfiguration: true` (so a Lambda component's volume
may name its model component's folder, model_component.py), and optionally the
Greengrass data-plane endpoint (empty: AWS's global one; a URL, e.g. a sandbox).
Paths are device paths under `root` (default /greengrass/v2), where the files
of `certs/` are copied; with `device_paths=False` (a core on this machine, as
against a sandbox) they are the bare file names, which gg's local core reads
relative to the config file's own folder, and there is no root path (the local
core's work folder is its own). The file holds no secret (mode 0644, written
beside the keys).
"""
import os

import yaml

from gg_manager.errors import GGError
from gg_manager.provision.certs import ROOT_CA_FILE, write_private
from gg_manager.targets.v2.public_components import NUCLEUS, NUCLEUS_VERSION

DEVICE_ROOT = "/greengrass/v2"
CONFIG_FILE = "config.yaml"
MQTT_PORTS = (8883, 443)


def nucleus_config(thing: str, region: str, role_alias: str, data_endpoint: str,
                   cred_endpoint: str, cert_file: str, key_file: str, ca_file: str = ROOT_CA_FILE,
                   root: str = DEVICE_ROOT, nucleus_version: str = NUCLEUS_VERSION,
                   mqtt_port: int = 8883, data_plane_endpoint: str = "", device_paths: bool = True) -> dict:
    """config.yaml contents as a dict (see `config_yaml_bytes`).

    `cert_file`, `key_file`, `ca_file` are file names inside `root` on the device.
    `data_endpoint`: describe_endpoint(endpointType='iot:Data-ATS');
    `cred_endpoint`: describe_endpoint(endpointType='iot:CredentialProvider').
    """
    for label, name in (("cert_file", cert_file), ("key_file", key_file), ("ca_file", ca_file)):
        if not name or "/" in name:
            raise GGError("config.yaml: %s must be a file name inside %s, got %r" % (label, root, name))
    if not root.startswith("/"):
        raise GGError("config.yaml: the device root path must be absolute, got %r" % root)
    _check_endpoints(data_endpoint, cred_endpoint)
    if mqtt_port not in MQTT_PORTS and _on_aws(data_endpoint):
        raise GGError("config.yaml: the MQTT port is 8883 or 443, got %r" % (mqtt_port,))
    base = root.rstrip("/")
    configuration = {"awsRegion": region, "iotRoleAlias": role_alias,
                     "iotDataEndpoint": data_endpoint, "iotCredEndpoint": cred_endpoint,
                     "mqtt": {"port": mqtt_port}, "interpolateComponentConfiguration": True}
    if data_plane_endpoint:
        configuration["greengrassDataPlaneEndpoint"] = data_plane_endpoint
    place = (lambda name: "%s/%s" % (base, name)) if device_paths else (lambda name: name)
    system = {"certificateFilePath": place(cert_file), "privateKeyPath": place(key_file),
              "rootCaPath": place(ca_file), "rootpath": base, "thingName": thing}
    if not device_paths:
        del system["rootpath"]
    return {"system": system, "services": {NUCLEUS: {"componentType": "NUCLEUS", "version": nucleus_version,
                                                     "configuration": configuration}}}


def _on_aws(host):
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


def _check_endpoints(data_endpoint, cred_endpoint):
    if not data_endpoint or not cred_endpoint:
        raise GGError("config.yaml: both the IoT data and credentials endpoints are needed")
    if data_endpoint.endswith((".amazonaws.com", ".amazonaws.com.cn")) \
            and "-ats.iot." not in data_endpoint:
        raise GGError("config.yaml: iotDataEndpoint %s is not an ATS endpoint; use "
                      "describe_endpoint(endpointType='iot:Data-ATS')" % data_endpoint)
    if cred_endpoint.endswith((".amazonaws.com", ".amazonaws.com.cn")) \
            and ".credentials.iot." not in cred_endpoint:
        raise GGError("config.yaml: iotCredEndpoint %s is not a credentials endpoint; use "
                      "describe_endpoint(endpointType='iot:CredentialProvider')" % cred_endpoint)


def config_yaml_bytes(config: dict) -> bytes:
    """Stable YAML text of the config: same dict, same bytes."""
    return yaml.safe_dump(config, sort_keys=False, default_flow_style=False).encode("utf-8")


def write_nucleus_config(path, config: dict):
    """Write config.yaml atomically, mode 0644 (no secret in it), creating its folder 0700."""
    write_private(path, config_yaml_bytes(config))
    os.chmod(path, 0o644)
    return path
