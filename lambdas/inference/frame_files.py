"""Read the frame file an event names, only from the folders this Lambda is configured to read.

An event's "filepath" is data from whoever can publish to the Lambda's topic: it
may name /etc/shadow, the core's private key, a FIFO that never delivers, or a
symbolic link planted in a shared volume. A path is read only when
  - it is an absolute string, at most MAX_PATH_CHARS long, without NUL bytes;
  - after lexical normalisation ('..' resolved) it lies inside one of the read
    folders (FRAME_DIR and READ_DIRS; the folder itself may be a link its owner made);
  - every component below that folder is opened relative to its parent with
    O_NOFOLLOW: a symbolic link below the folder is refused, and the file read is
    the very file checked (no window between a check and the open);
  - the final entry is a regular file (lstat before it is opened, so a FIFO or a
    device is never opened; opened O_NONBLOCK and checked again with fstat, so one
    swapped in meanwhile cannot block either) of at most MAX_IMAGE_BYTES.
"""
import errno
import os
import stat

from refusals import EventError

MAX_PATH_CHARS = 4096
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC
_STEP_FLAGS = _DIR_FLAGS | os.O_NOFOLLOW
_FILE_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW | _CLOEXEC
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def check_path(path):
    """The path as a string this module may resolve, or EventError('bad_path')."""
    if not isinstance(path, str):
        raise EventError("bad_path", "'filepath' must be a string, got {}".format(type(path).__name__))
    if not path:
        raise EventError("bad_path", "'filepath' is empty")
    if len(path) > MAX_PATH_CHARS:
        raise EventError("bad_path", "'filepath' is {} characters, over {}".format(len(path), MAX_PATH_CHARS))
    if "\x00" in path:
        raise EventError("bad_path", "'filepath' contains a NUL byte")
    if not path.startswith("/"):
        raise EventError("bad_path", "'filepath' must be an absolute path")
    try:
        os.fsencode(path)
    except UnicodeError:
        raise EventError("bad_path", "'filepath' is not a valid file name (unpaired surrogate)")
    return path


def _inside(norm, folder):
    return norm == folder or norm.startswith(folder.rstrip("/") + "/")


def _refusal(err, what):
    code = getattr(err, "errno", None)
    if code in (errno.ENOENT, errno.ENOTDIR):
        return EventError("not_found", "no such file under the read folder")
    if code in (errno.ELOOP, errno.EMLINK):
        return EventError("not_allowed", "{} is a symbolic link (links below a read folder are not followed)"
                          .format(what))
    if code in (errno.EACCES, errno.EPERM):
        return EventError("not_readable", "permission denied")
    if code in (errno.EISDIR, errno.ENXIO):
        return EventError("not_a_file", "not a regular file")
    return EventError("not_readable", os.strerror(code) if code else "cannot be read")


def _kind(mode):
    if stat.S_ISLNK(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _read_entry(dir_fd, name, max_bytes):
    info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        raise EventError("not_allowed", "the file is a symbolic link (links below a read folder are not followed)")
    if not stat.S_ISREG(info.st_mode):
        raise EventError("not_a_file", "the path names {}, not a regular file".format(_kind(info.st_mode)))
    if info.st_size > max_bytes:
        raise EventError("too_large", "the file is {} bytes, over the limit of {} (MAX_IMAGE_BYTES)".format(
            info.st_size, max_bytes))
    fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise EventError("not_a_file", "the file was replaced while it was opened")
        size = opened.st_size
        if size > max_bytes:
            raise EventError("too_large", "the file is {} bytes, over the limit of {} (MAX_IMAGE_BYTES)".format(
                size, max_bytes))
        chunks, left = [], size
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def _open_step(dir_fd, name):
    """The folder `name` inside dir_fd, never through a symbolic link."""
    try:
        return os.open(name, _STEP_FLAGS, dir_fd=dir_fd)
    except OSError as err:
        if err.errno in (errno.ENOTDIR, errno.ELOOP):   # Linux says ENOTDIR for a link with O_DIRECTORY
            try:
                if stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode):
                    err = OSError(errno.ELOOP, os.strerror(errno.ELOOP))
            except OSError:
                pass
        raise _refusal(err, "a folder on the path")


def read_frame(path, read_dirs, max_bytes):
    """The bytes of `path` if it is a regular file inside one of `read_dirs`, else EventError."""
    check_path(path)
    norm = "/" + os.path.normpath(path).lstrip("/")
    folders = [d for d in read_dirs if _inside(norm, d)]
    if not folders:
        raise EventError("not_allowed", "the path is outside the folders this Lambda reads (FRAME_DIR, READ_DIRS)")
    folder = max(folders, key=len)
    parts = norm[len(folder.rstrip("/")):].strip("/").split("/")
    if parts == [""]:
        raise EventError("not_a_file", "the path names a read folder, not a file")
    try:
        fd = os.open(folder, _DIR_FLAGS)
    except OSError as err:
        raise _refusal(err, "the read folder")
    try:
        for part in parts[:-1]:
            step = _open_step(fd, part)
            os.close(fd)
            fd = step
        try:
            return _read_entry(fd, parts[-1], max_bytes)
        except OSError as err:
            raise _refusal(err, "the file")
    finally:
        os.close(fd)
