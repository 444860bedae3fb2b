"""gg as a user gets it: the sdist and the wheel built from it (`python -m build`), installed into a
fresh virtual environment (no system site-packages, not this checkout), then run from a folder
outside the repository: `gg init`, `gg validate` and `gg plan` against the sandbox.

Dependencies come from the package index (pip caches them after the first run); the ml extra
is not needed for validate and plan.
"""
import json
import os
import subprocess
import sys
import tarfile
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONSTRAINTS = os.path.join(ROOT, "constraints.txt")


def run(args, **kwargs):
    kwargs.setdefault("timeout", 600)
    proc = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, "%s exited %d:\n%s\n%s" % (" ".join(args), proc.returncode, proc.stdout, proc.stderr)
    return proc


def source_copy(dest):
    """The files git tracks or would add (nothing ignored: no .venv, no build output)."""
    files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout
    for rel in filter(None, files.split("\0")):
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue                            # deleted in the work tree
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(src, "rb") as fin, open(target, "wb") as fout:
            fout.write(fin.read())
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's bin folder, the dist folder) with gg installed from the wheel built from the sdist."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = source_copy(str(tmp / "src"))
    dist = str(tmp / "dist")
    run([sys.executable, "-m", "build", "--outdir", dist, src])
    wheels = [f for f in os.listdir(dist) if f.endswith(".whl")]
    assert len(wheels) == 1, os.listdir(dist)
    venv = str(tmp / "venv")
    run([sys.executable, "-m", "venv", venv])
    bin_dir = os.path.join(venv, "bin")
    run([os.path.join(bin_dir, "pip"), "install", "--disable-pip-version-check", "-q", "-c", CONSTRAINTS,
         os.path.join(dist, wheels[0])], env=clean_env())
    return bin_dir, dist


def clean_env(extra=None):
    """The environment without this checkout on the path (PYTHONPATH) and without real AWS settings."""
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith(("AWS_", "GG_", "VIRTUAL_ENV"))}
    env.update(extra or {})
    return env


def test_sdist_and_wheel_carry_the_schemas_lambdas_example_and_license(installed):
    _, dist = installed
    (sdist,) = [f for f in os.listdir(dist) if f.endswith(".tar.gz")]
    with tarfile.open(os.path.join(dist, sdist)) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"schemas/greengrass.schema.json", "lambdas/inference/inference.py", "greengrass.yaml",
            "LICENSE"} <= names
    (wheel,) = [f for f in os.listdir(dist) if f.endswith(".whl")]
    with zipfile.ZipFile(os.path.join(dist, wheel)) as zf:
        names = set(zf.namelist())
        meta = zf.read([n for n in names if n.endswith(".dist-info/METADATA")][0]).decode()
    assert {"gg_manager/_bundled/schemas/greengrass.schema.json",
            "gg_manager/_bundled/schemas/connectors/ml-feedback.schema.json",
            "gg_manager/_bundled/lambdas/camera/camera.py", "gg_manager/_bundled/greengrass.yaml"} <= names
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "bench/"))]
    assert "License-Expression: MIT" in meta and "Requires-Python: >=3.11" in meta
    assert "Requires-Dist: click==8.1.8" in meta


def test_installed_gg_inits_validates_and_plans_from_any_folder(installed, sandbox, tmp_path):
    bin_dir, _ = installed
    gg = os.path.join(bin_dir, "gg")
    where = run([os.path.join(bin_dir, "python"), "-c", "import gg_manager, importlib.metadata as m; "
                 "print(gg_manager.__file__); print(m.version('gg-manager'))"], env=clean_env(), cwd=str(tmp_path))
    module_file, version = where.stdout.split()
    assert module_file.startswith(os.path.dirname(bin_dir)) and not module_file.startswith(ROOT)
    assert run([gg, "--version"], env=clean_env()).stdout.strip() == "gg " + version

    app = tmp_path / "my-app"
    run([gg, "init", str(app)], env=clean_env(), cwd=str(tmp_path))
    assert (app / "greengrass.yaml").is_file() and (app / "lambdas" / "inference" / "inference.py").is_file()
    valid = run([gg, "validate", "--format", "json"], env=clean_env(), cwd=str(app))
    assert json.loads(valid.stdout)["valid"] is True

    group = sandbox.unique_name("wheel")
    env = clean_env(sandbox.env())
    (app / "models" / "boxes").mkdir(parents=True)          # a model of one's own, as README's first session
    (app / "models" / "boxes" / "model-shapes.json").write_text('[{"shape": [1, 3, 224, 224]}]')
    plan = run([gg, "plan", "--var", "group=" + group, "--var", "model_source=./models/boxes", "--format", "json"],
               env=env, cwd=str(app))
    planned = json.loads(plan.stdout)
    assert planned["groups"] == [group] and planned["target"] == "v2"     # the default target
    assert {("create", "thing group", group), ("create", "lambda", group + "-inference")} <= {
        (c["action"], c["kind"], c["name"]) for c in planned["changes"]}
    # AWS itself says nothing was made by a plan
    assert group not in [g["groupName"] for g in sandbox.boto3_client("iot").list_thing_groups()["thingGroups"]]


def test_installed_gg_without_the_sandbox_extra_says_what_to_install(installed, tmp_path):
    bin_dir, _ = installed
    proc = subprocess.run([os.path.join(bin_dir, "gg"), "sandbox", "start", "--state-dir", str(tmp_path)],
                          capture_output=True, text=True, env=clean_env(), timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "error: the sandbox needs the 'sandbox' extra (moto is not installed): pip install 'gg-manager[sandbox]'"]
