"""Lambda zips: deterministic bytes, exclusions, vendoring of pure wheels only."""
import base64
import hashlib
import io
import os
import sysconfig
import zipfile

import pytest

from gg_manager.errors import GGError
from gg_manager.package.lambda_zip import (
    build_lambda_zip, fetch_wheels, is_pure_python_wheel, lambda_code_sha256, requirements_key,
)


def make_package(root):
    (root / "sub").mkdir(parents=True)
    (root / "main.py").write_text("def lambda_handler(event, context):\n    return event\n")
    (root / "sub" / "helper.py").write_text("X = 1\n")
    (root / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "run.sh", 0o775)
    os.chmod(root / "main.py", 0o600)
    return root


def make_wheel(folder, name, version="1.0", tag="py3-none-any", files=None):
    """Write a minimal valid wheel; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    dist = "%s-%s.dist-info" % (name, version)
    files = dict(files or {"%s/__init__.py" % name: "VALUE = %r\n" % name})
    files[dist + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    files[dist + "/WHEEL"] = ("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: %s\n"
                              % tag)
    record = "".join("%s,,\n" % n for n in files) + dist + "/RECORD,,\n"
    files[dist + "/RECORD"] = record
    path = folder / ("%s-%s-%s.whl" % (name, version, tag))
    with zipfile.ZipFile(path, "w") as zf:
        for n, text in files.items():
            zf.writestr(n, text)
    return path


def names(zip_bytes):
    return zipfile.ZipFile(io.BytesIO(zip_bytes)).namelist()


def test_same_input_same_bytes_and_mtime_does_not_matter(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    first = build_lambda_zip(pkg)
    os.utime(pkg / "main.py", (1_000_000_000, 1_000_000_000))
    os.utime(pkg / "sub" / "helper.py", (2_000_000_000, 2_000_000_000))
    assert build_lambda_zip(pkg) == first


def test_copy_elsewhere_gives_same_bytes(tmp_path):
    a = build_lambda_zip(make_package(tmp_path / "a"))
    b = build_lambda_zip(make_package(tmp_path / "b"))
    assert a == b


def test_content_change_changes_bytes(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    first = build_lambda_zip(pkg)
    (pkg / "sub" / "helper.py").write_text("X = 2\n")
    assert build_lambda_zip(pkg) != first


def test_entries_sorted_fixed_date_normalised_modes(tmp_path):
    data = build_lambda_zip(make_package(tmp_path / "pkg"))
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.namelist() == ["main.py", "run.sh", "sub/helper.py"]
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    assert modes == {"main.py": 0o644, "run.sh": 0o755, "sub/helper.py": 0o644}
    assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert zf.read("sub/helper.py") == b"X = 1\n"


def test_excludes_caches_and_vcs(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"x")
    (pkg / "sub" / "helper.pyc").write_bytes(b"x")
    (pkg / ".git").mkdir()
    (pkg / ".git" / "HEAD").write_text("ref")
    (pkg / ".DS_Store").write_bytes(b"x")
    (pkg / "sub" / ".DS_Store").write_bytes(b"x")
    assert names(build_lambda_zip(pkg)) == ["main.py", "run.sh", "sub/helper.py"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(GGError, match="not found"):
        build_lambda_zip(tmp_path / "nope")


def test_code_sha256_is_base64_of_sha256():
    data = b"some zip bytes"
    assert lambda_code_sha256(data) == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert len(lambda_code_sha256(data)) == 44


def test_vendors_pure_wheel_offline_and_deterministically(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    index = tmp_path / "index"
    make_wheel(index, "tinypkg")
    kwargs = dict(requirements=["tinypkg"], find_links=index, no_index=True)
    first = build_lambda_zip(pkg, cache_dir=tmp_path / "cache1", **kwargs)
    assert "tinypkg/__init__.py" in names(first)
    assert "tinypkg-1.0.dist-info/METADATA" in names(first)
    assert zipfile.ZipFile(io.BytesIO(first)).read("tinypkg/__init__.py") == b"VALUE = 'tinypkg'\n"
    # a second, independent download (fresh cache, later time) yields the same bytes
    second = build_lambda_zip(pkg, cache_dir=tmp_path / "cache2", **kwargs)
    assert second == first
    # and a cached build does not call pip again: remove the index, still builds
    for wheel in index.iterdir():
        wheel.unlink()
    assert build_lambda_zip(pkg, cache_dir=tmp_path / "cache1", **kwargs) == first


def test_wheel_data_purelib_goes_to_root_and_scripts_are_dropped(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    index = tmp_path / "index"
    make_wheel(index, "datapkg", files={
        "datapkg.py": "A = 1\n",
        "datapkg-1.0.data/purelib/extra_mod.py": "B = 2\n",
        "datapkg-1.0.data/scripts/tool": "#!/bin/sh\n",
    })
    data = build_lambda_zip(pkg, ["datapkg"], cache_dir=tmp_path / "c", find_links=index, no_index=True)
    assert "datapkg.py" in names(data)
    assert "extra_mod.py" in names(data)
    assert not [n for n in names(data) if "scripts" in n or n.endswith("tool")]


def test_refuses_platform_wheel_naming_the_package(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    index = tmp_path / "index"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    make_wheel(index, "fastnative", tag="cp311-cp311-%s" % platform)
    with pytest.raises(GGError, match="fastnative-1.0-cp311.*not a pure-Python wheel"):
        build_lambda_zip(pkg, ["fastnative"], cache_dir=tmp_path / "c", find_links=index,
                         no_index=True)


def test_refuses_platform_wheel_found_in_cache(tmp_path):
    cache = tmp_path / "cache"
    target = cache / requirements_key(["numpyish"])
    make_wheel(target, "numpyish", tag="cp37-cp37m-manylinux2014_aarch64")
    (target / ".complete").write_text("ok\n")
    with pytest.raises(GGError, match="numpyish"):
        fetch_wheels(["numpyish"], cache_dir=cache)


def test_pip_failure_is_a_gg_error(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    (tmp_path / "empty").mkdir()
    with pytest.raises(GGError, match="pip could not fetch doesnotexist"):
        build_lambda_zip(pkg, ["doesnotexist"], cache_dir=tmp_path / "c",
                         find_links=tmp_path / "empty", no_index=True)
    assert not list((tmp_path / "c").iterdir())  # no half-filled cache entry left


def test_clash_between_package_and_wheel_is_refused(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    index = tmp_path / "index"
    make_wheel(index, "clash", files={"main.py": "oops\n"})
    with pytest.raises(GGError, match="main.py.*clashes"):
        build_lambda_zip(pkg, ["clash"], cache_dir=tmp_path / "c", find_links=index, no_index=True)


@pytest.mark.parametrize("filename,pure", [
    ("six-1.16.0-py2.py3-none-any.whl", True),
    ("requests-2.31.0-py3-none-any.whl", True),
    ("oldlib-1.0-py2-none-any.whl", False),
    ("numpy-1.23.5-cp38-cp38-manylinux_2_17_aarch64.manylinux2014_aarch64.whl", False),
    ("cffi-1.0-cp38-abi3-linux_x86_64.whl", False),
    ("pkg-1.0-1build-py3-none-any.whl", True),
])
def test_pure_wheel_detection(filename, pure):
    assert is_pure_python_wheel(filename) is pure


def test_requirements_key_ignores_order_and_duplicates():
    assert requirements_key(["b", "a", "a"]) == requirements_key(["a", "b"])
    assert requirements_key(["a"]) != requirements_key(["a==2"])


def test_python_version_resolves_for_the_lambda_runtime(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    index = tmp_path / "index"
    make_wheel(index, "tinypkg", "1.0")
    newer = make_wheel(tmp_path / "build", "tinypkg", "2.0")
    with zipfile.ZipFile(newer) as src, zipfile.ZipFile(index / newer.name, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("METADATA"):
                data += b"Requires-Python: >=3.10\n"
            dst.writestr(item, data)
    kwargs = dict(find_links=index, no_index=True)
    for_38 = build_lambda_zip(pkg, ["tinypkg"], cache_dir=tmp_path / "c", python_version="3.8",
                              **kwargs)
    assert "tinypkg-1.0.dist-info/METADATA" in names(for_38)
    here = build_lambda_zip(pkg, ["tinypkg"], cache_dir=tmp_path / "c", **kwargs)
    assert "tinypkg-2.0.dist-info/METADATA" in names(here)
