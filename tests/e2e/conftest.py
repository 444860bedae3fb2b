"""End to end: the example greengrass.yaml, `gg` as users run it, the local core, the sandbox's broker.

    def test_x(app, core, mqtt):
        app.gg_ok("create")
        core.start(app)                       # gg core run with the config gg create wrote
        app.gg_ok("deploy", "--timeout", "90")
        mqtt.subscribe(app.topic("predictions"))
        ...

Each `app` is a work folder holding a copy of the example spec, the repository's
Lambdas, a small classifier trained by the demo's trainer and a generated clip;
its group name is unique (--var group=...). `app` deploys to Greengrass V1 and its
teardown stops the core (asserting no Lambda process is left), then runs `gg remove
--yes --purge-local`; `app_v2` deploys to Greengrass V2 (the core is a V2 core device
reading the config.yaml gg create wrote) and runs `gg remove` while the device still
runs (it takes the empty revision), then stops it. Both then assert the AWS listings
hold nothing of the group.
"""
import os
import shutil
import subprocess
import uuid

import pytest

from gg_manager.aws.session import paginate
from gg_manager.demo import dataset, train
from gg_manager.demo.processes import gg_command
from tests.core.conftest import CoreProcess, Mqtt

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIP_LABELS = dataset.clip_labels(frames_per_label=2, rounds=1)


class App:
    def __init__(self, sandbox, folder, model, clip, target="v1"):
        self.sandbox = sandbox
        self.folder = str(folder)
        self.group = "e2e-" + uuid.uuid4().hex[:8]
        os.makedirs(self.folder)
        shutil.copy(os.path.join(ROOT, "greengrass.yaml"), self.folder)
        self.lambdas = os.path.join(self.folder, "lambdas")
        # a copy, not a link: a Lambda package must be inside the spec's repository (this folder)
        shutil.copytree(os.path.join(ROOT, "lambdas"), self.lambdas,
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.model = os.path.join(self.folder, "model")
        shutil.copytree(model, self.model)
        self.target = target
        self.vars = ["--target", target]
        for key, value in (("group", self.group), ("model_source", "./model"), ("camera_source", clip),
                           ("frames_dir", os.path.join(self.folder, "frames")),
                           ("feedback_dir", os.path.join(self.folder, "feedback")), ("capture_fps", "5")):
            self.vars += ["--var", "%s=%s" % (key, value)]
        self.core_name = self.group + "_Core"                                   # the example's {{ group }}_Core
        self.config_path = os.path.join(self.folder, *(                          # written by gg create
            ("certs", self.core_name + ".config.yaml") if target == "v2" else ("config", "config.json")))
        self.env = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "AWS_SESSION_TOKEN")}
        self.env.update(sandbox.env())
        self.created = False

    def topic(self, name):
        return "gg/%s/%s" % (self.group, name)

    def replace_lambda(self, name, files):
        """Package `name` from these {file: text} instead of the repository's lambdas/<name>."""
        shutil.rmtree(os.path.join(self.lambdas, name))
        os.makedirs(os.path.join(self.lambdas, name))
        for rel, text in files.items():
            with open(os.path.join(self.lambdas, name, rel), "w") as fh:
                fh.write(text)

    def gg(self, *args, timeout=240):
        """`gg ARGS --var ...` in the app folder: (exit code, stdout + stderr)."""
        if args[0] == "create":
            self.created = True
        yes = ["--yes"] if args[0] in ("apply", "create", "update") else []
        return self.run(gg_command() + list(args) + yes + self.vars, timeout=timeout)

    def run(self, command, timeout=240):
        """COMMAND in the app folder with the sandbox's environment: (exit code, stdout + stderr)."""
        proc = subprocess.run(command, cwd=self.folder, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        return proc.returncode, proc.stdout

    def set_var(self, key, value):
        """--var KEY=VALUE from now on, instead of the value it had."""
        at = self.vars.index(next(v for v in self.vars if v.startswith(key + "=")))
        self.vars[at] = "%s=%s" % (key, value)

    def gg_ok(self, *args, timeout=240):
        code, output = self.gg(*args, timeout=timeout)
        assert code == 0, "gg %s exited %d:\n%s" % (" ".join(args), code, output)
        return output

    def aws_leftovers(self):
        """What the AWS APIs list of this group (every page): its V1 group or V2 thing group, components
        and deployments, Lambdas, core thing and roles."""
        found = self._v1_leftovers()
        if self.target == "v2":
            found.update(self._v2_leftovers())
        return found

    def _v2_leftovers(self):
        sb = self.sandbox
        gg2, iot = sb.boto3_client("greengrassv2"), sb.boto3_client("iot")
        mine = self.group + "-"
        found = {
            "thing groups": [g["groupName"] for g in paginate(iot, "list_thing_groups", "thingGroups")
                             if g["groupName"] == self.group],
            "components": [c["componentName"] for c in paginate(gg2, "list_components", "components", scope="PRIVATE")
                           if c["componentName"].startswith(mine)],
            "deployments": [d["deploymentName"] for d in paginate(gg2, "list_deployments", "deployments",
                                                                  historyFilter="ALL")
                            if d["targetArn"].endswith("thinggroup/" + self.group)],
            "core devices": [c["coreDeviceThingName"] for c in paginate(gg2, "list_core_devices", "coreDevices")
                             if c["coreDeviceThingName"] == self.core_name],
        }
        return {k: v for k, v in found.items() if v}

    def _v1_leftovers(self):
        sb = self.sandbox
        groups = [g["Name"] for g in paginate(sb.boto3_client("greengrass"), "list_groups", "Groups")
                  if g["Name"] == self.group]
        functions = [f["FunctionName"] for f in paginate(sb.boto3_client("lambda"), "list_functions", "Functions")
                     if f["FunctionName"].startswith(self.group + "-")]
        things = [t["thingName"] for t in paginate(sb.boto3_client("iot"), "list_things", "things")
                  if t["thingName"].startswith(self.group)]
        roles = [r["RoleName"] for r in paginate(sb.boto3_client("iam"), "list_roles", "Roles")
                 if self.group in r["RoleName"]]
        return {k: v for k, v in (("groups", groups), ("functions", functions), ("things", things),
                                  ("roles", roles)) if v}


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory):
    """A classifier of the demo's coloured boxes, right on every validation image."""
    result = train.train(str(tmp_path_factory.mktemp("model") / "model"), samples=800, epochs=4, seed=3)
    assert result.validation_accuracy >= 0.95, result
    return result


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return dataset.write_clip(str(tmp_path_factory.mktemp("clip")), CLIP_LABELS)


@pytest.fixture
def core(sandbox, tmp_path):
    proc = CoreProcess(sandbox, tmp_path)
    try:
        yield proc
    finally:
        proc.stop()           # asserts no Lambda process outlived the core


@pytest.fixture
def app(sandbox, tmp_path, trained_model, clip, core):
    """The example app; removed after the test (after the core stopped: `core` is torn down later)."""
    application = App(sandbox, tmp_path / "app", trained_model.folder, clip)
    yield application
    if application.created:
        core.stop()
        application.gg_ok("remove", "--yes", "--purge-local")
        assert application.aws_leftovers() == {}
        assert not os.path.exists(application.config_path)


@pytest.fixture
def app_v2(sandbox, tmp_path, trained_model, clip, core):
    """The example app on Greengrass V2; removed after the test while its core device runs, then the core stops."""
    application = App(sandbox, tmp_path / "app", trained_model.folder, clip, target="v2")
    yield application
    if application.created:
        try:
            application.gg_ok("remove", "--yes", "--purge-local")
        finally:
            core.stop()
        assert application.aws_leftovers() == {}
        assert not os.path.exists(application.config_path)


@pytest.fixture
def mqtt(sandbox):
    client = Mqtt(sandbox.mqtt_host, sandbox.mqtt_port)
    try:
        yield client
    finally:
        client.close()
