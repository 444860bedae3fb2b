"""Greengrass V2 against the sandbox: a small complete spec per test (unique names), `gg` in-process.

    def test_x(v2_project, aws_env):
        code, out = v2_project.gg("apply")            # --target v2 on every command
        aws_env.boto3_client("greengrassv2")...       # assert through plain boto3

`v2_leftovers(sandbox, prefix)` lists every V2, IoT, IAM, Lambda and S3 resource whose name
carries the prefix, through the AWS APIs (every page).
"""
import shutil

import pytest

from gg_manager.aws.session import paginate
from tests.reconcile.conftest import ROOT_DIR, Project

SPEC = """\
Group:
  name: {p}-g
  tags: {{team: vision}}
Cores:
  - name: {p}-core
    key_path: ./certs
    config_path: ./config
    SyncShadow: true
Models:
  - Id: {p}-model
    DestinationPath: /ml/model
    Source: ./model
Resources:
  - Name: frames
    Id: frames
    LocalVolumeResourceData:
      SourcePath: /tmp/{p}-frames
      DestinationPath: /frames
Lambdas:
  - name: {p}-fn
    handler: main.handler
    package: src
    alias: live
    greengrassConfig:
      MemorySize: 131072
      Timeout: 10
      Pinned: true
      Environment:
        ResourceAccessPolicies:
          - {{ResourceId: {p}-model, Permission: ro}}
          - {{ResourceId: frames, Permission: rw}}
        Variables: {{OUTPUT_TOPIC: {p}/out}}
Subscriptions:
  - Id: out
    Source: Lambda::{p}-fn
    Subject: {p}/out
    Target: cloud
  - Id: in
    Source: cloud
    Subject: {p}/in/+
    Target: Lambda::{p}-fn
Loggers:
  - {{Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}}
  - {{Component: Lambda, Id: cw, Level: WARN, Type: AWSCloudWatch}}
"""


class V2Project(Project):
    """A V2 project: its own spec, `--target v2` on every command."""

    target = "v2"

    def __init__(self, root, prefix, capsys):
        super().__init__(root, prefix, capsys)
        self.write(SPEC.format(p=prefix))

    def example(self):
        """The repository's example app instead (its Lambdas, the model as a local folder)."""
        shutil.copy(str(ROOT_DIR / "greengrass.yaml"), str(self.root / "greengrass.yaml"))
        shutil.copytree(str(ROOT_DIR / "lambdas"), str(self.root / "lambdas"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        return ("--var", "group=%s" % self.prefix, "--var", "model_source=./model")


@pytest.fixture
def v2_project(tmp_path, aws_env, capsys):
    return V2Project(tmp_path, aws_env.unique_name("v"), capsys)


@pytest.fixture
def new_v2_project(tmp_path_factory, aws_env, capsys):
    return lambda: V2Project(tmp_path_factory.mktemp("p"), aws_env.unique_name("v"), capsys)


@pytest.fixture
def auto_complete(aws_env):
    """The sandbox's stand-in core: V2 job executions succeed by themselves after 0 s (for this test)."""
    aws_env.set_auto_complete(0)
    yield aws_env
    aws_env.set_auto_complete(None)


def v2_leftovers(sandbox, prefix):
    """Every V2, IoT, IAM, Lambda and S3 resource whose name carries `prefix`, listed by the APIs."""
    v2, iot = sandbox.boto3_client("greengrassv2"), sandbox.boto3_client("iot")
    lam, iam, s3 = sandbox.boto3_client("lambda"), sandbox.boto3_client("iam"), sandbox.boto3_client("s3")
    found = ["component " + c["componentName"] for c in paginate(v2, "list_components", "components")]
    found += ["deployment %s -> %s" % (d["deploymentName"], d["targetArn"])
              for d in paginate(v2, "list_deployments", "deployments", historyFilter="ALL")]
    found += ["core device " + c["coreDeviceThingName"] for c in paginate(v2, "list_core_devices", "coreDevices")]
    found += ["thing group " + g["groupName"] for g in paginate(iot, "list_thing_groups", "thingGroups")]
    found += ["thing " + t["thingName"] for t in paginate(iot, "list_things", "things")]
    found += ["policy " + p["policyName"] for p in paginate(iot, "list_policies", "policies")]
    found += ["role alias " + a for a in paginate(iot, "list_role_aliases", "roleAliases")]
    found += ["lambda " + f["FunctionName"] for f in paginate(lam, "list_functions", "Functions")]
    found += ["role " + r["RoleName"] for r in paginate(iam, "list_roles", "Roles")]
    for bucket in s3.list_buckets().get("Buckets", []):
        for obj in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket["Name"]):
            found.append("object s3://%s/%s" % (bucket["Name"], obj["Key"]))
    return sorted(f for f in found if prefix in f)


@pytest.fixture
def v2_listing(aws_env):
    return lambda prefix: v2_leftovers(aws_env, prefix)
