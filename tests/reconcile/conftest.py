"""A small but complete spec per test (unique names), and `gg` run in-process against the sandbox."""
import json
import os
import pathlib
import textwrap

import pytest

from gg_manager.aws.errors import error_code
from gg_manager.aws.session import paginate
from gg_manager.cli import main

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
    runtime: python3.7
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
    Subject: {p}/in
    Target: Lambda::{p}-fn
Loggers:
  - {{Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}}
Connectors:
  - Id: feedback
    ConnectorArn: arn:aws:greengrass:us-east-1::/connectors/MLFeedback/versions/1
    Parameters:
      FeedbackConfigurationMap: '{{"lowconf": {{"s3-bucket-name": "{p}-feedback", "content-type": "image/jpeg"}}}}'
"""

READ_PREFIXES = ("Get", "List", "Describe", "Head")
ROOT_DIR = pathlib.Path(__file__).resolve().parents[2]
ASKING = ("apply", "create", "update")


def with_yes(args):
    """The arguments after the command, with --yes for a command that would otherwise ask."""
    rest = list(args[1:])
    return rest + ["--yes"] if args[0] in ASKING and "--yes" not in rest else rest


def mutating(calls):
    """{"service:Op": n} -> only the calls that change something."""
    return {k: v for k, v in calls.items() if not k.split(":", 1)[1].startswith(READ_PREFIXES)}


class Project:
    """A folder with greengrass.yaml, a Lambda package and a model; runs gg inside it, on Greengrass V1
    (every command gets `--target v1`: these tests are V1's; tests/targets/v2/sandbox has V2's)."""

    target = "v1"

    def __init__(self, root, prefix, capsys):
        self.root, self.prefix, self.capsys = root, prefix, capsys
        (root / "src").mkdir()
        (root / "src" / "main.py").write_text("def handler(event, context):\n    return event\n")
        (root / "model").mkdir()
        (root / "model" / "model-shapes.json").write_text('[{"shape": [1, 3, 32, 32]}]')
        self.write(SPEC.format(p=prefix))

    @property
    def spec_path(self):
        return str(self.root / "greengrass.yaml")

    def write(self, text):
        (self.root / "greengrass.yaml").write_text(textwrap.dedent(text))

    def edit(self, old, new):
        text = (self.root / "greengrass.yaml").read_text()
        assert old in text, old
        self.write(text.replace(old, new, 1))

    def gg(self, *args):
        """(exit code, stdout + stderr) of `gg ARGS -f greengrass.yaml`, run in this folder; apply, create
        and update get --yes, as in CI (no terminal to ask)."""
        code, out, err = self.run(*args)
        return code, out + err

    def run(self, *args):
        """(exit code, stdout, stderr) of `gg ARGS -f greengrass.yaml`, run in this folder (--yes as above)."""
        self.capsys.readouterr()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            code = main(list(args[:1]) + ["-f", self.spec_path, "--target", self.target] + with_yes(args))
        finally:
            os.chdir(cwd)
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def line_of(self, text):
        """The line number of the spec's first line holding `text`."""
        lines = (self.root / "greengrass.yaml").read_text().splitlines()
        return next(i for i, line in enumerate(lines, 1) if text in line)

    def plan_json(self):
        code, text = self.gg("plan", "--format", "json", "--detailed-exitcode")
        assert code in (0, 2), text
        return code, json.loads(text[text.index("{"):text.rindex("}") + 1])


@pytest.fixture
def aws_env(sandbox, monkeypatch):
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return sandbox


@pytest.fixture
def project(tmp_path, aws_env, capsys):
    return Project(tmp_path, aws_env.unique_name("r"), capsys)


@pytest.fixture
def new_project(tmp_path_factory, aws_env, capsys):
    """new_project() -> another Project with its own folder and names."""
    return lambda: Project(tmp_path_factory.mktemp("p"), aws_env.unique_name("r"), capsys)


def list_everything(sandbox, prefix, region=None):
    """Every Greengrass, IoT, Lambda, IAM and S3 resource whose name carries `prefix`, by API listing
    (every page: a sandbox shared by the whole test session holds more than one page)."""
    gg, iot = sandbox.boto3_client("greengrass", region), sandbox.boto3_client("iot", region)
    lam, iam = sandbox.boto3_client("lambda", region), sandbox.boto3_client("iam", region)
    s3 = sandbox.boto3_client("s3", region)
    found = []
    found += ["group " + g["Name"] for g in paginate(gg, "list_groups", "Groups")]
    for kind in ("core", "device", "function", "resource", "subscription", "logger", "connector"):
        defs = paginate(gg, "list_%s_definitions" % kind, "Definitions")
        found += ["%s definition %s" % (kind, d.get("Name")) for d in defs]
    found += ["thing " + t["thingName"] for t in paginate(iot, "list_things", "things")]
    found += ["policy " + p["policyName"] for p in paginate(iot, "list_policies", "policies")]
    found += ["lambda " + f["FunctionName"] for f in paginate(lam, "list_functions", "Functions")]
    found += ["role " + r["RoleName"] for r in paginate(iam, "list_roles", "Roles")]
    for bucket in s3.list_buckets().get("Buckets", []):
        for obj in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket["Name"]):
            found.append("object s3://%s/%s" % (bucket["Name"], obj["Key"]))
    return sorted(f for f in found if prefix in f)


def certificates_of(sandbox, thing, region=None):
    """Every certificate IoT holds that was issued for this thing's CSR (subject CN = the thing)."""
    from cryptography import x509
    iot, found = sandbox.boto3_client("iot", region), []
    for cert in paginate(iot, "list_certificates", "certificates"):
        try:
            desc = iot.describe_certificate(certificateId=cert["certificateId"])["certificateDescription"]
        except Exception as exc:
            if error_code(exc) == "ResourceNotFoundException":
                continue
            raise
        subject = x509.load_pem_x509_certificate(desc["certificatePem"].encode()).subject
        if [a.value for a in subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)] == [thing]:
            found.append(desc)
    return found


def full_state(sandbox, prefix, region=None):
    """A comparable picture of everything of this spec in AWS (ids and timestamps left out)."""
    gg = sandbox.boto3_client("greengrass", region)
    state = {"names": list_everything(sandbox, prefix, region)}
    for kind in ("core", "function", "resource", "subscription", "logger", "connector"):
        noun = kind.capitalize() + "Definition"
        for d in paginate(gg, "list_%s_definitions" % kind, "Definitions"):
            if prefix in (d.get("Name") or "") and d.get("LatestVersion"):
                ver = getattr(gg, "get_%s_definition_version" % kind)(
                    **{noun + "Id": d["Id"], noun + "VersionId": d["LatestVersion"]})["Definition"]
                for entry in ver.get("Cores", []):
                    entry.pop("CertificateArn", None)
                state[d["Name"]] = ver
    return state


@pytest.fixture
def writes(aws_env):
    """writes() -> mutating calls the sandbox saw since the last reset_calls()."""
    return lambda: mutating(aws_env.calls())


@pytest.fixture
def listing(aws_env, project):
    return lambda: list_everything(aws_env, project.prefix)


@pytest.fixture
def listing_of(aws_env):
    """listing_of(project) -> everything of that project's spec that AWS lists."""
    return lambda p: list_everything(aws_env, p.prefix)


@pytest.fixture
def snapshot(aws_env, project):
    return lambda: full_state(aws_env, project.prefix)


def normalized(state, prefix):
    """The state with this project's unique prefix replaced, so two projects compare equal."""
    return json.loads(json.dumps(state, sort_keys=True).replace(prefix, "P"))


@pytest.fixture
def converged_state(aws_env):
    """converged_state(project) -> the project's full AWS state, prefix-normalized."""
    return lambda p: normalized(full_state(aws_env, p.prefix), p.prefix)


def state_difference(a, b):
    """Readable differences between two normalized states ('' when equal)."""
    lines = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) == b.get(key):
            continue
        if key == "names":
            only_a = sorted(set(a.get(key, [])) - set(b.get(key, [])))
            only_b = sorted(set(b.get(key, [])) - set(a.get(key, [])))
            lines.append("names only in the first: %s; only in the second: %s" % (only_a, only_b))
        else:
            lines.append("%s: %r != %r" % (key, a.get(key), b.get(key)))
    return "\n".join(lines)


@pytest.fixture(name="state_difference")
def state_difference_fixture():
    return state_difference
