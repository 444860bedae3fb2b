"""The AWS-provided (PUBLIC) components the sandbox knows: those a Lambda app and greengo Devices need.

Their recipes here carry what a deployment resolves and configures: name,
version, type, dependencies and the default configuration keys AWS documents;
they have no artifacts, since the local core provides these components itself.
Versions are recent public versions, and always every version gg deploys: the
one table of those is gg_manager/targets/v2/public_components.PINS, merged in
here (`versions_of`). The ARNs use the account `aws`, as AWS's.
"""
from gg_manager.targets.v2.public_components import PINS

from . import arns
from .state import ComponentVersion

NUCLEUS = ">=2.0.0 <2.17.0"     # the window AWS documents for the components of gg's release line
SEED_TIME = 1_700_000_000.0  # a fixed creationTimestamp for every seeded version

# name: (versions, component type, description, {dependency: (requirement, type)}, default configuration)
CATALOG = {
    "aws.greengrass.Nucleus": (
        ("2.12.6", "2.13.0", "2.14.3", "2.15.0"), "aws.greengrass.nucleus", "Core functionality for device side orchestration of deployments and lifecycle management for execution of Greengrass components and applications.",
        {}, {"awsRegion": "", "iotRoleAlias": "", "iotDataEndpoint": "", "iotCredEndpoint": "",
             "mqtt": {"port": 8883}, "logging": {"level": "INFO", "format": "TEXT"}}),
    "aws.greengrass.TokenExchangeService": (
        ("2.0.3",), "aws.greengrass.plugin", "Makes AWS credentials available to components (the core's token exchange role).",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")}, {"port": 0}),
    "aws.greengrass.LambdaLauncher": (
        ("2.0.12", "2.0.13"), "aws.greengrass.generic", "Starts and stops AWS Lambda functions on the core.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")}, {}),
    "aws.greengrass.LambdaManager": (
        ("2.3.4", "2.3.5"), "aws.greengrass.plugin", "Handles IPC and scaling for AWS Lambda functions.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")}, {"getResultTimeoutInSecond": "60"}),
    "aws.greengrass.LambdaRuntimes": (
        ("2.0.8",), "aws.greengrass.generic", "Runtimes for AWS Lambda functions.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")}, {}),
    "aws.greengrass.LegacySubscriptionRouter": (
        ("2.0.3", "2.1.13"), "aws.greengrass.generic", "Routes V1-style subscriptions between Lambda functions and the cloud.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")}, {"subscriptions": {}}),
    "aws.greengrass.LogManager": (
        ("2.3.9",), "aws.greengrass.plugin", "Uploads logs from the core device to Amazon CloudWatch Logs.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")},
        {"logsUploaderConfiguration": {"systemLogsConfiguration": {"uploadToCloudWatch": "false"},
                                       "componentLogsConfigurationMap": {}},
         "periodicUploadIntervalSec": 300, "deprecatedVersionSupport": "true"}),
    "aws.greengrass.ShadowManager": (
        ("2.3.10",), "aws.greengrass.plugin", "Keeps device shadows on the core and syncs them with AWS IoT Core.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")},
        {"strategy": {"type": "realTime"}, "synchronize": {"coreThing": {"classic": True, "namedShadows": []},
                                                           "shadowDocuments": [], "direction": "betweenDeviceAndCloud"},
         "rateLimits": {"maxOutboundSyncUpdatesPerSecond": 100, "maxTotalLocalRequestsRate": 200,
                        "maxLocalRequestsPerSecondPerThing": 20},
         "shadowDocumentSizeLimitBytes": 8192}),
    "aws.greengrass.clientdevices.Auth": (
        ("2.5.3",), "aws.greengrass.plugin", "Authenticates and authorizes client devices connecting to the core.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")}, {"deviceGroups": {"formatVersion": "2021-03-05",
                                                                         "definitions": {}, "policies": {}}}),
    "aws.greengrass.clientdevices.mqtt.Moquette": (
        ("2.3.7",), "aws.greengrass.generic", "A local MQTT broker (Moquette) for client devices.",
        {"aws.greengrass.clientdevices.Auth": (">=2.0.0 <3.0.0", "HARD")}, {"moquette": {"ssl_port": "8883"}}),
    "aws.greengrass.clientdevices.mqtt.EMQX": (
        ("2.0.2",), "aws.greengrass.generic", "A local MQTT broker (EMQX) for client devices.",
        {"aws.greengrass.clientdevices.Auth": (">=2.5.0 <3.0.0", "HARD")}, {"emqx": {}}),
    "aws.greengrass.clientdevices.mqtt.Bridge": (
        ("2.3.2",), "aws.greengrass.plugin", "Relays MQTT messages between client devices, local publish/subscribe and AWS IoT Core.",
        {"aws.greengrass.clientdevices.Auth": (">=2.0.0 <3.0.0", "SOFT")}, {"mqttTopicMapping": {}}),
    "aws.greengrass.clientdevices.IPDetector": (
        ("2.2.1",), "aws.greengrass.plugin", "Reports the core's IP addresses as its connectivity information.",
        {"aws.greengrass.Nucleus": (NUCLEUS, "SOFT")}, {}),
    "aws.greengrass.SNS": (
        (), "aws.greengrass.lambda", "Publishes messages to an Amazon SNS topic (a V1 connector as a Lambda component).",
        {"aws.greengrass.LambdaLauncher": (">=2.0.0 <3.0.0", "HARD"),
         "aws.greengrass.TokenExchangeService": (">=2.0.0 <3.0.0", "HARD")},
        {"lambdaExecutionParameters": {"EnvironmentVariables": {}}, "containerMode": "NoContainer"}),
    "aws.greengrass.KinesisFirehose": (
        (), "aws.greengrass.lambda", "Sends data to an Amazon Data Firehose stream (a V1 connector as a Lambda component).",
        {"aws.greengrass.LambdaLauncher": (">=2.0.0 <3.0.0", "HARD"),
         "aws.greengrass.TokenExchangeService": (">=2.0.0 <3.0.0", "HARD")},
        {"lambdaExecutionParameters": {"EnvironmentVariables": {}}, "containerMode": "NoContainer"}),
}


def versions_of(name):
    """The catalog's versions of a component, with the one gg pins (targets/v2/public_components.PINS)."""
    versions = set(CATALOG[name][0])
    if name in PINS:
        versions.add(PINS[name].version)
    return sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".")))

_CACHE = {}


def recipe(name, version):
    versions, component_type, description, deps, default = CATALOG[name]
    res = {"RecipeFormatVersion": "2020-01-25", "ComponentName": name, "ComponentVersion": version,
           "ComponentType": component_type, "ComponentDescription": description, "ComponentPublisher": "AWS"}
    if deps:
        res["ComponentDependencies"] = {d: {"VersionRequirement": r, "DependencyType": t} for d, (r, t) in deps.items()}
    res["ComponentConfiguration"] = {"DefaultConfiguration": default}
    res["Manifests"] = [{"Platform": {"os": "linux"}, "Lifecycle": {}, "Artifacts": []}]
    return res


def catalog(region):
    """{name: {version: ComponentVersion}} for a region (built once per region)."""
    if region not in _CACHE:
        found = {}
        for name in CATALOG:
            found[name] = {v: ComponentVersion(name, v, arns.component_version(region, arns.PUBLIC_ACCOUNT, name, v),
                                               recipe(name, v), SEED_TIME, public=True) for v in versions_of(name)}
        _CACHE[region] = found
    return _CACHE[region]


def is_public(name):
    return name in CATALOG

