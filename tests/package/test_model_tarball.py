"""Model tarballs: deterministic bytes, round trip, refusal of unsafe paths."""
import gzip
import hashlib
import io
import os
import tarfile

import pytest

from gg_manager.errors import GGError
from gg_manager.package.model_tarball import (
    extract_model_tarball, model_digest, model_s3_key, model_s3_uri, model_source_bytes,
    pack_model_dir,
)


def make_model(root):
    (root / "sub").mkdir(parents=True)
    (root / "deploy_model_algo_1-symbol.json").write_text('{"nodes": []}')
    (root / "deploy_model_algo_1-0000.params").write_bytes(bytes(range(256)) * 40)
    (root / "sub" / "labels.txt").write_text("a\nb\n")
    (root / "empty").mkdir()
    return root


def test_same_folder_same_bytes_whatever_the_mtime(tmp_path):
    model = make_model(tmp_path / "m")
    first = pack_model_dir(model)
    os.utime(model / "sub" / "labels.txt", (1_500_000_000, 1_500_000_000))
    os.utime(model / "sub", (1_600_000_000, 1_600_000_000))
    assert pack_model_dir(model) == first
    assert pack_model_dir(make_model(tmp_path / "elsewhere")) == first


def test_content_change_changes_digest(tmp_path):
    model = make_model(tmp_path / "m")
    first = model_digest(pack_model_dir(model))
    (model / "sub" / "labels.txt").write_text("a\nc\n")
    assert model_digest(pack_model_dir(model)) != first


def test_headers_are_normalised(tmp_path):
    data = pack_model_dir(make_model(tmp_path / "m"))
    assert data[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME field
    assert data[3] & 0x08 == 0  # no FNAME in the gzip header
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == [
        "deploy_model_algo_1-0000.params", "deploy_model_algo_1-symbol.json", "empty", "sub",
        "sub/labels.txt"]
    for m in members:
        assert (m.mtime, m.uid, m.gid, m.uname, m.gname) == (0, 0, 0, "", "")
        assert m.mode == (0o755 if m.isdir() else 0o644)


def test_round_trip(tmp_path):
    model = make_model(tmp_path / "m")
    out = tmp_path / "out"
    extract_model_tarball(pack_model_dir(model), out)
    for rel in ("deploy_model_algo_1-symbol.json", "deploy_model_algo_1-0000.params",
                "sub/labels.txt"):
        assert (out / rel).read_bytes() == (model / rel).read_bytes()
    assert (out / "empty").is_dir()


def test_symlink_inside_is_stored_as_a_file(tmp_path):
    model = make_model(tmp_path / "m")
    os.symlink("sub/labels.txt", model / "labels-link.txt")
    with tarfile.open(fileobj=io.BytesIO(pack_model_dir(model)), mode="r:gz") as tar:
        member = tar.getmember("labels-link.txt")
        assert member.isfile()
        assert tar.extractfile(member).read() == b"a\nb\n"


def test_symlink_outside_is_refused(tmp_path):
    model = make_model(tmp_path / "m")
    (tmp_path / "secret").write_text("nope")
    os.symlink(tmp_path / "secret", model / "leak")
    with pytest.raises(GGError, match="leak points outside"):
        pack_model_dir(model)


def test_missing_folder(tmp_path):
    with pytest.raises(GGError, match="model folder not found"):
        pack_model_dir(tmp_path / "nope")


def _tarball(*members):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return gzip.compress(raw.getvalue())


def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


@pytest.mark.parametrize("name", ["/etc/evil", "../evil", "a/../../evil"])
def test_extract_refuses_escaping_paths(tmp_path, name):
    with pytest.raises(GGError, match="unsafe path"):
        extract_model_tarball(_tarball(_file("ok"), _file(name)), tmp_path / "out")
    assert not (tmp_path / "out" / "ok").exists()  # nothing written before the check
    assert not (tmp_path / "evil").exists()


def test_extract_refuses_links(tmp_path):
    link = tarfile.TarInfo("model.params")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    with pytest.raises(GGError, match="not a regular file"):
        extract_model_tarball(_tarball((link, None)), tmp_path / "out")


def test_digest_and_key():
    data = b"tarball"
    digest = model_digest(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert model_s3_key("MyObjectDetectionModel", digest) == \
        "gg-models/MyObjectDetectionModel/%s.tar.gz" % digest
    assert model_s3_uri("bucket", "m", digest) == "s3://bucket/gg-models/m/%s.tar.gz" % digest


@pytest.mark.parametrize("name,digest", [("a/b", "0" * 64), ("", "0" * 64), ("m", "abc"),
                                         ("m", "G" * 64)])
def test_key_refuses_bad_parts(name, digest):
    with pytest.raises(GGError):
        model_s3_key(name, digest)


def test_model_source_folder_or_tarball(tmp_path):
    model = make_model(tmp_path / "m")
    packed = pack_model_dir(model)
    assert model_source_bytes(model) == packed
    (tmp_path / "given.tar.gz").write_bytes(b"prebuilt")
    assert model_source_bytes(tmp_path / "given.tar.gz") == b"prebuilt"
    (tmp_path / "model.params").write_bytes(b"x")
    with pytest.raises(GGError, match="folder or a .tar.gz"):
        model_source_bytes(tmp_path / "model.params")


def test_keys_vcs_and_gg_state_are_never_packed(tmp_path):
    """`Source: .` would otherwise ship the repository's keys with the model."""
    root = tmp_path / "repo"
    (root / "certs").mkdir(parents=True)
    (root / "certs" / "core.key").write_text("-----BEGIN RSA PRIVATE " "KEY-----\n")
    (root / "certs" / "core.cert.pem").write_text("cert")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]")
    (root / ".gg").mkdir()
    (root / ".gg" / "x").write_text("x")
    (root / "id_rsa").write_text("k")
    (root / ".gitignore").write_text("*")
    (root / "model-symbol.json").write_text("{}")
    names = tarfile.open(fileobj=io.BytesIO(pack_model_dir(root)), mode="r:gz").getnames()
    assert sorted(names) == ["certs", "model-symbol.json"]
