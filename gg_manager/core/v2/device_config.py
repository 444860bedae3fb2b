"""A V2 core device's config.yaml, in the nucleus's own format, read into a DeviceConnection.

    system:
      thingName: core-1
      rootpath: /greengrass/v2            # optional here; `gg core run --work-dir` wins
      certificateFilePath: device.pem.crt # relative paths are relative to the file's folder
      privateKeyPath: private.pem.key
      rootCaPath: AmazonRootCA1.pem
    services:
      aws.greengrass.Nucleus:
        configuration:
          awsRegion: eu-west-1
          iotDataEndpoint: xxxx-ats.iot.eu-west-1.amazonaws.com
          iotRoleAlias: ...                # read by AWS's credentials provider; not used here
          greengrassDataPlaneEndpoint: http://127.0.0.1:4566   # a URL: where the AWS calls go (a sandbox)
Problems are one-line GGErrors naming the file and the key. This is the file `gg apply` writes
for a V2 core (gg_manager/targets/v2/device_files.py: `<key_path>/<core>.config.yaml`, the key,
certificate and root CA beside it under their bare names when gg talks to a sandbox).
"""
import os

import yaml

from gg_manager.errors import GGError

from .connection import DeviceConnection
from .shared import sandbox_health

NUCLEUS = "aws.greengrass.Nucleus"


def _section(data, path, where):
    node = data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise GGError("%s: %s must be a mapping" % (where, ".".join(path)))
    return node


def _file(value, folder):
    if not value:
        return None
    value = str(value)
    return value if os.path.isabs(value) else os.path.join(folder, value)


def load_device_config(path, endpoint_url=None):
    """(DeviceConnection, rootpath or None) from a nucleus config.yaml; endpoint_url/AWS_ENDPOINT_URL pick a sandbox."""
    try:
        with open(path) as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise GGError("%s not found: run `gg create` first, or pass --config" % path) from None
    except (OSError, yaml.YAMLError) as exc:
        raise GGError("%s is not readable YAML: %s" % (path, str(exc).splitlines()[0])) from None
    if not isinstance(data, dict):
        raise GGError("%s: must be a mapping with `system` and `services`" % path)
    system = _section(data, ("system",), path)
    nucleus = _section(data, ("services", NUCLEUS, "configuration"), path)
    thing = system.get("thingName")
    if not thing or not isinstance(thing, str):
        raise GGError("%s: system.thingName is missing" % path)
    region = nucleus.get("awsRegion") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise GGError("%s: services.%s.configuration.awsRegion is missing (or set AWS_REGION)" % (path, NUCLEUS))
    folder = os.path.dirname(os.path.abspath(path))
    endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or _url(nucleus.get("greengrassDataPlaneEndpoint"))
    connection = DeviceConnection(
        thing_name=thing, region=str(region), endpoint_url=endpoint_url, sandbox=sandbox_health(endpoint_url),
        iot_host=str(nucleus.get("iotDataEndpoint") or ""),
        ca_path=_file(system.get("rootCaPath"), folder), cert_path=_file(system.get("certificateFilePath"), folder),
        key_path=_file(system.get("privateKeyPath"), folder))
    return connection, system.get("rootpath")


def _url(value):
    """greengrassDataPlaneEndpoint when it is a URL (a sandbox's), else None (AWS's endpoints)."""
    value = str(value or "")
    return value if value.startswith(("http://", "https://")) else None
