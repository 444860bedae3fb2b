"""Key and config folders gg creates stay out of git.

When gg creates a core's key folder or config folder inside a git work tree, and git
would not already ignore what gg writes there, gg puts a `.gitignore` holding `*`
into that folder: a folder that ignores itself, its own .gitignore included, so
`git status` stays clean. The user's own .gitignore files are never edited.
`is_ignored` answers for `gg validate`, which warns about an existing key folder
git would not ignore.
"""
import os
import subprocess
from typing import Optional

from gg_manager.spec.repository import git_root

GITIGNORE = ".gitignore"
IGNORE_EVERYTHING = ("# Written by gg: this folder holds Greengrass keys or config, which never "
                     "enter git.\n*\n")
PROBE = "gg-probe.key"
GIT_TIMEOUT_S = 10


def is_ignored(folder, names=(PROBE,)) -> Optional[bool]:
    """Whether git ignores files `names` in `folder` (which need not exist yet).

    None when `folder` is not in a git work tree, or git cannot answer (not installed).
    """
    root = git_root(folder)
    if root is None:
        return None
    real_root = os.path.realpath(root)
    real = os.path.realpath(folder)
    paths = [os.path.relpath(os.path.join(real, n), real_root) for n in names]
    try:
        proc = subprocess.run(["git", "-C", real_root, "check-ignore", "-q", "--no-index", "--"]
                              + paths, capture_output=True, timeout=GIT_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode not in (0, 1):
        return None
    if proc.returncode == 1 or len(paths) == 1:
        return proc.returncode == 0
    # several paths: check-ignore succeeds when any is ignored; every one must be
    return all(is_ignored(folder, (n,)) for n in names)


def protect_new_folder(folder, names=(PROBE,)) -> bool:
    """After gg created `folder`: write `folder/.gitignore` ('*') when it is inside a git work
    tree and git would not ignore `names` there. True when written."""
    if git_root(folder) is None or is_ignored(folder, names):
        return False
    path = os.path.join(folder, GITIGNORE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        f.write(IGNORE_EVERYTHING)
    return True
