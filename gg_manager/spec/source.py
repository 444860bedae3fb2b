"""Reading the spec and --values files: regular files, size-limited, inside their repository.

A spec (and the values files next to it) come from pull requests. So a file is
read only when it is a regular file (a FIFO or device would block or never end),
at most MAX_FILE_BYTES long, and, symlinks resolved, inside the repository that
holds the path it was named by (a committed link to ~/.aws/credentials is refused).
"""
import os
import stat

from gg_manager.errors import GGError
from gg_manager.spec.diagnostics import Reporter
from gg_manager.spec.repository import is_inside, repository_root

MAX_FILE_BYTES = 1024 * 1024


class SourceError(Exception):
    """A file that cannot be read as a spec or values file; the message says why."""


def read_source(path, what="spec") -> str:
    """The text of `path`, or SourceError."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise SourceError("cannot read %s: %s" % (what, exc.strerror or exc))
    if not stat.S_ISREG(info.st_mode):
        raise SourceError("cannot read %s: not a regular file" % what)
    root = repository_root(os.path.abspath(path))
    if not is_inside(path, root):
        raise SourceError("%s is a link to %s, outside its repository %s; gg reads only files "
                          "inside it" % (what, os.path.realpath(path), root))
    if info.st_size > MAX_FILE_BYTES:
        raise SourceError("%s is %d bytes; the limit is %d (1 MiB)" % (what, info.st_size,
                                                                     MAX_FILE_BYTES))
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceError("cannot read %s: %s" % (what, exc.strerror or exc))
    if len(data) > MAX_FILE_BYTES:
        raise SourceError("%s is larger than %d bytes (1 MiB)" % (what, MAX_FILE_BYTES))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError("%s is not UTF-8 text: %s" % (what, exc.reason))


def load_values_file(path) -> dict:
    """A --values file: a YAML mapping, parsed with the spec's bounded loader; GGError if not."""
    from gg_manager.spec.yaml_marks import parse_yaml
    try:
        text = read_source(path, "values file")
    except SourceError as exc:
        raise GGError("%s: %s" % (path, exc))
    reporter = Reporter(path)
    data = parse_yaml(text, reporter)
    if reporter.errors:
        raise GGError(reporter.sorted()[0].format())
    if data is None or data == {}:
        return {}
    if not isinstance(data, dict):
        raise GGError("values file %s must hold a mapping of names to values" % path)
    return data
