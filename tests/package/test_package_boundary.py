"""A Lambda package is a folder inside the spec's repository; keys, certificates, VCS and gg folders
and links leaving the folder never reach a zip, whatever `package:` says. Driven through the CLI
(`gg validate`, `gg validate --show-package`, and `gg create` against the sandbox)."""
import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from urllib.parse import urlparse

import pytest

from gg_manager.cli import main
from gg_manager.package.lambda_zip import build_lambda_zip, lambda_code_sha256
from gg_manager.spec import load_spec
from gg_manager.spec.packaging import never_packed

SPEC = """\
Group: {{name: {group}}}
Cores: [{{name: {group}-core, key_path: ./certs, config_path: ./config}}]
Lambdas:
  - {{name: {group}-fn, handler: main.handler, package: {package}, alias: live}}
"""
HANDLER = "def handler(event, context):\n    return event\n"


class Repo:
    """A git work tree holding greengrass.yaml and a handler; runs gg in-process inside it."""

    def __init__(self, root, capsys, group="g1"):
        self.root, self.capsys, self.group = root, capsys, group
        root.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        (root / "main.py").write_text(HANDLER)

    def spec(self, package, extra=""):
        (self.root / "greengrass.yaml").write_text(SPEC.format(group=self.group, package=package) + extra)
        return self

    def gg(self, *args):
        self.capsys.readouterr()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            code = main(list(args))
        finally:
            os.chdir(cwd)
        out = self.capsys.readouterr()
        return code, out.out, out.err


@pytest.fixture
def repo(tmp_path, capsys):
    return Repo(tmp_path / "repo", capsys)


def plant_secrets(root, core="g1-core", keys=True):
    """What must never ship: a core key and cert, a stray private key, VCS and gg state."""
    if keys:
        (root / "certs").mkdir()
        (root / "certs" / ("%s.key" % core)).write_text("-----BEGIN RSA PRIVATE " "KEY-----\nsecret\n")
        (root / "certs" / ("%s.cert.pem" % core)).write_text("cert")
        (root / "config").mkdir()
        (root / "config" / "config.json").write_text("{}")
    (root / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE " "KEY-----\n")
    (root / "id_ed25519.pub").write_text("ssh-ed25519 AAAA")
    (root / "deploy.p12").write_bytes(b"\x30\x82")
    (root / "server.PEM").write_text("pem")
    (root / ".gg").mkdir()
    (root / ".gg" / "state.json").write_text("{}")
    (root / ".aws").mkdir()
    (root / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = x\n")
    (root / "lib").mkdir()
    (root / "lib" / "util.py").write_text("X = 1\n")


NEVER = {"certs/g1-core.key", "certs/g1-core.cert.pem", "config/config.json", "id_rsa",
         "id_ed25519.pub", "deploy.p12", "server.PEM", ".gg/state.json", ".aws/credentials"}


@pytest.mark.parametrize("package, message", [
    ("/etc", "a Lambda package must be a folder inside the spec's repository"),
    ("../outside", "a Lambda package '../outside' is outside the spec's repository"),
    ("lib/../../outside", "is outside the spec's repository"),
])
def test_package_outside_the_repository_is_a_located_error(repo, package, message):
    (repo.root.parent / "outside").mkdir(exist_ok=True)
    (repo.root.parent / "outside" / "main.py").write_text(HANDLER)
    (repo.root / "lib").mkdir(exist_ok=True)
    repo.spec(package)
    code, out, err = repo.gg("validate")
    assert code == 1
    assert "greengrass.yaml:4:" in err and "Lambdas[0].package: " in err and message in err


def test_package_folder_linked_outside_is_refused(repo):
    outside = repo.root.parent / "elsewhere"
    outside.mkdir()
    (outside / "main.py").write_text(HANDLER)
    os.symlink(outside, repo.root / "pkg")
    code, out, err = repo.spec("pkg").gg("validate")
    assert code == 1 and "Lambdas[0].package: a Lambda package 'pkg' is outside the spec's repository" in err


def test_model_folder_outside_the_repository_is_a_located_error(repo):
    (repo.root.parent / "model").mkdir()
    (repo.root.parent / "model" / "m.params").write_text("x")
    repo.spec(".", "Models:\n  - {Id: m, DestinationPath: /ml, Source: ../model}\n")
    code, out, err = repo.gg("validate")
    assert code == 1 and "Models[0].Source: a model folder '../model' is outside the spec's repository" in err


@pytest.mark.parametrize("target", ["/etc/hostname", "../../secret.txt", "/etc"])
def test_links_leaving_the_package_are_refused_naming_the_link(repo, target):
    (repo.root.parent / "secret.txt").write_text("s3cr3t")
    pkg = repo.root / "src"
    pkg.mkdir()
    (pkg / "main.py").write_text(HANDLER)
    os.symlink(target, pkg / "data")
    repo.spec("src")
    code, out, err = repo.gg("validate")
    assert code == 1
    assert "Lambdas[0].package: package 'src': data is a link to %s, outside the package folder; " \
           "gg never packs it" % target in err
    code, out, err = repo.gg("validate", "--show-package", "g1-fn")
    assert code == 1 and "s3cr3t" not in out


def test_links_inside_the_package_are_packed_as_files(repo):
    (repo.root / "data.txt").write_text("inside")
    os.symlink("data.txt", repo.root / "alias.txt")
    os.symlink("lib", repo.root / "libdir") if (repo.root / "lib").exists() else None
    code, out, err = repo.spec(".").gg("validate", "--show-package", "g1-fn", "--format", "json")
    report = json.loads(out)
    assert code == 0, err
    paths = {f["path"]: f for f in report["files"]}
    assert paths["alias.txt"]["sha256"] == paths["data.txt"]["sha256"]


def test_package_dot_never_packs_keys_vcs_or_gg_state(repo):
    plant_secrets(repo.root)
    repo.spec(".")
    code, out, err = repo.gg("validate", "--show-package", "g1-fn", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    packed = {f["path"] for f in report["files"]}
    assert packed == {"greengrass.yaml", "lib/util.py", "main.py"}
    reasons = {e["path"]: e["reason"] for e in report["left_out"]}
    assert reasons == {
        ".aws/": "credentials folder", ".git/": "version control folder", ".gg/": "gg state folder",
        "certs/": "key folder of core g1-core", "config/": "config folder of core g1-core",
        "deploy.p12": "key or certificate file", "id_ed25519.pub": "key or certificate file",
        "id_rsa": "key or certificate file", "server.PEM": "key or certificate file"}
    # the zip itself, built as gg builds it for upload, holds exactly that
    spec = load_spec(str(repo.root / "greengrass.yaml")).spec
    data = build_lambda_zip(spec.groups[0].function("g1-fn").package, exclude_dirs=never_packed(spec))
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert names == packed and not names & NEVER
    assert lambda_code_sha256(data) == report["code_sha256"]


def test_key_files_are_never_packed_even_without_the_spec_exclusions(repo):
    """What build_lambda_zip leaves out on its own, whoever calls it."""
    plant_secrets(repo.root)
    names = set(zipfile.ZipFile(io.BytesIO(build_lambda_zip(repo.root))).namelist())
    assert not names & (NEVER - {"config/config.json"})


def test_show_package_text_lists_sizes_hashes_and_reasons(repo):
    plant_secrets(repo.root)
    code, out, err = repo.spec(".").gg("validate", "--show-package", "g1-fn")
    assert code == 0, err
    assert "Lambda g1-fn: package . (runtime python3.11)" in out           # the default on V2, the default target
    assert "zip: 3 files," in out
    short = hashlib.sha256(HANDLER.encode()).hexdigest()[:12]
    assert re.search(r"\n  main\.py +%d  %s\n" % (len(HANDLER), short), out), out
    assert "  certs/          key folder of core g1-core" in out


def test_show_package_of_an_unknown_lambda(repo):
    code, out, err = repo.spec(".").gg("validate", "--show-package", "g1-fm")
    assert code == 1
    assert "error: Lambda 'g1-fm' is not in greengrass.yaml (did you mean 'g1-fn'?)" in err


def test_show_package_is_deterministic(repo):
    repo.spec(".")
    first = json.loads(repo.gg("validate", "--show-package", "g1-fn", "--format", "json")[1])
    os.utime(repo.root / "main.py", (1, 1))
    second = json.loads(repo.gg("validate", "--show-package", "g1-fn", "--format", "json")[1])
    assert first["code_sha256"] == second["code_sha256"]


def _download(sandbox, location):
    url = urlparse(location)
    bucket, key = url.hostname.split(".s3.")[0], url.path.lstrip("/")
    return sandbox.boto3_client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def test_the_zip_gg_uploads_holds_no_key(sandbox_env, tmp_path, capsys):
    """`package: .` in a project where gg create writes the core's key; then a code change is
    applied, so the zip is built while the key is there: unzip what was uploaded."""
    group = sandbox_env.unique_name("pk")
    repo = Repo(tmp_path / "repo", capsys, group=group)
    plant_secrets(repo.root, keys=False)
    repo.spec(".")
    code, out, err = repo.gg("create", "--yes", "-f", "greengrass.yaml")
    assert code == 0, out + err
    key = repo.root / "certs" / ("%s-core.key" % group)
    assert key.read_bytes().startswith(b"-----BEGIN RSA PRIVATE " b"KEY-----")
    (repo.root / "main.py").write_text(HANDLER + "VERSION = 2\n")
    code, out, err = repo.gg("apply", "--yes", "-f", "greengrass.yaml")
    assert code == 0, out + err
    location = sandbox_env.boto3_client("lambda").get_function(FunctionName=group + "-fn")["Code"]["Location"]
    uploaded = zipfile.ZipFile(io.BytesIO(_download(sandbox_env, location)))
    names = set(uploaded.namelist())
    assert {"main.py", "lib/util.py", "greengrass.yaml"} <= names
    assert uploaded.read("main.py").endswith(b"VERSION = 2\n")
    leaked = [n for n in names if n.endswith((".key", ".pem", ".PEM", ".p12")) or n.startswith(
        ("certs/", ".git/", ".gg/", ".aws/")) or "id_rsa" in n or "id_ed25519" in n]
    assert leaked == []
    assert not any(key.read_bytes() in uploaded.read(n) for n in names)
