"""Deterministic model ZIPs for Greengrass V2, from a local folder or a model tar.gz.

Greengrass V2 unpacks only ZIP artifacts (`Unarchive: ZIP`), while V1 ML
resources, SageMaker training jobs and gg's own model tarballs are tar.gz. A
model becomes one ZIP whose bytes depend only on its file paths and contents
(the same fixed entry order, dates and modes as the Lambda zips), so its
SHA-256 names the S3 object (`gg-models/<name>/<sha256>.zip`): an unchanged
model is never uploaded twice, and its component version is reused.

Only regular files travel; folders are implied by the paths (an empty folder
is dropped). A tarball entry that is absolute, climbs out with '..', or is a
link or a device is refused, as when V1 extracts one (model_tarball.py).
"""
import io
import tarfile
from pathlib import Path, PurePosixPath

from gg_manager.errors import GGError
from gg_manager.package.lambda_zip import _zip_bytes as zip_entries
from gg_manager.package.model_tarball import _walk as walk_model_dir
from gg_manager.package.model_tarball import model_digest, model_s3_key


def model_zip_from_dir(path):
    """ZIP bytes of the folder `path` (its contents at the archive root).

    Symlinks inside the folder are stored as the files they point to; one that
    leads outside, or anything not a file or folder, is refused (GGError).
    """
    root = Path(path)
    if not root.is_dir():
        raise GGError("model folder not found: %s" % root)
    entries = {}
    for rel, full in walk_model_dir(root, root.resolve()):
        if full.is_file():
            entries[rel] = (full.read_bytes(), bool(full.stat().st_mode & 0o100))
    if not entries:
        raise GGError("model folder %s holds no file" % root)
    return zip_entries(entries)


def model_zip_from_tarball(data):
    """ZIP bytes with the files of a model tar.gz (or plain tar), same paths and modes."""
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise GGError("model archive is not a readable tar.gz: %s" % exc)
    entries = {}
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise GGError("model archive is truncated or corrupt: %s" % exc)
        for member in members:
            name = _safe_name(member)
            if member.isdir():
                continue
            if name in entries:
                raise GGError("model tarball: %s appears twice" % member.name)
            entries[name] = (tar.extractfile(member).read(), bool(member.mode & 0o100))
    if not entries:
        raise GGError("model tarball holds no file")
    return zip_entries(entries)


def _safe_name(member):
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise GGError("model tarball: unsafe path %s" % member.name)
    if not (member.isfile() or member.isdir()):
        raise GGError("model tarball: %s is not a regular file or folder" % member.name)
    return "/".join(p for p in path.parts if p != ".")


def model_zip(source):
    """ZIP bytes of a local model source: a folder, or a .tar.gz/.tgz file."""
    p = Path(source)
    if p.is_dir():
        return model_zip_from_dir(p)
    if p.is_file() and p.name.endswith((".tar.gz", ".tgz")):
        return model_zip_from_tarball(p.read_bytes())
    raise GGError("model source %s: expected a folder or a .tar.gz file" % p)


zip_digest = model_digest   # hex SHA-256 of the bytes, whatever the archive format


def model_zip_key(name, digest):
    """Content-addressed S3 key: gg-models/<name>/<sha256>.zip (unpacked as folder <sha256>)."""
    return model_s3_key(name, digest)[:-len(".tar.gz")] + ".zip"
