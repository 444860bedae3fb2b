"""What `gg core run` needs from config/config.json and the command line."""
import json
import os
from dataclasses import dataclass
from typing import Optional

from gg_manager.core.endpoint import sandbox_health
from gg_manager.errors import GGError


@dataclass(frozen=True)
class CoreConfig:
    thing_arn: str
    thing_name: str
    region: str
    account: str
    iot_host: str
    ca_path: Optional[str]
    cert_path: Optional[str]
    key_path: Optional[str]
    endpoint_url: Optional[str]  # None: the AWS endpoints of `region`
    sandbox: Optional[dict]      # /_sandbox/health answer when the endpoint is a gg sandbox


def _certs_dir(config_path):
    """Certificates live in ../certs next to config/ (as in /greengrass/{config,certs})."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(config_path))), "certs")


def _cert_file(certs_dir, name):
    if not name:
        return None
    return name if os.path.isabs(name) else os.path.join(certs_dir, name)


def parse_thing_arn(arn):
    parts = (arn or "").split(":", 5)
    if len(parts) != 6 or parts[2] != "iot" or not parts[5].startswith("thing/"):
        raise GGError("config.json: coreThing.thingArn %r is not an IoT thing ARN "
                      "(arn:aws:iot:REGION:ACCOUNT:thing/NAME)" % (arn,))
    return parts[3], parts[4], parts[5][len("thing/"):]


def load_config(path, endpoint_url=None):
    try:
        with open(path) as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise GGError("%s not found: run `gg create` first, or pass --config" % path) from None
    except ValueError as exc:
        raise GGError("%s is not valid JSON: %s" % (path, exc)) from None
    core = data.get("coreThing") if isinstance(data, dict) else None
    if not isinstance(core, dict) or not core.get("thingArn"):
        raise GGError("%s: coreThing.thingArn is missing" % path)
    region, account, name = parse_thing_arn(core["thingArn"])
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    certs = _certs_dir(path)
    return CoreConfig(
        thing_arn=core["thingArn"], thing_name=name, region=region, account=account,
        iot_host=core.get("iotHost", ""), ca_path=_cert_file(certs, core.get("caPath")),
        cert_path=_cert_file(certs, core.get("certPath")), key_path=_cert_file(certs, core.get("keyPath")),
        endpoint_url=endpoint_url, sandbox=sandbox_health(endpoint_url))
