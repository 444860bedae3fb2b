"""The Spec is target-neutral: loading a spec imports nothing of AWS, of the plan engine or of a target,
and the model holds typed values, not API shapes."""
import os
import subprocess
import sys

from gg_manager.spec import load_spec
from gg_manager.spec import model as m


IMPORTED = ("import sys, gg_manager.spec as s; s.load_spec(sys.argv[1], target=sys.argv[2]); "
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('boto3', 'botocore') or "
            "n.startswith(('gg_manager.targets', 'gg_manager.plan', 'gg_manager.aws', 'gg_manager.resources'))))")
# A group on Greengrass V2 is validated by V2's own rules, which reuse its pure translations (so what
# validates is what deploys): these modules, and nothing of AWS, the plan engine, the shared resources
# or the target's lower/discover/diff.
V2_VALIDATION = ["gg_manager.targets", "gg_manager.targets.base", "gg_manager.targets.v2", "gg_manager.targets.v2.connectors",
                 "gg_manager.targets.v2.model_component", "gg_manager.targets.v2.names",
                 "gg_manager.targets.v2.public_components", "gg_manager.targets.v2.rules",
                 "gg_manager.targets.v2.runtimes", "gg_manager.targets.v2.subscriptions",
                 "gg_manager.targets.v2.versioning"]


def _imported(target):
    spec = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "greengrass.yaml")
    out = subprocess.run([sys.executable, "-c", IMPORTED, spec, target], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip() + out.stderr


def test_loading_a_spec_imports_no_aws_and_no_target():
    assert _imported("v1") == "[]"


def test_loading_a_v2_spec_imports_only_v2_validation():
    assert _imported("v2") == str(V2_VALIDATION)


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
