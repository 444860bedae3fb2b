"""The core device's nucleus configuration (`<key_path>/<core>.config.yaml`), written on this machine as a
plan step (never to AWS), beside the core's key (0600) and certificate.

Against AWS it names the account's ATS data and credentials endpoints (DescribeEndpoint) and
device paths under /greengrass/v2, where the files of the key folder are copied. Against a gg
sandbox it names the sandbox: its MQTT broker as the data endpoint (and port), its URL as the
Greengrass data-plane and credentials endpoint, and the files by their bare names beside it,
which is how gg's local V2 core (gg_manager/core/v2/device_config.py) reads it. Written when the
core's key is on this machine (or this apply makes it), so a CI runner without keys writes none.
"""
from urllib.parse import urlparse

from gg_manager.core.endpoint import sandbox_health
from gg_manager.plan.model import Change
from gg_manager.plan.operations import read
from gg_manager.provision import certs
from gg_manager.targets.v2.nucleus_config import config_yaml_bytes, nucleus_config, write_nucleus_config


def endpoints(ctx) -> dict:
    """{data, cred, port, data_plane, local}: where a core of this account connects."""
    health = sandbox_health(ctx.endpoint_url) if ctx.endpoint_url else None
    if health:
        url = urlparse(ctx.endpoint_url)
        return {"data": health.get("mqtt_host") or url.hostname, "port": int(health.get("mqtt_port") or 1883),
                "cred": url.netloc, "data_plane": ctx.endpoint_url, "local": True}
    data = read(ctx, "iot:DescribeEndpoint", endpointType="iot:Data-ATS")["endpointAddress"]
    cred = read(ctx, "iot:DescribeEndpoint", endpointType="iot:CredentialProvider")["endpointAddress"]
    return {"data": data, "port": 8883, "cred": cred, "data_plane": ctx.endpoint_url or "", "local": False}


def device_config(group, region, found) -> dict:
    paths = certs.core_cert_paths(group.core.certs_dir, group.core.thing)
    return nucleus_config(group.core.thing, region, group.role_alias, found["data"], found["cred"],
                          paths.cert_file, paths.key_file, paths.ca_file, mqtt_port=found["port"],
                          data_plane_endpoint=found["data_plane"], device_paths=not found["local"])


def config_change(group, region, found, key_here, current, certificate_made_here):
    """[the change writing config.yaml] when the core's key is (or will be) here and the file differs."""
    if not (key_here or certificate_made_here) or not found:
        return []
    config = device_config(group, region, found)
    if current == config_yaml_bytes(config):
        return []
    change = Change("update" if current is not None else "create", "device config", group.config_file,
                    fields=["nucleus config.yaml for %s, beside its key in %s" % (group.core.thing,
                                                                                  group.core.certs_dir)],
                    after=config)
    change.add("local:WriteNucleusConfig", {"path": group.config_file, "config": config})
    return [change]


def write_config(path, config):
    """local:WriteNucleusConfig: config.yaml, atomically, 0644 (it holds no secret)."""
    write_nucleus_config(path, config)
    return {}


LOCAL_HANDLERS = {"local:WriteNucleusConfig": write_config}
