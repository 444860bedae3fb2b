"""An in-memory V1 world for pure diff tests: a spec, its desired state, and AWS as discovery would
report it, built by hand (no AWS, no sandbox)."""
import copy
import hashlib
import textwrap

from gg_manager.aws.session import AwsContext
from gg_manager.resources import names
from gg_manager.resources.artifacts import ActualBucket
from gg_manager.resources.compare import content_hash, substitute
from gg_manager.resources.iam import ActualRole
from gg_manager.resources.iot import ActualCoreDevice, ActualPolicy
from gg_manager.resources.lambda_fn import ActualFunction
from gg_manager.spec import load_spec
from gg_manager.targets.v1.discover import Actual, ActualDefinition, ActualGroup
from gg_manager.targets.v1.kinds import BY_KEY
from gg_manager.targets.v1.lower import CORE_CERT, GROUP_ID, device_cert, lower

ACCOUNT, REGION = "123456789012", "eu-west-1"
GROUP_ID_VALUE = "gid-1"
CERT = "arn:aws:iot:eu-west-1:123456789012:cert/" + "c" * 64


def device_certificate(device):
    """The certificate ARN AWS holds for a device (one per device, made up)."""
    return "arn:aws:iot:eu-west-1:123456789012:cert/" + hashlib.sha256(device.encode()).hexdigest()

SPEC = """\
Group: {name: shop, tags: {team: vision}}
Cores: [{name: shop-core}]
Resources:
  - {Name: frames, Id: frames, LocalVolumeResourceData: {SourcePath: /tmp/frames, DestinationPath: /frames}}
  - {Name: cam, Id: cam, LocalDeviceResourceData: {SourcePath: /dev/video0}}
Lambdas:
  - name: fn
    handler: main.handler
    package: src
    alias: live
    greengrassConfig:
      MemorySize: 131072
      Timeout: 10
      Pinned: true
      Environment:
        ResourceAccessPolicies: [{ResourceId: frames, Permission: rw}]
        Variables: {TOPIC: out}
Subscriptions:
  - {Id: out, Source: Lambda::fn, Subject: shop/out, Target: cloud}
Loggers:
  - {Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}
Connectors:
  - Id: feedback
    ConnectorArn: arn:aws:greengrass:eu-west-1::/connectors/MLFeedback/versions/1
    Parameters: {FeedbackConfigurationMap: '{"x": {"s3-bucket-name": "b", "content-type": "image/jpeg"}}'}
"""


def context():
    return AwsContext(session=None, region=REGION, endpoint_url=None, account=ACCOUNT)


def desired_from(tmp_path, text=SPEC):
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "main.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "greengrass.yaml").write_text(textwrap.dedent(text))
    result = load_spec(str(tmp_path / "greengrass.yaml"), target="v1")
    assert result.ok, [d.format() for d in result.diagnostics]
    return lower(result.spec, context())


def nothing_exists(desired):
    groups = {g.name: ActualGroup(g.name, core=ActualCoreDevice(False)) for g in desired.groups}
    return Actual(groups, {n: None for n in desired.functions},
                  {f.role.name: None for f in desired.functions.values() if f.role},
                  {k: False for k in desired.models}, {b: None for b in desired.buckets}, iot_host="x-ats.iot.eu")


def everything_as_desired(desired):
    """AWS holding exactly what the spec asks for (definition contents read back)."""
    actual = nothing_exists(desired)
    for b in desired.buckets:
        actual.buckets[b] = ActualBucket(b, names.tags())
    for name, fn in desired.functions.items():
        view = fn.view()
        actual.functions[name] = ActualFunction(dict(view), names.tags(), "1", dict(view), content_hash(view))
        if fn.role:
            actual.roles[fn.role.name] = ActualRole(fn.role.name, "arn", fn.role.trust, fn.role.policy, names.tags())
    for group in desired.groups:
        actual.groups[group.name] = group_as_desired(group)
    return actual


def group_as_desired(group):
    arn = "arn:aws:greengrass:%s:%s:/greengrass/groups/%s" % (REGION, ACCOUNT, GROUP_ID_VALUE)
    found = ActualGroup(group.name, group={"Id": GROUP_ID_VALUE, "Arn": arn, "LatestVersion": "gv-1",
                                           "LatestVersionArn": arn + "/versions/gv-1"}, tags=dict(group.tags))
    policy = substitute(group.core.policy, {GROUP_ID: GROUP_ID_VALUE})
    found.core = ActualCoreDevice(True, [CERT], ActualPolicy(policy, [CERT]))
    certificates = {CORE_CERT: CERT}
    for device in group.devices:
        cert = certificates[device_cert(device.thing)] = device_certificate(device.thing)
        found.devices[device.thing] = ActualCoreDevice(True, [cert], ActualPolicy(copy.deepcopy(device.policy), [cert]))
    found.version_definitions = {}
    for key, content in group.definitions.items():
        version_arn = "arn:def/%s/versions/v1" % key
        found.definitions[key] = ActualDefinition(
            "id-" + key, "arn:def/" + key, BY_KEY[key].definition_name(group.name), "v1", version_arn,
            content=copy.deepcopy(substitute(content, certificates)))
        found.version_definitions[key] = version_arn
    if group.role:
        found.role = ActualRole(group.role.name, "arn", group.role.trust, group.role.policy, names.tags())
    found.associated_role_arn = group.role_arn
    return found
