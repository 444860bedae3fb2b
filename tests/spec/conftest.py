"""Helpers for spec tests: write a spec into a temp folder and run `gg validate` on it."""
import json
import textwrap

import pytest

from gg_manager.cli import main

BASE = """\
Group:
  name: g1
Cores:
  - name: g1_core
    key_path: ./certs
    config_path: ./config
Lambdas:
  - name: fn
    handler: main.handler
    package: src
    greengrassConfig:
      MemorySize: 131072
      Timeout: 10
      Pinned: true
      Environment:
        ResourceAccessPolicies:
          - ResourceId: vol
            Permission: rw
Resources:
  - Name: vol
    Id: vol
    LocalVolumeResourceData:
      SourcePath: /tmp/data
      DestinationPath: /data
Subscriptions:
  - Source: Lambda::fn
    Subject: out/topic
    Target: cloud
"""


class Run:
    def __init__(self, code, out, err, path):
        self.code, self.out, self.err, self.path = code, out, err, path

    @property
    def text(self):
        return self.out + self.err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def workdir(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.py").write_text("def handler(event, context):\n    return event\n")
    return tmp_path


@pytest.fixture
def validate(workdir, capsys):
    """validate(text, *extra_args) -> Run, with the spec written to workdir/greengrass.yaml."""
    def run(text, *args, name="greengrass.yaml"):
        path = workdir / name
        path.write_text(textwrap.dedent(text))
        code = main(["validate", "-f", str(path)] + list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, str(path))
    return run


def location(text, anchor, occurrence=1):
    """1-based (line, col) of the n-th `anchor` in `text`."""
    start = -1
    for _ in range(occurrence):
        start = text.index(anchor, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def assert_located(run, text, anchor, path, message):
    """`run` failed with a line `FILE:LINE:COL path: message...`, LINE:COL where `anchor` is."""
    line, col = location(text, anchor)
    expected = "%s:%d:%d %s: %s" % (run.path, line, col, path, message)
    assert run.code == 1, run.text
    assert any(l.startswith(expected) for l in run.text.splitlines()), \
        "expected a line starting with\n  %s\ngot:\n%s" % (expected, run.text)


@pytest.fixture(name="assert_located")
def assert_located_fixture():
    return assert_located


@pytest.fixture
def base():
    return BASE


@pytest.fixture(name="location")
def location_fixture():
    return location
