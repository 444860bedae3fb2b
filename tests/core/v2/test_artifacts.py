"""Artifacts on disk: where V2 puts them, digests, and ZIPs that try to escape or explode."""
import base64
import hashlib
import io
import json
import os
import stat
import zipfile

import pytest

from gg_manager.core.v2.artifacts import ArtifactError, ArtifactStore
from gg_manager.core.v2.candidates import Candidates, RecipeStore
from gg_manager.core.v2.errors import DeploymentError
from gg_manager.core.v2.layout import Layout, UnsafePath
from gg_manager.core.v2.unzip import UnzipError, unzip

from .fakes import FakeCloud, zip_bytes

LINUX = {"os": "linux", "architecture": "amd64"}


def sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _publish(cloud, artifacts, files, name="com.example.App", version="1.0.0"):
    return cloud.publish({"RecipeFormatVersion": "2020-01-25", "ComponentName": name, "ComponentVersion": version,
                          "Manifests": [{"Platform": {"os": "linux"}, "Artifacts": artifacts}]}, files)


def _prepare(tmp_path, cloud, name="com.example.App", requirement="1.0.0", **limits):
    layout = Layout(str(tmp_path / "gg"))
    candidates = Candidates(cloud, RecipeStore(layout), LINUX)
    from gg_manager.core.v2.semver import Requirement
    recipe = candidates(name, {"thinggroup/g": Requirement(requirement)})
    ArtifactStore(layout, cloud, **limits).prepare(recipe, candidates.candidate(recipe))
    return layout, recipe


def test_zip_is_unpacked_under_artifacts_unarchived_and_digests_are_checked(tmp_path):
    cloud = FakeCloud()
    model = zip_bytes({"model/params": b"p" * 10, "labels.txt": b"cat\n"})
    script = b"#!/bin/sh\necho hi\n"
    _publish(cloud, [{"URI": "s3://bucket/keys/model-v1.zip", "Unarchive": "ZIP", "Digest": sha256(model),
                      "Algorithm": "SHA-256"},
                     {"URI": "greengrass:run.sh", "Permission": {"Execute": "OWNER"}}],
             {"model-v1.zip": model, "run.sh": script})
    layout, recipe = _prepare(tmp_path, cloud)
    root = str(tmp_path / "gg")
    assert open(os.path.join(root, "packages/artifacts/com.example.App/1.0.0/model-v1.zip"), "rb").read() == model
    unpacked = os.path.join(root, "packages/artifacts-unarchived/com.example.App/1.0.0/model-v1")
    assert sorted(os.listdir(unpacked)) == ["labels.txt", "model"]
    assert open(os.path.join(unpacked, "model/params"), "rb").read() == b"p" * 10
    run = os.path.join(root, "packages/artifacts/com.example.App/1.0.0/run.sh")
    assert os.stat(run).st_mode & stat.S_IXUSR
    # already there and intact: not downloaded again
    before = len(cloud.downloads)
    _prepare(tmp_path, cloud)
    assert len(cloud.downloads) == before
    assert json.load(open(layout.recipe("com.example.App", "1.0.0")))["arn"].endswith(":versions:1.0.0")


def test_a_digest_mismatch_fails_and_leaves_no_file(tmp_path):
    cloud = FakeCloud()
    _publish(cloud, [{"URI": "s3://b/app.bin", "Digest": sha256(b"expected"), "Algorithm": "SHA-256"}],
             {"app.bin": b"tampered"})
    with pytest.raises(ArtifactError, match="does not match") as err:
        _prepare(tmp_path, cloud)
    assert "ARTIFACT_CHECKSUM_MISMATCH" in err.value.error_stack
    folder = tmp_path / "gg/packages/artifacts/com.example.App/1.0.0"
    assert not folder.exists() or os.listdir(folder) == []


@pytest.mark.parametrize("uri,code", [("docker:nginx", "UNSUPPORTED_ARTIFACT_SCHEME"), ("https://x/y", "UNSUPPORTED_ARTIFACT_SCHEME"),
                                      ("s3:/b", "ARTIFACT_URI_NOT_VALID"), ("greengrass:..", "ARTIFACT_URI_NOT_VALID")])
def test_unusable_uris(tmp_path, uri, code):
    cloud = FakeCloud()
    _publish(cloud, [{"URI": uri}], {})
    with pytest.raises(ArtifactError) as err:
        _prepare(tmp_path, cloud)
    assert code in err.value.error_stack


def test_download_failures_and_size_limit_name_the_artifact(tmp_path):
    cloud = FakeCloud()
    _publish(cloud, [{"URI": "greengrass:big.bin"}], {"big.bin": b"x" * 2048})
    with pytest.raises(ArtifactError, match="big.bin.*larger than 1024"):
        _prepare(tmp_path, cloud, max_artifact_bytes=1024)
    cloud.fail.add("download")
    with pytest.raises(ArtifactError, match="cannot download") as err:
        _prepare(tmp_path, cloud)
    assert err.value.error_stack[:2] == ["DEPLOYMENT_FAILURE", "ARTIFACT_DOWNLOAD_ERROR"]


def _raw_zip(entries):
    """entries: (name, data, unix mode or None)"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize("entries,message", [
    ([("../escape.txt", b"x", None)], "outside"),
    ([("a/../../escape.txt", b"x", None)], "outside"),
    ([("/etc/passwd-copy", b"x", None)], "outside"),
    ([("c:/windows.txt", b"x", None)], "outside"),
    ([("dir\\..\\x", b"x", None)], "backslash"),
    ([("link", b"/etc/passwd", stat.S_IFLNK | 0o777)], "symbolic link"),
])
def test_hostile_zips_are_refused_and_nothing_is_left(tmp_path, entries, message):
    path = tmp_path / "evil.zip"
    path.write_bytes(_raw_zip(entries))
    dest = tmp_path / "out" / "evil"
    with pytest.raises(UnzipError, match=message):
        unzip(str(path), str(dest))
    assert not dest.exists() and not (tmp_path / "out" / "evil.partial").exists()
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "out" / "escape.txt").exists()


def test_zip_bombs_are_bounded_even_when_headers_lie(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(UnzipError, match="more than"):
        unzip(str(bomb), str(tmp_path / "b1"), max_bytes=1024 * 1024)
    # a header that understates the size: counted while copying
    data = bytearray(bomb.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")       # uncompressed size in the central directory
    liar = tmp_path / "liar.zip"
    liar.write_bytes(bytes(data))
    with pytest.raises(UnzipError):
        unzip(str(liar), str(tmp_path / "b2"), max_bytes=1024 * 1024)
    assert not (tmp_path / "b2").exists()
    many = tmp_path / "many.zip"
    many.write_bytes(_raw_zip([("f%d" % i, b"", None) for i in range(20)]))
    with pytest.raises(UnzipError, match="entries"):
        unzip(str(many), str(tmp_path / "b3"), max_entries=10)
    (tmp_path / "not.zip").write_bytes(b"plain text")
    with pytest.raises(UnzipError, match="not a readable ZIP"):
        unzip(str(tmp_path / "not.zip"), str(tmp_path / "b4"))


def test_a_new_unzip_replaces_the_old_folder_whole(tmp_path):
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    first.write_bytes(_raw_zip([("old.txt", b"1", None)]))
    second.write_bytes(_raw_zip([("new.txt", b"2", None)]))
    unzip(str(first), str(tmp_path / "d"))
    unzip(str(second), str(tmp_path / "d"))
    assert os.listdir(tmp_path / "d") == ["new.txt"]


def test_layout_paths_stay_under_the_root(tmp_path):
    layout = Layout(str(tmp_path))
    assert layout.artifacts("a", "1.0.0") == str(tmp_path / "packages/artifacts/a/1.0.0")
    assert layout.unarchived("a", "1.0.0") == str(tmp_path / "packages/artifacts-unarchived/a/1.0.0")
    assert layout.log("a") == str(tmp_path / "logs/a.log") and layout.work("a") == str(tmp_path / "work/a")
    with pytest.raises(UnsafePath):
        layout.work("../../etc")


def test_a_recipe_that_is_not_the_version_it_was_resolved_as_is_refused(tmp_path):
    cloud = FakeCloud()
    _publish(cloud, [], {})
    text, files, arn = cloud.components["com.example.App"]["1.0.0"]
    cloud.components["com.example.App"]["1.0.0"] = (text.replace("com.example.App", "com.example.Other"), files, arn)
    with pytest.raises(DeploymentError, match="not the component version it was resolved as"):
        _prepare(tmp_path, cloud)
