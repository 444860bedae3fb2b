"""gg_manager never imports moto outside gg_manager/sandbox; the sandbox's own entry points stay moto-free."""
import pathlib
import re
import subprocess
import sys

import gg_manager

ROOT = pathlib.Path(gg_manager.__file__).parent
IMPORT_MOTO = re.compile(r"^\s*(import\s+moto\b|from\s+moto\b)|import_module\(\s*['\"]moto", re.M)
MOTO_FREE = ("process.py", "cli.py", "knobs.py", "__init__.py", "clock.py", "settings.py", "logs.py", "restjson.py",
             "mqtt_client.py", "v2/semver.py", "v2/recipes.py", "v2/deployment_document.py", "iot/rollout.py",
             "iot/job_limits.py", "iot/job_targets.py", "iot/policies.py", "tag_rules.py")


def test_no_moto_import_outside_sandbox():
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                 if "sandbox" not in p.relative_to(ROOT).parts and IMPORT_MOTO.search(p.read_text())]
    assert offenders == []


def test_sandbox_entry_points_do_not_import_moto():
    offenders = [name for name in MOTO_FREE if IMPORT_MOTO.search((ROOT / "sandbox" / name).read_text())]
    assert offenders == []
    code = ("import sys, gg_manager.cli, gg_manager.sandbox.process, gg_manager.sandbox.cli;"
            "gg_manager.cli.build_cli();"
            "print(sorted(m for m in sys.modules if m == 'moto' or m.startswith('moto.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
