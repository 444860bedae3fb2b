"""Hostile YAML: alias bombs, self-reference, deep nesting, huge files, dates and exotic tags are
located errors (or plain strings), never a traceback, a hang or gigabytes of memory."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

GG = [sys.executable, "-c", "import sys; from gg_manager.cli import main; sys.exit(main())"]
MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space for the gg process


def billion_laughs():
    """The classic YAML alias bomb ("billion laughs"): 9 levels of 9 aliases, 612 bytes."""
    lines = ['lol1: &lol1 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(2, 10):
        lines.append("lol%d: &lol%d [%s]" % (level, level, ",".join(["*lol%d" % (level - 1)] * 9)))
    return "\n".join(lines) + "\n"


def run_gg(*args, cwd=None):
    """gg in a fresh process with at most 1 GiB of memory and 60 s."""
    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    return subprocess.run(GG + list(args), capture_output=True, text=True, timeout=60,
                          preexec_fn=limit, cwd=cwd)


def test_billion_laughs_is_a_located_error_in_bounded_memory(workdir):
    bomb = billion_laughs()
    assert len(bomb) < 1024
    spec = workdir / "greengrass.yaml"
    spec.write_text(bomb)
    proc = run_gg("validate", "-f", str(spec))
    assert proc.returncode == 1, proc.stderr[-2000:]
    # lol6 is where the expansion passes the bound: 9**6 values
    assert "%s:6:7 (top): the document expands to more than 200000 values" % spec in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("text, where, message", [pytest.param(*case, id=case[2][:40]) for case in [
    ("a: &a [*a]\n", "1:8", "invalid YAML: alias *a refers to a node that contains it"),
    ("a: &a {b: *a}\n", "1:11", "invalid YAML: alias *a refers to a node that contains it"),
    ("a: " + "[" * 600 + "]" * 600 + "\n", "1:103", "invalid YAML: nesting deeper than 100 levels"),
    ("".join("  " * i + "k%d:\n" % i for i in range(600)), "100:199",
     "invalid YAML: nesting deeper than 100 levels"),
    ("a: &x 1\nb: *y\n", "2:4", "found undefined alias 'y'"),
    ("b: !!python/object:os.system ls\n", "1:4", "unsupported YAML tag !!python/object:os.system"),
    ("Group: !!binary aGVsbG8=\n", "1:8", "Group: unsupported YAML tag !!binary"),
    ("Group: !!set {a, b}\n", "1:8", "Group: unsupported YAML tag !!set"),
    ("Group: {name: !!timestamp 2001-01-01}\n", "1:15", "Group.name: unsupported YAML tag !!timestamp"),
    ("Group: {name: !Ref x}\n", "1:15", "Group.name: unsupported YAML tag !Ref"),
    ("Group: {name: 1%s}\n" % ("0" * 5000), "1:15", "Group.name: cannot read"),
    ("? [a, b]\n: 1\n", "1:3", "a key must be a plain value"),
    ("a: 1\n---\nb: 2\n", "2:1", "invalid YAML: expected a single document"),
]])
def test_hostile_structures_are_located_errors(validate, text, where, message):
    run = validate(text)
    assert run.code == 1
    assert "Traceback" not in run.text
    assert ("%s:%s " % (run.path, where)) in run.err, run.err
    assert message in run.err


def test_spec_size_limit(validate, workdir):
    big = "Group: {name: g1, tags: {big: '%s'}}\nCores: [{name: c}]\n" % ("x" * (1024 * 1024))
    run = validate(big)
    assert run.code == 1
    assert "%s:1:1 (top): spec is %d bytes; the limit is 1048576 (1 MiB)" % (run.path, len(big)) in run.err


def test_ten_megabyte_tag_value_is_a_validate_error(workdir):
    spec = workdir / "greengrass.yaml"
    spec.write_text("Group: {name: g1, tags: {big: '%s'}}\nCores: [{name: c}]\n" % ("x" * 10 ** 7))
    proc = run_gg("validate", "-f", str(spec))
    assert proc.returncode == 1 and "the limit is 1048576 (1 MiB)" in proc.stderr


def test_a_spec_that_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "greengrass.yaml"
    os.mkfifo(fifo)
    proc = run_gg("validate", "-f", str(fifo))
    assert proc.returncode == 1
    assert "greengrass.yaml:1:1 (top): cannot read spec: not a regular file" in proc.stderr


def test_a_spec_linking_outside_its_repository_is_not_read(tmp_path):
    secret = tmp_path / "elsewhere.yaml"
    secret.write_text("Group: {name: from-outside}\nCores: [{name: c}]\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    os.symlink(secret, repo / "greengrass.yaml")
    proc = run_gg("validate", cwd=repo)
    assert proc.returncode == 1
    assert "outside its repository" in proc.stderr and "from-outside" not in proc.stdout


def test_values_file_alias_bomb_is_one_line(validate, workdir):
    values = workdir / "values.yaml"
    values.write_text(billion_laughs())
    run = validate("Group: {name: g1}\nCores: [{name: c}]\n", "--values", str(values))
    assert run.code == 1
    assert "values.yaml:6:7 (top): the document expands to more than" in run.err
    assert "Traceback" not in run.text


UNQUOTED_DATES = """\
Group:
  name: 2001-01-01
  tags:
    released: 2002-12-14
    at: 2001-12-14t21:59:43.10-05:00
Cores:
  - name: c-2001-01-01
Subscriptions:
  - {Source: cloud, Subject: 2001-01-01, Target: cloud}
"""


def test_unquoted_dates_stay_strings(validate):
    run = validate(UNQUOTED_DATES.replace("Subscriptions:\n  - {Source: cloud, Subject: 2001-01-01, "
                                          "Target: cloud}\n", ""))
    assert run.code == 0, run.text
    assert "valid (1 group: 2001-01-01)" in run.out


def test_dates_in_a_wrong_place_are_reported_not_crashed(validate):
    run = validate(UNQUOTED_DATES, "--format", "json")
    assert run.code == 1
    problems = run.json()["problems"]
    assert [p["path"] for p in problems] == ["Subscriptions[0]"]
    assert "cloud to cloud" in problems[0]["message"]


def test_unquoted_dates_plan_without_a_traceback(sandbox_env, workdir, capsys):
    from gg_manager.cli import main
    spec = workdir / "greengrass.yaml"
    spec.write_text(textwrap.dedent("""\
        Group:
          name: {name}
          tags: {{released: 2002-12-14, at: 2001-12-14 21:59:43.10 -5}}
        Cores:
          - name: {name}-core
        """).format(name=sandbox_env.unique_name("d")))
    code = main(["plan", "-f", str(spec)])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert "Traceback" not in out.err and re.search(r"Plan: \d+ to create", out.out)
