"""greengo files validate unchanged (greengo's own published example once its Python 2 handler is
ported, the one edit any greengo function needs); so does the project's own example."""
import os
import shutil
import subprocess
import sys

import pytest

from gg_manager.cli import main
from gg_manager.spec import load_spec

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GREENGO = os.path.join(HERE, "fixtures", "greengo_example")
PY2_LINE = '    print "Executing run..."\n'


@pytest.fixture
def greengo_copy(tmp_path):
    """greengo 1.0.7's example as published, in a folder of its own."""
    dest = tmp_path / "greengo"
    shutil.copytree(GREENGO, dest)
    return dest


def gg_validate(spec, capsys, *args):
    capsys.readouterr()
    code = main(["validate", "-f", str(spec)] + list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_greengo_example_is_the_published_file():
    with open(os.path.join(GREENGO, "lambdas", "GreengrassHelloWorld", "function.py")) as f:
        assert PY2_LINE in f.read()      # not ported: as greengo 1.0.7 published it
    with open(os.path.join(GREENGO, "greengo.yaml")) as f:
        assert f.read().startswith("# Greeengrass Group definition file\nGroup:\n  name: GreengoGroup\n")


@pytest.mark.parametrize("name", ["greengo.yaml", "greengo.master.yaml"])
def test_unported_greengo_handler_names_the_file_the_line_and_the_fix(greengo_copy, capsys, name):
    code, out, err = gg_validate(greengo_copy / name, capsys)
    assert code == 1
    function_py = greengo_copy / "lambdas" / "GreengrassHelloWorld" / "function.py"
    assert err.splitlines()[0] == (
        "%s:20:5 Lambdas[0]: Python 2 'print' statement; AWS Lambda runs Python 3: write print(...)"
        % function_py)
    assert "Traceback" not in err


def test_ported_greengo_example_validates_unchanged(greengo_copy, capsys):
    function_py = greengo_copy / "lambdas" / "GreengrassHelloWorld" / "function.py"
    function_py.write_text(function_py.read_text().replace(PY2_LINE, '    print("Executing run...")\n'))
    for name in ("greengo.yaml", "greengo.master.yaml"):
        code, out, err = gg_validate(greengo_copy / name, capsys)
        assert code == 0, err
        assert "valid (1 group: GreengoGroup)" in out
    spec = load_spec(str(greengo_copy / "greengo.yaml")).spec
    group = spec.groups[0]
    assert [d.name for d in group.devices] == ["ml_take2_thing_1"]     # its Devices: validate
    assert group.target == "v2" and group.function("GreengrassHelloWorld").runtime == "python3.11"
    on_v1 = load_spec(str(greengo_copy / "greengo.yaml"), target="v1").spec.groups[0]
    assert on_v1.target == "v1" and on_v1.function("GreengrassHelloWorld").runtime == "python3.7"


@pytest.mark.parametrize("source, message", [
    ("exec 'x = 1'\ndef handler(e, c):\n    return e\n", "Python 2 'exec' statement"),
    ("try:\n    pass\nexcept Exception, e:\n    pass\ndef handler(e, c):\n    return e\n",
     "write 'except E as name:'"),
    ("MODE = 0777\ndef handler(e, c):\n    return e\n", "write 0o777, not 0777"),
    ("X = `1`\ndef handler(e, c):\n    return e\n",
     "Python 2 syntax (invalid syntax); AWS Lambda runs Python 3 (runtime: python3.7 or python3.8): "
     "port the handler to Python 3"),
])
def test_other_python2_syntax_gets_the_general_message(greengo_copy, capsys, source, message):
    function_py = greengo_copy / "lambdas" / "GreengrassHelloWorld" / "function.py"
    function_py.write_text(source)
    code, out, err = gg_validate(greengo_copy / "greengo.yaml", capsys)
    assert code == 1 and err.startswith("%s:" % function_py) and message in err


@pytest.mark.parametrize("path", ["object_detection/greengo.yaml"])
def test_greengo_files_validate_unchanged(path):
    result = load_spec(os.path.join(HERE, "fixtures", path))
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)


@pytest.mark.parametrize("target, runtime", [("v1", "python3.7"), ("v2", "python3.11")])
def test_object_detection_sample_model(target, runtime):
    spec = load_spec(os.path.join(HERE, "fixtures", "object_detection", "greengo.yaml"), target=target).spec
    group = spec.groups[0]
    assert group.name == "GG_Object_Detection"
    assert group.core.name == "GG_Object_Detection_Core" and group.core.sync_shadow is True
    fn = group.function("BlogInfer")
    assert fn.alias == "dev" and fn.runtime == runtime
    assert fn.memory_kb == 900000 and fn.pinned is True
    assert {r.id for r in group.resources} == {"MyObjectDetectionModel", "nvidia0", "nvidiactl",
                                                "nvidia-uvm", "nvidia-uvm-tools"}


def test_greengo_existing_lambda_reference(greengo_copy):
    function_py = greengo_copy / "lambdas" / "GreengrassHelloWorld" / "function.py"
    function_py.write_text(function_py.read_text().replace(PY2_LINE, '    print("Executing run...")\n'))
    spec = load_spec(str(greengo_copy / "greengo.master.yaml")).spec
    existing = spec.groups[0].function("HWBeta")
    assert not existing.managed and existing.alias == "dev"
    assert dict(existing.environment) == {"foo": "bar"}
    hello = spec.groups[0].function("GreengrassHelloWorld")
    assert dict(hello.environment) == {"foo": "bar"} and hello.role_arn is None


def test_example_greengrass_yaml_validates_with_the_cli():
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "gg"), "validate"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "greengrass.yaml: valid (1 group: gg-edge-ml)" in proc.stdout
