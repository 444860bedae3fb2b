"""Deterministic Lambda deployment zips: same sources, same bytes, same CodeSha256.

The zip holds the files of a package folder (less what contents.py says must never
ship: keys, certificates, VCS and gg folders, the cores' key and config folders,
links leaving the folder) plus, at its root, the contents of pure-Python wheels for
the requirements (only wheels: pip never builds an sdist here, so a requirement
cannot run code on the machine that plans). Entry order, timestamps (1980-01-01),
permissions (0644, or 0755 where the owner may execute) and compression are
fixed, so the bytes depend only on file paths and contents. That is what lets
the reconciler skip `update_function_code` when the Lambda's CodeSha256 is
already equal to `lambda_code_sha256(zip)`.
"""
import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from gg_manager.errors import GGError
from gg_manager.package.contents import (MAX_ZIPPED_BYTES, check_scan, read_packed,
                                         scan_package)

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
EXCLUDED_DIRS = frozenset({"__pycache__", ".git", ".hg", ".svn", ".mypy_cache", ".pytest_cache"})
EXCLUDED_FILES = frozenset({".DS_Store"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
DEFAULT_CACHE_DIR = Path(".gg") / "cache" / "wheels"
_DONE_MARK = ".complete"


def build_lambda_zip(package_dir, requirements=(), cache_dir=None, find_links=None,
                     no_index=False, pip_args=(), python_version=None, exclude_dirs=()):
    """Zip `package_dir` with `requirements` (pure-Python only) vendored at its root.

    `python_version` (e.g. "3.8", the Lambda runtime's) makes pip resolve for
    that Python instead of this one. `find_links`/`no_index` are passed to pip
    (offline builds, tests). `exclude_dirs`: folders never packed (every core's
    key_path and config_path: gg_manager.spec.packaging.never_packed(spec)).
    Raises GGError for a missing folder, a link leaving the folder, a platform-
    specific wheel, a failing pip, a path present both in the package and in a
    vendored wheel, or a zip over Lambda's size quotas.
    """
    root = Path(package_dir)
    entries = package_entries(root, exclude_dirs)
    if requirements:
        wheels = fetch_wheels(requirements, cache_dir=cache_dir, find_links=find_links,
                              no_index=no_index, pip_args=pip_args,
                              python_version=python_version)
        for wheel in wheels:
            for name, data in _wheel_files(wheel):
                if name in entries:
                    raise GGError("%s: vendored file %s (from %s) clashes with a file of the package"
                                  % (root, name, wheel.name))
                entries[name] = (data, False)
    data = _zip_bytes(entries)
    if len(data) > MAX_ZIPPED_BYTES:
        raise GGError("%s: the zip is %d bytes; AWS Lambda takes at most %d in a direct upload"
                      % (root, len(data), MAX_ZIPPED_BYTES))
    return data


def package_entries(package_dir, exclude_dirs=()):
    """{zip name: (bytes, executable)} of the files of a package folder that may be packed."""
    scan = scan_package(package_dir, exclude_dirs)
    check_scan(scan, "Lambda package %s" % package_dir)
    return {f.name: read_packed(f) for f in scan.files}


def lambda_code_sha256(zip_bytes):
    """Base64 SHA-256 of the zip, as the Lambda API reports it in CodeSha256."""
    return base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode("ascii")


def _excluded(name):
    return name in EXCLUDED_FILES or name.endswith(EXCLUDED_SUFFIXES)


def _zip_bytes(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(entries):
            data, executable = entries[name]
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.create_system = 3  # unix, so external_attr holds POSIX mode bits
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


# --- vendoring -----------------------------------------------------------------

def parse_wheel_tags(filename):
    """(python tag, abi tag, platform tag) of a wheel file name (PEP 427)."""
    parts = Path(filename).name[:-len(".whl")].split("-")
    if len(parts) not in (5, 6):
        raise GGError("not a wheel file name: %s" % filename)
    return parts[-3], parts[-2], parts[-1]


def is_pure_python_wheel(filename):
    """True for wheels that run on any Python 3 platform (abi none, platform any)."""
    python, abi, platform = parse_wheel_tags(filename)
    pythons = python.split(".")
    return abi == "none" and platform == "any" and any(p.startswith("py3") for p in pythons)


def requirements_key(requirements, find_links=None, no_index=False, pip_args=(),
                     python_version=None):
    """Cache key of a requirement set: order and duplicates do not matter."""
    parts = sorted(set(str(r).strip() for r in requirements))
    parts += ["--python-version=%s" % python_version] if python_version else []
    parts += ["--find-links=%s" % find_links] if find_links else []
    parts += ["--no-index"] if no_index else []
    parts += list(pip_args)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]


def wheels_cached(requirements, python_version=None, cache_dir=None):
    """True when fetch_wheels() would find these requirements' wheels without pip."""
    cache_root = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
    return (cache_root / requirements_key(requirements, python_version=python_version)
            / _DONE_MARK).exists()


def fetch_wheels(requirements, cache_dir=None, find_links=None, no_index=False, pip_args=(),
                 python_version=None):
    """Wheels for `requirements` and their dependencies, cached by requirement set.

    Uses `pip wheel --only-binary=:all:`, or `pip download --only-binary=:all:
    --python-version X` when a target Python is given (never an sdist build: a
    requirement named in a spec must not run its setup code here), then
    refuses any wheel with platform or ABI tags: a Lambda zip built here must
    run on the core's CPU.
    """
    cache_root = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
    target = cache_root / requirements_key(requirements, find_links, no_index, pip_args,
                                           python_version)
    if not (target / _DONE_MARK).exists():
        _pip_wheel(requirements, target, find_links, no_index, pip_args, python_version)
    wheels = sorted(target.glob("*.whl"))
    impure = [w.name for w in wheels if not is_pure_python_wheel(w.name)]
    if impure:
        raise GGError("cannot vendor %s into a Lambda zip: not a pure-Python wheel (it is built "
                      "for one platform/interpreter); install it on the core instead"
                      % ", ".join(impure))
    return wheels


def _pip_wheel(requirements, target, find_links, no_index, pip_args, python_version=None):
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    if python_version:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--only-binary=:all:", "--python-version", str(python_version), "--dest", str(tmp)]
    else:
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
               "--only-binary=:all:", "--wheel-dir", str(tmp)]
    if find_links:
        cmd += ["--find-links", str(find_links)]
    if no_index:
        cmd.append("--no-index")
    cmd += list(pip_args) + [str(r) for r in requirements]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise GGError("pip could not fetch %s: %s" % (
                ", ".join(map(str, requirements)), detail[-1] if detail else "exit %d" % proc.returncode))
        (tmp / _DONE_MARK).write_text("ok\n")
        if target.exists():  # a concurrent build won the race
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _wheel_files(wheel):
    """Yield (name at zip root, bytes) for a wheel's importable files.

    `<dist>.data/purelib|platlib/` is mapped to the root; scripts, headers and
    data of `.data/` are left out. dist-info is kept (importlib.metadata needs it).
    """
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = info.filename
            top, _, rest = name.partition("/")
            if top.endswith(".data"):
                kind, _, rest = rest.partition("/")
                if kind not in ("purelib", "platlib") or not rest:
                    continue
                name = rest
            if _unsafe(name) or _excluded(Path(name).name) or \
                    any(part in EXCLUDED_DIRS for part in name.split("/")[:-1]):
                continue
            yield name, zf.read(info)


def _unsafe(name):
    return name.startswith("/") or ".." in name.split("/") or "\\" in name
