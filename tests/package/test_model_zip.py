"""Model ZIPs for Greengrass V2: deterministic bytes from a folder or a tar.gz, unsafe archives refused."""
import io
import os
import stat
import tarfile
import zipfile

import pytest

from gg_manager.errors import GGError
from gg_manager.package.model_tarball import pack_model_dir
from gg_manager.package.model_zip import (model_zip, model_zip_from_dir, model_zip_from_tarball,
                                          model_zip_key, zip_digest)


def make_model(root):
    (root / "sub").mkdir(parents=True)
    (root / "model-symbol.json").write_text('{"nodes": []}')
    (root / "model-0000.params").write_bytes(bytes(range(256)) * 40)
    (root / "sub" / "labels.txt").write_text("a\nb\n")
    (root / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "run.sh", 0o755)
    return root


def listing(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: (zf.read(i), stat.S_IMODE(i.external_attr >> 16)) for i in zf.infolist()}


def test_same_folder_same_bytes_whatever_the_mtime_or_place(tmp_path):
    model = make_model(tmp_path / "m")
    first = model_zip_from_dir(model)
    os.utime(model / "sub" / "labels.txt", (1_500_000_000, 1_500_000_000))
    assert model_zip_from_dir(model) == first
    assert model_zip_from_dir(make_model(tmp_path / "elsewhere")) == first


def test_files_paths_and_modes_survive(tmp_path):
    files = listing(model_zip_from_dir(make_model(tmp_path / "m")))
    assert set(files) == {"model-symbol.json", "model-0000.params", "sub/labels.txt", "run.sh"}
    assert files["sub/labels.txt"] == (b"a\nb\n", 0o644)
    assert files["run.sh"][1] == 0o755


def test_a_tarball_repacks_to_the_very_zip_of_its_folder(tmp_path):
    model = make_model(tmp_path / "m")
    assert model_zip_from_tarball(pack_model_dir(model)) == model_zip_from_dir(model)


def test_a_tarball_made_with_dot_prefixes_and_mtimes_repacks_the_same(tmp_path):
    model = make_model(tmp_path / "m")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:   # like `tar czf m.tar.gz .` would
        tar.add(str(model), arcname=".")
    assert model_zip_from_tarball(raw.getvalue()) == model_zip_from_dir(model)


def test_content_change_changes_the_digest_and_key(tmp_path):
    model = make_model(tmp_path / "m")
    first = zip_digest(model_zip_from_dir(model))
    (model / "sub" / "labels.txt").write_text("a\nc\n")
    second = zip_digest(model_zip_from_dir(model))
    assert first != second
    assert model_zip_key("classifier", second) == "gg-models/classifier/%s.zip" % second


def _tar_with(member, data=b"x"):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        tar.addfile(member, io.BytesIO(data) if member.isfile() else None)
    return raw.getvalue()


@pytest.mark.parametrize("member", [
    tarfile.TarInfo("../../etc/cron.d/evil"),
    tarfile.TarInfo("/etc/passwd"),
])
def test_unsafe_paths_are_refused(member):
    member.size = 1
    with pytest.raises(GGError, match="unsafe path"):
        model_zip_from_tarball(_tar_with(member))


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE])
def test_links_and_devices_are_refused(kind):
    member = tarfile.TarInfo("model.params")
    member.type = kind
    member.linkname = "/etc/shadow"
    with pytest.raises(GGError, match="not a regular file"):
        model_zip_from_tarball(_tar_with(member))


def test_garbage_and_empty_archives_are_clear_errors(tmp_path):
    with pytest.raises(GGError, match="not a readable tar.gz"):
        model_zip_from_tarball(b"not an archive at all")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz"):
        pass
    with pytest.raises(GGError, match="no file"):
        model_zip_from_tarball(raw.getvalue())
    (tmp_path / "empty").mkdir()
    with pytest.raises(GGError, match="no file"):
        model_zip_from_dir(tmp_path / "empty")


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    model = make_model(tmp_path / "m")
    (tmp_path / "secret").write_text("key")
    os.symlink(tmp_path / "secret", model / "weights.params")
    with pytest.raises(GGError, match="points outside"):
        model_zip_from_dir(model)


def test_local_source_kinds(tmp_path):
    model = make_model(tmp_path / "m")
    tarball = tmp_path / "m.tar.gz"
    tarball.write_bytes(pack_model_dir(model))
    assert model_zip(model) == model_zip(tarball)
    with pytest.raises(GGError, match="expected a folder"):
        model_zip(tmp_path / "missing")
    with pytest.raises(GGError):
        model_zip_key("../x", "a" * 64)
