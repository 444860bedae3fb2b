"""Unpacking a ZIP artifact without trusting it.

An artifact comes from whoever published the component: every entry must land inside the
destination (no absolute paths, no `..`, no backslash tricks), symlink entries are refused,
and the number of entries and the bytes actually written are bounded (a zip bomb's headers
may lie, so sizes are counted while copying). The result appears all at once: it is
unpacked into a sibling folder and renamed into place, so a failure leaves nothing half-made.
"""
import os
import shutil
import stat
import zipfile
import zlib

from .errors import DeploymentError

MAX_TOTAL_BYTES = 4 * 1024 ** 3
MAX_ENTRIES = 100000
_CHUNK = 1024 * 1024


class UnzipError(DeploymentError):
    def __init__(self, message):
        super().__init__(message, "IO_UNZIP_ERROR")


def _target(dest, name):
    if "\\" in name or "\x00" in name:
        raise UnzipError("entry %r has a backslash or NUL in its name" % name)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if name.startswith("/") or any(p == ".." for p in parts) or (parts and ":" in parts[0]):
        raise UnzipError("entry %r points outside the folder it is unpacked into" % name)
    path = os.path.join(dest, *parts) if parts else dest
    real_dest = os.path.realpath(dest)
    if os.path.commonpath([real_dest, os.path.realpath(path)]) != real_dest:
        raise UnzipError("entry %r points outside the folder it is unpacked into" % name)
    return path


def _is_symlink(info):
    return stat.S_ISLNK(info.external_attr >> 16)


def _copy(archive, info, path, budget):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    written = 0
    with archive.open(info) as src, open(path, "wb") as out:
        while True:
            chunk = src.read(_CHUNK)
            if not chunk:
                break
            written += len(chunk)
            if written > info.file_size or written > budget:
                raise UnzipError("entry %r holds more than it declares or than the %d bytes allowed"
                                 % (info.filename, budget))
            out.write(chunk)
    return written


def unzip(zip_path, dest, max_bytes=MAX_TOTAL_BYTES, max_entries=MAX_ENTRIES):
    """Unpack zip_path into dest (replacing dest). Returns the bytes written; UnzipError when unsafe."""
    tmp = dest + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise UnzipError("%d entries, more than the %d allowed" % (len(entries), max_entries))
            if sum(i.file_size for i in entries) > max_bytes:
                raise UnzipError("unpacks to more than the %d bytes allowed" % max_bytes)
            total = 0
            for info in entries:
                path = _target(tmp, info.filename)
                if _is_symlink(info):
                    raise UnzipError("entry %r is a symbolic link; links are not unpacked" % info.filename)
                if info.is_dir():
                    os.makedirs(path, exist_ok=True)
                    continue
                total += _copy(archive, info, path, max_bytes - total)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError,
            zlib.error) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UnzipError("not a readable ZIP file: %s" % exc) from None
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UnzipError("cannot unpack: %s" % exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = dest + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(dest):
        os.rename(dest, old)
    os.rename(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)
    return total
