"""greengo files validate unchanged; so does the project's own example."""
import os
import subprocess
import sys

import pytest

from gg_manager.spec import load_spec

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


@pytest.mark.parametrize("path", ["greengo_example/greengo.yaml", "object_detection/greengo.yaml"])
def test_greengo_files_validate_unchanged(path):
    result = load_spec(os.path.join(HERE, "fixtures", path))
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)


def test_object_detection_sample_model():
    spec = load_spec(os.path.join(HERE, "fixtures", "object_detection", "greengo.yaml")).spec
    group = spec.groups[0]
    assert group.name == "GG_Object_Detection"
    assert group.core.name == "GG_Object_Detection_Core" and group.core.sync_shadow is True
    fn = group.function("BlogInfer")
    assert fn.alias == "dev" and fn.runtime == "python3.7"
    assert fn.memory_kb == 900000 and fn.pinned is True
    assert {r.id for r in group.resources} == {"MyObjectDetectionModel", "nvidia0", "nvidiactl",
                                                "nvidia-uvm", "nvidia-uvm-tools"}


def test_greengo_existing_lambda_reference():
    spec = load_spec(os.path.join(HERE, "fixtures", "greengo_example", "greengo.yaml")).spec
    existing = spec.groups[0].function("ExistingCounter")
    assert not existing.managed and existing.alias == "prod"
    hello = spec.groups[0].function("GreengrassHelloWorld")
    assert dict(hello.environment) == {"foo": "bar"}
    assert hello.role_arn == "arn:aws:iam::000000000000:role/base_lambda_role"


def test_example_greengrass_yaml_validates_with_the_cli():
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "gg"), "validate"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "greengrass.yaml: valid (1 group: gg-edge-ml)" in proc.stdout
