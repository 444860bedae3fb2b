"""What goes into a Lambda zip: the files of its package folder, less what must never ship.

Never packed, whatever the spec says (even `package: .`):
- key and certificate files: *.key, *.pem, *.crt, *.cer, *.der, *.p12, *.pfx, *.jks,
  *.keystore, *.ppk, id_rsa*, id_dsa*, id_ecdsa*, id_ed25519* (any case);
- folders: VCS (.git, .hg, .svn, .bzr), gg's own state (.gg), credential folders (.ssh,
  .aws, .gnupg), caches (__pycache__, .mypy_cache, .pytest_cache), and the folders the
  caller names (`exclude_dirs`: every core's key_path and config_path);
- version control files (.gitignore, .gitattributes, .gitmodules, .hgignore), compiled
  caches (*.pyc, *.pyo), .DS_Store, and anything not a regular file or folder.
A symlink is packed as the file it points to when that file is inside the package folder;
a link leading outside is refused (the zip is not built), a link to a folder is left out.
Everything left out is listed with its reason (`gg validate --show-package NAME`).
"""
import fnmatch
import os
import stat
from dataclasses import dataclass, field
from typing import List, Tuple

from gg_manager.errors import GGError

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr"})
VCS_FILES = frozenset({".gitignore", ".gitattributes", ".gitmodules", ".hgignore"})
CACHE_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache"})
CREDENTIAL_DIRS = frozenset({".ssh", ".aws", ".gnupg"})
GG_STATE_DIR = ".gg"
SECRET_PATTERNS = ("*.key", "*.pem", "*.crt", "*.cer", "*.der", "*.p12", "*.pfx", "*.jks",
                   "*.keystore", "*.ppk", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*")
CACHE_SUFFIXES = (".pyc", ".pyo")
JUNK_FILES = frozenset({".DS_Store"})
# AWS Lambda quotas: 250 MB unzipped, 50 MB zipped for a direct upload
# (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
MAX_UNZIPPED_BYTES = 250 * 1000 * 1000
MAX_ZIPPED_BYTES = 50 * 1000 * 1000


@dataclass(frozen=True)
class PackedFile:
    name: str          # path inside the zip
    path: str          # the regular file read for it
    size: int
    executable: bool


@dataclass(frozen=True)
class LeftOut:
    name: str
    reason: str


@dataclass
class PackageScan:
    root: str
    files: List[PackedFile] = field(default_factory=list)
    left_out: List[LeftOut] = field(default_factory=list)
    refused: List[LeftOut] = field(default_factory=list)   # links leaving the folder

    @property
    def size(self):
        return sum(f.size for f in self.files)


def is_secret_file(name) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in SECRET_PATTERNS)


def never_packed_dir(name) -> bool:
    """A folder never packed by its name alone (VCS, gg state, credentials)."""
    return name in VCS_DIRS or name == GG_STATE_DIR or name in CREDENTIAL_DIRS


def never_packed_file(name) -> bool:
    """A file never packed by its name alone (keys, certificates, VCS files)."""
    return is_secret_file(name) or name in VCS_FILES


def _dir_reason(name, real, excluded):
    if name in VCS_DIRS:
        return "version control folder"
    if name == GG_STATE_DIR:
        return "gg state folder"
    if name in CREDENTIAL_DIRS:
        return "credentials folder"
    if name in CACHE_DIRS:
        return "cache folder"
    return excluded.get(real)


def _file_reason(name):
    if is_secret_file(name):
        return "key or certificate file"
    if name.endswith(CACHE_SUFFIXES) or name in JUNK_FILES:
        return "cache or system file"
    if name in VCS_FILES:
        return "version control file"
    return None


def _inside(real, root):
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def scan_package(package_dir, exclude_dirs=()) -> PackageScan:
    """Sort every entry under `package_dir` into packed, left out (with a reason) or refused.

    `exclude_dirs`: folders never packed, as paths or (path, reason) pairs.
    """
    root = os.path.realpath(package_dir)
    if not os.path.isdir(root):
        raise GGError("Lambda package folder not found: %s" % package_dir)
    excluded = {}
    for item in exclude_dirs:
        path, reason = item if isinstance(item, tuple) else (item, "gg key or config folder")
        excluded.setdefault(os.path.realpath(path), reason)
    scan = PackageScan(root)
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        keep = []
        for name in sorted(dirnames):
            _sort_entry(scan, root, dirpath, rel_dir, name, excluded, keep)
        dirnames[:] = keep
        for name in sorted(filenames):
            _sort_entry(scan, root, dirpath, rel_dir, name, excluded, None)
    scan.files.sort(key=lambda f: f.name)
    scan.left_out.sort(key=lambda e: e.name)
    return scan


def _sort_entry(scan, root, dirpath, rel_dir, name, excluded, keep_dirs):
    full = os.path.join(dirpath, name)
    rel = name if rel_dir == "." else "%s/%s" % (rel_dir.replace(os.sep, "/"), name)
    try:
        info = os.lstat(full)
    except OSError as exc:
        scan.left_out.append(LeftOut(rel, "cannot be read (%s)" % exc.strerror))
        return
    if stat.S_ISLNK(info.st_mode):
        _sort_link(scan, root, full, rel, name, excluded)
        return
    if stat.S_ISDIR(info.st_mode):
        reason = _dir_reason(name, os.path.realpath(full), excluded)
        if reason:
            scan.left_out.append(LeftOut(rel + "/", reason))
        elif keep_dirs is not None:
            keep_dirs.append(name)
        return
    if not stat.S_ISREG(info.st_mode):
        scan.left_out.append(LeftOut(rel, "not a regular file"))
        return
    reason = _file_reason(name)
    if reason:
        scan.left_out.append(LeftOut(rel, reason))
        return
    scan.files.append(PackedFile(rel, full, info.st_size, bool(info.st_mode & 0o100)))


def _sort_link(scan, root, full, rel, name, excluded):
    target = os.path.realpath(full)
    if not _inside(target, root):
        scan.refused.append(LeftOut(rel, "a link to %s, outside the package folder"
                                    % os.readlink(full)))
        return
    try:
        info = os.stat(target)
    except OSError:
        scan.left_out.append(LeftOut(rel, "a broken link"))
        return
    if stat.S_ISDIR(info.st_mode):
        scan.left_out.append(LeftOut(rel + "/", "a link to a folder (not followed)"))
        return
    reason = _file_reason(name) or _file_reason(os.path.basename(target))
    if not stat.S_ISREG(info.st_mode):
        reason = "a link to something not a regular file"
    if not reason and any(_inside(target, d) for d in excluded):
        reason = "a link into a folder that is never packed"
    if reason:
        scan.left_out.append(LeftOut(rel, reason))
        return
    scan.files.append(PackedFile(rel, target, info.st_size, bool(info.st_mode & 0o100)))


def check_scan(scan: PackageScan, label) -> None:
    """GGError when the scan holds a refused link or more than Lambda's unzipped quota."""
    if scan.refused:
        raise GGError("%s: %s is %s; gg never packs files from outside the package folder"
                      % (label, scan.refused[0].name, scan.refused[0].reason))
    if scan.size > MAX_UNZIPPED_BYTES:
        raise GGError("%s: %d bytes of files; AWS Lambda takes at most %d unzipped"
                      % (label, scan.size, MAX_UNZIPPED_BYTES))


def read_packed(entry: PackedFile) -> Tuple[bytes, bool]:
    """The bytes of a packed file, refusing a file that became a link or special file since."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(entry.path, flags)
    except OSError as exc:
        raise GGError("cannot read %s for the Lambda zip: %s" % (entry.name, exc.strerror))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise GGError("%s changed into something not a regular file while packing" % entry.name)
        return _read_bounded(f, MAX_UNZIPPED_BYTES + 1), entry.executable


def _read_bounded(f, limit, chunk=1 << 20):
    """At most `limit` bytes of `f`, read in chunks: `f.read(limit)` would allocate `limit` bytes
    (250 MB) first for every file, however small."""
    parts = []
    while limit > 0:
        part = f.read(min(limit, chunk))
        if not part:
            break
        parts.append(part)
        limit -= len(part)
    return b"".join(parts)
