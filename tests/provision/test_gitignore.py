"""Key and config folders gg creates stay out of git; `gg validate` warns about a key folder git
would not ignore. Checked with git itself (`git status --porcelain`, `git check-ignore`)."""
import os
import subprocess

import pytest

from gg_manager.cli import main
from gg_manager.provision.certs import load_or_create_key
from gg_manager.provision.core_config import write_config
from gg_manager.provision.gitignore import is_ignored, protect_new_folder


def git(root, *args):
    return subprocess.run(["git", "-C", str(root)] + list(args), capture_output=True, text=True)


def porcelain(root):
    return git(root, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


def test_a_key_folder_gg_creates_in_git_ignores_itself(repo):
    load_or_create_key(repo / "certs", "core1")
    write_config(repo / "config" / "config.json", {"coreThing": {}})
    assert (repo / "certs" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (repo / "config" / ".gitignore").exists()
    assert porcelain(repo) == []
    assert git(repo, "check-ignore", "-q", "certs/core1.key").returncode == 0


def test_nested_new_key_folder(repo):
    load_or_create_key(repo / "secrets" / "certs", "core1")
    assert porcelain(repo) == []


def test_nothing_written_outside_git(tmp_path):
    load_or_create_key(tmp_path / "certs", "core1")
    assert not (tmp_path / "certs" / ".gitignore").exists()
    assert is_ignored(tmp_path / "certs") is None


def test_nothing_written_when_git_already_ignores_it_and_user_files_untouched(repo):
    (repo / ".gitignore").write_text("certs/\n")
    load_or_create_key(repo / "certs", "core1")
    assert not (repo / "certs" / ".gitignore").exists()
    assert (repo / ".gitignore").read_text() == "certs/\n"
    assert porcelain(repo) == ["?? .gitignore"]


def test_an_existing_folder_is_not_touched(repo):
    (repo / "certs").mkdir()
    load_or_create_key(repo / "certs", "core1")
    assert not (repo / "certs" / ".gitignore").exists()
    assert "?? certs/core1.key" in porcelain(repo)


def test_protect_never_replaces_a_gitignore(repo):
    (repo / "keys").mkdir()
    (repo / "keys" / ".gitignore").write_text("# mine\n")
    assert protect_new_folder(repo / "keys", ("a.key",)) is False
    assert (repo / "keys" / ".gitignore").read_text() == "# mine\n"


SPEC = """\
Group: {{name: {group}}}
Cores: [{{name: {group}-core, key_path: ./certs, config_path: ./config}}]
"""


@pytest.mark.parametrize("target, config", [("v2", "certs/{group}-core.config.yaml"), ("v1", "config/config.json")])
def test_gg_create_in_a_fresh_repository_leaves_no_key_for_git(sandbox_env, repo, capsys, target, config):
    group = sandbox_env.unique_name("gi")
    (repo / "greengrass.yaml").write_text(SPEC.format(group=group))
    (repo / ".gitignore").write_text("*.log\n")
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        code = main(["create", "--yes", "-f", "greengrass.yaml", "--target", target])
    finally:
        os.chdir(cwd)
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert (repo / "certs" / ("%s-core.key" % group)).exists()
    assert (repo / config.format(group=group)).exists()
    assert sorted(porcelain(repo)) == ["?? .gitignore", "?? greengrass.yaml"]
    assert (repo / ".gitignore").read_text() == "*.log\n"


def validate(repo, capsys):
    capsys.readouterr()
    code = main(["validate", "-f", str(repo / "greengrass.yaml")])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_validate_warns_about_a_key_folder_git_would_not_ignore(repo, capsys):
    (repo / "greengrass.yaml").write_text(SPEC.format(group="g1"))
    code, text = validate(repo, capsys)
    assert code == 0 and "warning" not in text            # no folder yet: gg will protect it
    (repo / "certs").mkdir()
    code, text = validate(repo, capsys)
    assert code == 0
    assert ("greengrass.yaml:2:35 Cores[0].key_path: warning: key folder './certs' is not ignored "
            "by git") in text
    (repo / ".gitignore").write_text("/certs/\n")
    code, text = validate(repo, capsys)
    assert code == 0 and "warning" not in text


def test_validate_warns_for_the_default_key_folder_at_the_core(repo, capsys):
    (repo / "greengrass.yaml").write_text("Group: {name: g1}\nCores: [{name: c1}]\n")
    (repo / "certs").mkdir()
    code, text = validate(repo, capsys)
    assert code == 0 and "greengrass.yaml:2:9 Cores[0]: warning: key folder './certs'" in text
