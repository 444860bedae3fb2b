"""A minimal spec (a group and its core) in a folder of its own, and `gg` run there as a process, as a
user runs it, against the session's sandbox, on the default target (Greengrass V2: what a newcomer
meets)."""
import os
import subprocess

import pytest

from gg_manager.demo.processes import gg_command

SPEC = """\
Group:
  name: {{ group }}
  tags: {owner: "{{ env.GG_TEST_OWNER | default('nobody') }}"}
Cores:
  - name: {{ group }}_Core
    key_path: ./certs
    config_path: ./config
"""


class Folder:
    def __init__(self, root, sandbox):
        self.root, self.sandbox = root, sandbox
        self.group = sandbox.unique_name("cli")
        (root / "greengrass.yaml").write_text(SPEC)
        (root / "certs").mkdir()
        (root / "config").mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GG_", "NO_COLOR"))}
        self.env.update(sandbox.env())

    def gg(self, *args, env=None, drop=(), timeout=300):
        """(exit code, stdout, stderr) of `gg ARGS --var group=...` in this folder."""
        full = dict(self.env, **(env or {}))
        for key in drop:
            full.pop(key, None)
        proc = subprocess.run(gg_command() + list(args) + ["--var", "group=" + self.group], cwd=str(self.root),
                              env=full, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return proc.returncode, proc.stdout, proc.stderr

    def groups(self):
        """This folder's group as AWS lists it (plain boto3), or None: on the default target, Greengrass V2,
        the thing group named for it."""
        iot = self.sandbox.boto3_client("iot")
        found = [g for g in iot.list_thing_groups()["thingGroups"] if g["groupName"] == self.group]
        return found[0] if found else None

    def tags(self):
        """The tags AWS holds on this folder's thing group."""
        iot = self.sandbox.boto3_client("iot")
        return {t["Key"]: t["Value"] for t in iot.list_tags_for_resource(resourceArn=self.groups()["groupArn"])["tags"]}


@pytest.fixture
def folder(tmp_path, sandbox):
    return Folder(tmp_path, sandbox)
