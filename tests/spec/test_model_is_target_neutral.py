"""The Spec is target-neutral: loading a spec imports nothing of AWS, of the plan engine or of a target,
and the model holds typed values, not API shapes."""
import os
import subprocess
import sys

from gg_manager.spec import load_spec
from gg_manager.spec import model as m


def test_loading_a_spec_imports_no_aws_and_no_target():
    code = ("import sys, gg_manager.spec as s; s.load_spec(sys.argv[1]); "
            "bad = [n for n in sys.modules if n.split('.')[0] in ('boto3', 'botocore') or "
            "n.startswith(('gg_manager.targets', 'gg_manager.plan', 'gg_manager.aws'))]; print(bad)")
    spec = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "greengrass.yaml")
    out = subprocess.run([sys.executable, "-c", code, spec], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_functions_and_models_are_typed(validate, base, workdir):
    (workdir / "m").mkdir()
    (workdir / "m" / "model-shapes.json").write_text("[]")
    run = validate(base + "Models:\n  - {Id: mdl, DestinationPath: /ml/m, Source: ./m}\n")
    assert run.code == 0, run.text
    group = load_spec(run.path).spec.groups[0]
    fn = group.functions[0]
    assert isinstance(fn.timeout_s, int) and all(isinstance(p, m.ResourceAccess) for p in fn.resource_access or ())
    model = group.models[0]
    assert model == m.Model("mdl", "mdl", "/ml/m", m.LocalModel(str(workdir / "m")))
    assert not any(hasattr(group, a) for a in ("core_definition_version", "function_definition_version"))
