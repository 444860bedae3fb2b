"""A fleet of 20 groups made by `gg apply`, each with a real `gg core run` process.

    def test_x(fleet):
        fleet.apply()                      # `gg apply` in the fleet's folder
        fleet.start_cores()                # one core per group, started together
        code, report = fleet.rollout("--waves", "1,50%")
        gg = fleet.gg                      # plain boto3 against the sandbox, for asserting
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from gg_manager.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLEET_SIZE = 20

SPEC = """\
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
        code, out, err = self.cli("apply")
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
            work = self.root / "work" / ("%02d" % i)
            work.mkdir(parents=True)
            log = open(str(self.root / ("core%02d.out" % i)), "ab")
            proc = subprocess.Popen(
                [sys.executable, "-m", "gg_manager.cli", "core", "run",
                 "--config", str(self.root / "config" / ("%02d" % i) / "config.json"),
                 "--work-dir", str(work), "--endpoint-url", self.sb.endpoint_url,
                 "--poll-interval", "0.5", "--ready-timeout", "30"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            log.close()
            self.cores.append((proc, str(work)))

    def core_output(self, i):
        with open(str(self.root / ("core%02d.out" % i)), errors="replace") as fh:
            return fh.read()[-3000:]

    def check_cores_alive(self):
        dead = [(i, p.returncode) for i, (p, _) in enumerate(self.cores) if p.poll() is not None]
        assert not dead, "cores exited: %s\n%s" % (dead, self.core_output(dead[0][0]))

    def stop_cores(self):
        for proc, _ in self.cores:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        stuck = []
        for proc, _ in self.cores:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                stuck.append(proc.pid)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        deadline = time.monotonic() + 5
        while self.leftovers() and time.monotonic() < deadline:
            time.sleep(0.1)
        left = self.leftovers()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert not stuck, "cores that ignored SIGTERM: %s" % stuck
        assert not left, "processes left behind by the cores: %s" % left

    def leftovers(self):
        """Live processes started by a core (its pid, or a cwd inside its work dir)."""
        ours = {p.pid for p, _ in self.cores if p.poll() is None}
        works = tuple(w + os.sep for _, w in self.cores)
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                cwd = os.readlink("/proc/%s/cwd" % entry) + os.sep
                with open("/proc/%s/stat" % entry) as fh:
                    if fh.read().split(")")[-1].split()[0] == "Z":
                        continue
            except OSError:
                continue
            if cwd.startswith(works):
                ours.add(int(entry))
        return sorted(ours)


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
