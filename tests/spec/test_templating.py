"""The spec is a jinja2 template: --var, --values, --env; undefined is an error with a line."""
TEMPLATED = """\
Group:
  name: {{ group }}
Cores:
  - name: {{ group }}_core
    key_path: {{ env.GG_TEST_CERTS }}
"""


def test_var_values_and_env(validate, workdir, monkeypatch):
    monkeypatch.setenv("GG_TEST_CERTS", "./certs")
    values = workdir / "prod.yaml"
    values.write_text("group: from-file\n")
    run = validate(TEMPLATED, "--values", str(values), "--env", "GG_TEST_CERTS")
    assert run.code == 0, run.text
    assert "valid (1 group: from-file)" in run.out
    run = validate(TEMPLATED, "--values", str(values), "--var", "group=from-var",
                   "--env", "GG_TEST_CERTS")
    assert "valid (1 group: from-var)" in run.out


def test_undefined_variable_is_an_error_at_its_line(validate, monkeypatch):
    monkeypatch.setenv("GG_TEST_CERTS", "./certs")
    run = validate(TEMPLATED, "--env", "GG_TEST_CERTS")
    assert run.code == 1
    assert "%s:2:1 (top): template error: 'group' is undefined" % run.path in run.err


def test_undefined_env_variable(validate, monkeypatch):
    monkeypatch.delenv("GG_TEST_CERTS", raising=False)
    run = validate(TEMPLATED, "--var", "group=g", "--env", "GG_TEST_CERTS")
    assert run.code == 1
    assert ("%s:5:1 (top): template error: environment variable GG_TEST_CERTS is not set"
            % run.path) in run.err


def test_template_syntax_error(validate):
    run = validate("Group:\n  name: {{ group \n")
    assert run.code == 1
    assert "%s:2:1 (top): template error:" % run.path in run.err


def test_bad_var_argument(validate, capsys):
    run = validate(TEMPLATED, "--var", "novalue")
    assert run.code == 1
    assert "--var 'novalue': expected key=value" in run.err


def test_malformed_yaml(validate):
    run = validate("Group:\n  name: g\n Cores: [\n")
    assert run.code == 1
    assert run.err.startswith("%s:3:" % run.path)
    assert "invalid YAML" in run.err
    assert "Traceback" not in run.text


def test_missing_file(validate, workdir, capsys):
    from gg_manager.cli import main
    code = main(["validate", "-f", str(workdir / "nope.yaml")])
    err = capsys.readouterr().err
    assert code == 1
    assert "nope.yaml:1:1 (top): cannot read spec: No such file or directory" in err
