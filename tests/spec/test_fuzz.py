"""Every spec problem is a `file:line:col` diagnostic, never a traceback: the example spec with a
hostile value (or key) in every position, through `gg validate`."""
import os
import random
import re
import shutil

import pytest
import yaml

from jinja2.sandbox import SandboxedEnvironment

from gg_manager.cli import main

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = 20240610
PER_POSITION = 2

HOSTILE_VALUES = [
    None, True, False, 0, -1, 2 ** 63, 10 ** 30, 1.5, float("inf"), float("nan"),
    "", " ", "x" * 300, "y" * 70000, "../../etc/passwd", "/etc/passwd", "Lambda::", "::", "arn:",
    "{{ x }}", "{% for %}", "%", "nul\0byte", "2001-01-01", "*", "&a", "é" * 20, "$aws/x/#/y",
    [], {}, [None], [[[]]], {"a": {"b": None}}, {"": 1}, [1, "a", None], {1: 2}, {"<<": 1},
]
HOSTILE_KEYS = [1, "", "k" * 200, "<<", "null", "Lambda::x", "a b", "é"]


def positions(data, path=()):
    """Every path to a value in `data` (mapping values and list items)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield path + (key,)
            yield from positions(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield path + (i,)
            yield from positions(value, path + (i,))


def replaced(data, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        out = dict(data)
    else:
        out = list(data)
    out[head] = replaced(data[head], rest, value)
    return out


def renamed(data, path, new_key):
    """`data` with the key at `path` renamed."""
    if len(path) == 1:
        return {(new_key if k == path[0] else k): v for k, v in data.items()}
    out = dict(data) if isinstance(data, dict) else list(data)
    out[path[0]] = renamed(data[path[0]], path[1:], new_key)
    return out


def example_data():
    with open(os.path.join(ROOT, "greengrass.yaml")) as f:
        text = f.read()
    return yaml.safe_load(SandboxedEnvironment().from_string(text).render())


def cases():
    rng = random.Random(SEED)
    data = example_data()
    out = []
    for path in positions(data):
        for value in rng.sample(HOSTILE_VALUES, PER_POSITION):
            out.append(("value", path, value))
        if isinstance(path[-1], str):
            out.append(("key", path, rng.choice(HOSTILE_KEYS)))
    return data, out


DATA, CASES = cases()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the example's Lambda packages next to where the fuzzed spec is written."""
    root = tmp_path_factory.mktemp("fuzz")
    for name in ("inference", "camera"):
        shutil.copytree(os.path.join(ROOT, "lambdas", name), root / "lambdas" / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_there_are_a_few_hundred_cases():
    assert len(CASES) >= 300


@pytest.mark.parametrize("chunk", range(8))
def test_hostile_specs_give_located_diagnostics_never_a_traceback(project, capsys, chunk):
    spec = project / "greengrass.yaml"
    line = re.compile(r"^%s:\d+:\d+ \S" % re.escape(str(spec)))
    for kind, path, value in CASES[chunk::8]:
        data = replaced(DATA, path, value) if kind == "value" else renamed(DATA, path, value)
        spec.write_text(yaml.safe_dump(data, allow_unicode=True, width=10 ** 6))
        code = main(["validate", "-f", str(spec)])     # must not raise
        out = capsys.readouterr()
        where = "%s %r at %r" % (kind, value if not isinstance(value, str) else value[:40], path)
        assert code in (0, 1), where
        assert "Traceback" not in out.err, where
        for text in out.err.splitlines():
            if not text.startswith("%s: " % spec):      # the summary line
                assert line.match(text) or re.match(r"^\S+\.py:\d+:\d+ \S", text), (where, text)
