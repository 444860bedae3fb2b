"""The AWS-provided components gg deploys, pinned to one release that works together.

AWS resolves a deployment's components against every dependency range: most
AWS components pin the nucleus to a window of minor versions ("Greengrass
nucleus >=2.0.0 <2.17.0"), so a table of pins must come from one release line.
Left unpinned, a new device in the thing group would get whatever AWS
published last (AWS's own docs recommend pinning every public component).

This table is the only place versions live. Each entry records the nucleus
range AWS documents for that version (None: the component does not depend on
the nucleus), so `incompatible_with_nucleus()` can prove the set is coherent
in a test. `source` says where the pin was checked:

- "docs": the version and its dependency row were read in AWS's developer
  guide (component pages, dependency tables);
- "unverified": the version exists in AWS's release notes or docs but its
  dependency row was not found; confirm with
  `aws greengrassv2 describe-component --arn
  arn:aws:greengrass:REGION:aws:components:NAME:versions:VERSION` before
  changing the nucleus line.
"""
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

NUCLEUS = "aws.greengrass.Nucleus"
LAMBDA_LAUNCHER = "aws.greengrass.LambdaLauncher"
LAMBDA_MANAGER = "aws.greengrass.LambdaManager"
LAMBDA_RUNTIMES = "aws.greengrass.LambdaRuntimes"
TOKEN_EXCHANGE = "aws.greengrass.TokenExchangeService"
SUBSCRIPTION_ROUTER = "aws.greengrass.LegacySubscriptionRouter"
LOG_MANAGER = "aws.greengrass.LogManager"
SHADOW_MANAGER = "aws.greengrass.ShadowManager"
CLIENT_DEVICE_AUTH = "aws.greengrass.clientdevices.Auth"
MOQUETTE = "aws.greengrass.clientdevices.mqtt.Moquette"
MQTT_BRIDGE = "aws.greengrass.clientdevices.mqtt.Bridge"
IP_DETECTOR = "aws.greengrass.clientdevices.IPDetector"
SNS = "aws.greengrass.SNS"
KINESIS_FIREHOSE = "aws.greengrass.KinesisFirehose"


@dataclass(frozen=True)
class Pin:
    version: str
    nucleus: Optional[Tuple[str, str]]   # documented [low, high) nucleus range; None: no
    #                                      dependency, or not read ("unverified")
    source: str                          # "docs" or "unverified" (see module docstring)


NUCLEUS_VERSION = "2.16.1"

PINS: Dict[str, Pin] = {
    NUCLEUS: Pin(NUCLEUS_VERSION, None, "docs"),
    # Lambda support (the launcher and runtimes do not depend on the nucleus).
    LAMBDA_MANAGER: Pin("2.3.7", ("2.0.0", "2.17.0"), "docs"),
    LAMBDA_LAUNCHER: Pin("2.0.13", None, "unverified"),
    LAMBDA_RUNTIMES: Pin("2.0.9", None, "docs"),
    TOKEN_EXCHANGE: Pin("2.0.3", None, "docs"),
    # `component:NAME` sources and targets need the router 2.1.0 or later.
    SUBSCRIPTION_ROUTER: Pin("2.1.15", ("2.0.0", "2.17.0"), "docs"),
    # released with nucleus 2.16.0 (AWS's document history); ranges not read
    LOG_MANAGER: Pin("2.3.11", None, "unverified"),
    SHADOW_MANAGER: Pin("2.3.12", None, "unverified"),
    # client devices (greengo's Devices:)
    CLIENT_DEVICE_AUTH: Pin("2.5.4", None, "unverified"),
    MOQUETTE: Pin("2.3.7", None, "unverified"),
    MQTT_BRIDGE: Pin("2.3.2", None, "unverified"),
    IP_DETECTOR: Pin("2.2.1", None, "unverified"),
    # V1 connectors that have a V2 component (Lambda components, 2.1.x line)
    SNS: Pin("2.1.13", None, "unverified"),
    KINESIS_FIREHOSE: Pin("2.1.13", None, "unverified"),
}

# What gg's own components require of these (npm-style ranges, as recipes take them).
ROUTER_REQUIREMENT = ">=2.1.0 <3.0.0"


def pinned_version(name: str) -> str:
    """The version gg deploys of an AWS-provided component (KeyError for one gg does not pin)."""
    return PINS[name].version


def is_public(name: str) -> bool:
    return name in PINS


def _key(version):
    return tuple(int(p) for p in version.split("."))


def incompatible_with_nucleus(nucleus_version: str = NUCLEUS_VERSION):
    """Names of pinned components whose documented nucleus range excludes `nucleus_version`."""
    have = _key(nucleus_version)
    return sorted(name for name, pin in PINS.items()
                  if pin.nucleus and not _key(pin.nucleus[0]) <= have < _key(pin.nucleus[1]))
