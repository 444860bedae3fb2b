"""A fleet of 20 groups made by `gg apply`, each with a real `gg core run` process.

    def test_x(fleet):
        fleet.apply()                      # `gg apply` in the fleet's folder
        fleet.start_cores()                # one core per group, started together
        code, report = fleet.rollout("--waves", "1,50%")
        gg = fleet.gg                      # plain boto3 against the sandbox, for asserting
"""
import json
import os

import pytest

from gg_manager.core import launcher

from gg_manager.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLEET_SIZE = 20

SPEC = """\
Target: v1                  # gg rollout: bulk deployments of Greengrass V1
Defaults:
  Lambdas:
    - name: {p}-fn
      handler: main.handler
      package: src
      alias: live
      greengrassConfig:
        MemorySize: 65536
        Timeout: 10
        Pinned: true
        Environment: {{Variables: {{RELEASE: "{release}"}}}}
  Subscriptions:
    - Id: out
      Source: Lambda::{p}-fn
      Subject: {p}/out
      Target: cloud
Groups:
{groups}
"""
GROUP = "  - Group: {{name: {name}}}\n    Cores: [{{name: {p}-core{i:02d}, config_path: ./config/{i:02d}}}]\n"
BROKEN = """\
    Lambdas:
      - name: {p}-broken
        handler: broken.handler
        package: broken
        alias: live
        greengrassConfig: {{MemorySize: 65536, Timeout: 10, Pinned: true}}
"""


class Fleet:
    def __init__(self, root, prefix, sandbox, capsys):
        self.root, self.prefix, self.sb, self.capsys = root, prefix, sandbox, capsys
        self.names = ["%s-g%02d" % (prefix, i) for i in range(FLEET_SIZE)]
        self.gg = sandbox.boto3_client("greengrass")
        self.cores = []
        (root / "src").mkdir()
        (root / "src" / "main.py").write_text("def handler(event, context):\n    return event\n")
        (root / "broken").mkdir()
        (root / "broken" / "broken.py").write_text(
            "import no_such_module_for_gg_rollout  # noqa: F401\n\n\ndef handler(event, context):\n    return event\n")

    def write(self, release, broken=()):
        groups = ""
        for i, name in enumerate(self.names):
            groups += GROUP.format(name=name, p=self.prefix, i=i)
            if name in broken:
                groups += BROKEN.format(p=self.prefix)
        (self.root / "greengrass.yaml").write_text(SPEC.format(p=self.prefix, release=release, groups=groups))

    def cli(self, *args):
        """(exit code, stdout, stderr) of `gg ARGS -f greengrass.yaml`, run in the fleet's folder."""
        self.capsys.readouterr()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            code = main(list(args[:1]) + ["-f", str(self.root / "greengrass.yaml")] + list(args[1:]))
        finally:
            os.chdir(cwd)
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def apply(self):
        code, out, err = self.cli("apply", "--yes")
        assert code == 0, out + err

    def rollout(self, *args):
        """(exit code, JSON report, progress text) of `gg rollout --format json ARGS`."""
        code, out, err = self.cli("rollout", "--format", "json", "--poll-interval", "0.3",
                                  "--timeout", "90", *args)
        assert out.strip(), err
        return code, json.loads(out), err

    # -- what AWS says ---------------------------------------------------------------
    def groups(self):
        found = {g["Name"]: g for g in self.gg.list_groups()["Groups"]}
        return {n: found[n] for n in self.names}

    def deployments(self, group_id):
        """The group's deployments, oldest first, each with its status and group version."""
        deps = self.gg.list_deployments(GroupId=group_id)["Deployments"]
        deps = [d for _, d in sorted(enumerate(deps), key=lambda p: (p[1]["CreatedAt"], p[0]))]
        for d in deps:
            d["Version"] = d["GroupArn"].rsplit("/versions/", 1)[1]
            d["Status"] = self.gg.get_deployment_status(GroupId=group_id, DeploymentId=d["DeploymentId"])
        return deps

    # -- cores --------------------------------------------------------------------
    def start_cores(self):
        env = dict(os.environ, **self.sb.env())
        env.pop("GG_MQTT_HOST", None)
        env.pop("GG_MQTT_PORT", None)
        for i in range(FLEET_SIZE):
            self.cores.append(launcher.CoreProcess(
                str(self.root / "config" / ("%02d" % i) / "config.json"), self.root / "work" / ("%02d" % i),
                self.root / ("core%02d.out" % i), env=env, cwd=ROOT,
                args=["--endpoint-url", self.sb.endpoint_url, "--poll-interval", "0.5",
                      "--ready-timeout", "30"]).start())

    def core_output(self, i):
        return self.cores[i].tail(3000)

    def check_cores_alive(self):
        dead = [(i, c.proc.returncode) for i, c in enumerate(self.cores) if not c.alive()]
        assert not dead, "cores exited: %s\n%s" % (dead, self.core_output(dead[0][0]))

    def stop_cores(self):
        for core in self.cores:
            core.terminate()
        results = [core.stop() for core in self.cores]
        stuck = [c.proc.pid for c, (s, _) in zip(self.cores, results) if s]
        left = sorted(pid for _, pids in results for pid in pids)
        assert not stuck, "cores that ignored SIGTERM: %s" % stuck
        assert not left, "processes left behind by the cores: %s" % left

    def leftovers(self):
        """Live processes started by the cores: the cores themselves and their Lambdas."""
        ours = {c.proc.pid for c in self.cores if c.alive()}
        return sorted(ours | set(launcher.lambda_pids(*[c.work_dir for c in self.cores])))


@pytest.fixture
def aws_env(sandbox, monkeypatch):
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    sandbox.set_auto_complete(None)
    return sandbox


@pytest.fixture
def fleet(tmp_path, aws_env, capsys):
    f = Fleet(tmp_path, aws_env.unique_name("ro"), aws_env, capsys)
    try:
        yield f
    finally:
        f.stop_cores()
