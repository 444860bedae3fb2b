"""The repository a spec belongs to: the boundary of what a spec may read and pack.

A spec's repository is the git work tree that holds it (the nearest folder
upwards with a `.git` entry, a folder or a worktree's file), or the spec's own
folder when it is not in git. Paths are compared after resolving symlinks, so a
link cannot carry a path outside.
"""
import os
from typing import Optional


def _folder(path) -> str:
    path = os.path.abspath(path)
    return path if os.path.isdir(path) and not os.path.islink(path) else os.path.dirname(path)


def git_root(path) -> Optional[str]:
    """The git work tree holding `path` (file or folder), or None."""
    folder = _folder(path)
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def repository_root(path) -> str:
    """The git work tree holding `path`, else the folder of `path`."""
    return git_root(path) or _folder(path)


def is_inside(path, root) -> bool:
    """True when `path`, symlinks resolved, is `root` or under it."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)
