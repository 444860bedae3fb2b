"""A spec from a pull request is a hostile template: it can't run code, read the environment
unless the user names a variable with --env, or show a sensitive value in `gg validate`."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

import gg_manager

SPEC = """\
Group:
  name: g1
  tags:
    note: "{expr}"
Cores:
  - name: g1_core
"""

ESCAPES = [
    "{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}",
    "{{{{ joiner.__init__.__globals__.os.system('touch {marker}') }}}}",
    "{{{{ namespace.__init__.__globals__.os.popen('touch {marker}').read() }}}}",
    "{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}",
    "{{{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch {marker}') }}}}",
    "{{{{ (range|attr('__init__')).__globals__ }}}}",
    "{{{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}}}",
    "{{% include '/etc/passwd' %}}",
    "{{% import '../../outside.yaml' as x %}}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_sandbox_escapes_run_nothing_and_are_located_errors(validate, workdir, payload):
    marker = workdir / "pwned"
    run = validate(SPEC.format(expr=payload.format(marker=marker).replace('"', "'")))
    assert run.code == 1
    assert re.search(r"greengrass\.yaml:4:1 \(top\): template error: ", run.err), run.text
    assert "Traceback" not in run.text
    assert not marker.exists()


def test_no_unsandboxed_jinja_environment_in_gg_manager():
    root = pathlib.Path(gg_manager.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text()
        if re.search(r"jinja2\.Environment\(|from jinja2 import [^\n]*\bEnvironment\b|"
                     r"jinja2\.Template\(|from_string\(", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_environment_is_invisible_unless_named_with_env(validate, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    run = validate(SPEC.format(expr="{{ env.AWS_SECRET_ACCESS_KEY }}"))
    assert run.code == 1
    assert ("greengrass.yaml:4:1 (top): template error: environment variable AWS_SECRET_ACCESS_KEY "
            "is not passed to templates: allow it with --env AWS_SECRET_ACCESS_KEY") in run.err
    assert "wJalrXUtnFEMI" not in run.text


def test_a_spec_cannot_allow_itself_an_environment_variable(validate, monkeypatch):
    monkeypatch.setenv("GG_TEST_SECRET", "s3cr3t-value-1234")
    spec = "x-allow-env: [GG_TEST_SECRET]\n{% set env = {'GG_TEST_SECRET': 'x'} %}\n" + \
        SPEC.format(expr="{{ env.GG_TEST_SECRET }}")
    run = validate(spec)
    assert "s3cr3t-value-1234" not in run.text
    # `set env` shadows only inside the template; nothing reaches the real environment either way
    spec = "x-allow-env: [GG_TEST_SECRET]\n" + SPEC.format(expr="{{ env.GG_TEST_SECRET }}")
    run = validate(spec)
    assert run.code == 1 and "allow it with --env GG_TEST_SECRET" in run.err


def test_env_value_used_with_env_flag(validate, monkeypatch):
    monkeypatch.setenv("GG_TEST_STAGE", "prod")
    run = validate(SPEC.format(expr="{{ env.GG_TEST_STAGE }}"), "--env", "GG_TEST_STAGE")
    assert run.code == 0, run.text


SECRET = "hunter2-0123456789"
ECHOING = """\
Group: {{name: g1}}
Cores: [{{name: g1_core}}]
Subscriptions:
  - {{Source: cloud, Subject: a/b, Target: "{expr}"}}
"""


@pytest.mark.parametrize("expr", [
    "{{ env.GG_TEST_SECRET }}",                 # as is
    "{{ env.GG_TEST_SECRET | upper }}",         # through a filter
    "{{ env.GG_TEST_SECRET.replace('-', '+') }}",  # through a method
    "{{ env.GG_TEST_SECRET[2:] }}",             # a slice
])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_sensitive_values_never_appear_in_validate_output(validate, monkeypatch, expr, fmt):
    monkeypatch.setenv("GG_TEST_SECRET", SECRET)
    # an unknown subscription endpoint: the error message quotes the value
    run = validate(ECHOING.format(expr=expr), "--env", "GG_TEST_SECRET", "--format", fmt)
    assert run.code == 1
    for shown in (SECRET, SECRET.upper(), SECRET.replace("-", "+"), SECRET[2:]):
        assert shown not in run.text
    if fmt == "json":
        problem = run.json()["problems"][0]
        assert problem["path"] == "Subscriptions[0].Target"
        assert problem["message"].startswith("unknown endpoint '(sensitive)")
    else:
        assert "Subscriptions[0].Target: unknown endpoint '(sensitive)" in run.err


def test_sensitive_filter_marks_a_var(validate):
    run = validate(ECHOING.format(expr="{{ password | sensitive }}"),
                   "--var", "password=correct-horse-battery")
    assert run.code == 1
    assert "correct-horse-battery" not in run.text
    assert "unknown endpoint '(sensitive)'" in run.err


def test_sensitive_key_of_a_mapping_is_redacted_in_the_path(validate, monkeypatch):
    monkeypatch.setenv("GG_TEST_SECRET", SECRET)
    spec = "Group:\n  name: g1\n  tags:\n    aws:{{ env.GG_TEST_SECRET }}: v\nCores:\n  - name: c\n"
    run = validate(spec, "--env", "GG_TEST_SECRET")
    assert run.code == 1 and SECRET not in run.text and "(sensitive)" in run.err


def test_values_files_cannot_define_env(validate, workdir):
    values = workdir / "v.yaml"
    values.write_text("env: {AWS_SECRET_ACCESS_KEY: x}\n")
    run = validate(SPEC.format(expr="x"), "--values", str(values))
    assert run.code == 1 and "'env' is reserved" in run.err


@pytest.mark.parametrize("expr, message", [
    ("{{ 'x' * 100000000 }}", "larger than a template may build"),
    ("{{ 'x'.ljust(100000000) }}", "larger than a template may use"),
    ("{{ 'x' | center(100000000) }}", "larger than a template may use"),
    ("{{ '%099999d' % 1 }}", "format width"),
    ("{{ '{:0999999}'.format(1) }}", "format width"),
    ("{{ 10 ** (10 ** 8) }}", "larger than a template may compute"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}{{ ns.s }}", "larger than a template may build"),
    ("{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = [ns.s, ns.s] %}"
     "{% endfor %}{{ ns.s }}", "larger than a template may build"),
])
def test_templates_cannot_exhaust_memory(validate, expr, message):
    run = validate(SPEC.format(expr=expr.replace('"', "'")))
    assert run.code == 1
    assert "greengrass.yaml:4:1 (top): template error:" in run.err and message in run.err


def test_a_template_that_loops_forever_is_stopped(workdir):
    """Through the CLI entry point in a fresh process, with the render limit set to 1 s."""
    spec = workdir / "greengrass.yaml"
    spec.write_text(SPEC.format(expr="{% for a in range(100000) %}{% for b in range(100000) %}"
                                     "{% endfor %}{% endfor %}"))
    code = ("import sys; import gg_manager.spec.template_sandbox as t; t.RENDER_SECONDS = 1.0; "
            "from gg_manager.cli import main; sys.exit(main(['validate', '-f', sys.argv[1]]))")
    proc = subprocess.run([sys.executable, "-c", code, str(spec)], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "greengrass.yaml:4:1 (top): template error: rendering took longer than 1 s" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_gg_plan_refuses_an_environment_variable_not_named_with_env(sandbox_env, workdir, capsys):
    """The attack of issue 10: a tag that reads the pipeline's AWS secret into the PR comment."""
    from gg_manager.cli import main
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]
    spec = workdir / "greengrass.yaml"
    spec.write_text("Group:\n  name: %s\n  tags:\n    leak: \"{{ env.AWS_SECRET_ACCESS_KEY }}\"\n"
                    "Cores:\n  - name: c-%s\n" % ((sandbox_env.unique_name("e"),) * 2))
    for fmt in ("text", "markdown", "json"):
        code = main(["plan", "-f", str(spec), "--format", fmt])
        out = capsys.readouterr()
        assert code == 1
        assert secret not in out.out + out.err
        assert "greengrass.yaml:4:1 (top): template error: environment variable AWS_SECRET_ACCESS_KEY " \
               "is not passed to templates: allow it with --env AWS_SECRET_ACCESS_KEY" in out.err


def test_every_spec_command_takes_env(capsys):
    from gg_manager.cli import main
    for command in ("validate", "plan", "apply", "create", "update", "deploy", "status", "remove",
                    "rollout", "unlock"):
        assert main([command, "--help"]) == 0
        assert "--env NAME" in capsys.readouterr().out, command
