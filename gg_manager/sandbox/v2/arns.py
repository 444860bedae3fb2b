"""Greengrass V2 and IoT ARNs: build and take apart (no moto)."""
import re

COMPONENT = re.compile(r"^arn:(aws[a-z-]*):greengrass:([a-z0-9-]+):(aws|\d{12}):components:([^:]+)$")
COMPONENT_VERSION = re.compile(r"^arn:(aws[a-z-]*):greengrass:([a-z0-9-]+):(aws|\d{12}):components:([^:]+)"
                               r":versions:([^:]+)$")
V2_RESOURCE = re.compile(r"^arn:[^:]*:greengrass:[^:]*:(aws|[0-9]+):(components|deployments|coreDevices):.*$")
TARGET = re.compile(r"^arn:(aws[a-z-]*):iot:([a-z0-9-]+):(\d{12}):(thing|thinggroup)/([a-zA-Z0-9:_-]{1,128})$")
PUBLIC_ACCOUNT = "aws"


def partition(region):
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def component(region, account, name):
    return "arn:%s:greengrass:%s:%s:components:%s" % (partition(region), region, account, name)


def component_version(region, account, name, version):
    return "%s:versions:%s" % (component(region, account, name), version)


def deployment(region, account, deployment_id):
    return "arn:%s:greengrass:%s:%s:deployments:%s" % (partition(region), region, account, deployment_id)


def core_device(region, account, thing_name):
    return "arn:%s:greengrass:%s:%s:coreDevices:%s" % (partition(region), region, account, thing_name)


def configuration(region, account, target_arn, revision):
    """The configurationArn of a deployment revision (the nucleus reads the target's name from it)."""
    kind, name = parse_target(target_arn)[3:]
    return "arn:%s:greengrass:%s:%s:configuration:%s/%s:%s" % (partition(region), region, account, kind, name,
                                                                 revision)


def thing(region, account, name):
    return "arn:%s:iot:%s:%s:thing/%s" % (partition(region), region, account, name)


def parse_target(arn):
    """(partition, region, account, 'thing'|'thinggroup', name) or None."""
    match = TARGET.match(arn or "")
    return match.groups() if match else None


def is_v2_resource(arn):
    return bool(V2_RESOURCE.match(arn or ""))
