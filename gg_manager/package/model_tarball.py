"""Deterministic model tarballs and their content-addressed S3 keys.

A local model folder is packed into a tar.gz whose bytes depend only on file
paths and contents (sorted entries, mtime 0, uid/gid 0, empty owner names,
modes 0644/0755, gzip header without name or time). Its SHA-256 names the S3
object, so an unchanged model is never uploaded twice and a retrained one gets
a new key (which is what makes the core download it again).
"""
import gzip
import hashlib
import io
import os
import re
import tarfile
from pathlib import Path, PurePosixPath

from gg_manager.errors import GGError
from gg_manager.package.contents import never_packed_dir, never_packed_file

MODEL_KEY_PREFIX = "gg-models"
_NAME_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def pack_model_dir(path):
    """tar.gz bytes of the folder `path` (its contents at the archive root).

    Symlinks that stay inside the folder are stored as the files they point
    to; a symlink leading outside it, or anything not a file or folder, is
    refused with GGError. Key and certificate files, version control, gg and
    credential folders are never packed (as for Lambda zips, contents.py).
    """
    root = Path(path)
    if not root.is_dir():
        raise GGError("model folder not found: %s" % root)
    real_root = root.resolve()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for rel, full in _walk(root, real_root):
            info = tarfile.TarInfo(rel)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if full.is_dir():
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                data = full.read_bytes()
                info.size = len(data)
                info.mode = 0o755 if full.stat().st_mode & 0o100 else 0o644
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _walk(root, real_root):
    """Yield (archive path, path) for folders and files under root, sorted."""
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not never_packed_dir(d)]
        for name in sorted(dirnames + [f for f in filenames if not never_packed_file(f)]):
            full = here / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink():
                target = full.resolve()
                if target != real_root and real_root not in target.parents:
                    raise GGError("model folder %s: symlink %s points outside it (%s)"
                                  % (root, rel, os.readlink(full)))
                if target.is_dir():
                    raise GGError("model folder %s: symlink %s to a folder is not supported"
                                  % (root, rel))
            if not (full.is_file() or full.is_dir()):
                raise GGError("model folder %s: %s is not a regular file" % (root, rel))
            yield rel, full
        dirnames.sort()


def model_source_bytes(path):
    """Tarball bytes of a model source: a folder is packed, a .tar.gz/.tgz file read as is."""
    p = Path(path)
    if p.is_dir():
        return pack_model_dir(p)
    if p.is_file() and p.name.endswith((".tar.gz", ".tgz")):
        return p.read_bytes()
    raise GGError("model source %s: expected a folder or a .tar.gz file" % p)


def model_digest(data):
    """Hex SHA-256 of the tarball bytes."""
    return hashlib.sha256(data).hexdigest()


def model_s3_key(name, digest):
    """Content-addressed S3 key: gg-models/<name>/<sha256>.tar.gz."""
    if not _NAME_OK.match(name or ""):
        raise GGError("model name %r: use letters, digits, '.', '_' or '-'" % (name,))
    if not re.fullmatch(r"[0-9a-f]{64}", digest or ""):
        raise GGError("model digest must be a hex SHA-256, got %r" % (digest,))
    return "%s/%s/%s.tar.gz" % (MODEL_KEY_PREFIX, name, digest)


def model_s3_uri(bucket, name, digest):
    """s3://bucket/<model_s3_key> (what S3MachineLearningModelResourceData.S3Uri takes)."""
    return "s3://%s/%s" % (bucket, model_s3_key(name, digest))


def extract_model_tarball(data, dest):
    """Extract a model tar.gz into `dest`, refusing absolute paths, '..', links and devices.

    Used by the local core runtime and tests; the real core extracts on its own.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        for m in members:
            p = PurePosixPath(m.name)
            if p.is_absolute() or ".." in p.parts:
                raise GGError("model tarball: unsafe path %s" % m.name)
            if not (m.isfile() or m.isdir()):
                raise GGError("model tarball: %s is not a regular file or folder" % m.name)
        for m in members:
            target = dest.joinpath(*PurePosixPath(m.name).parts)
            if m.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(m).read())
                os.chmod(target, m.mode & 0o755)
