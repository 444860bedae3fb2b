"""Key folders that git would not ignore: a warning, before a private key lands in a commit.

gg writes a core's private key into its key_path folder. When that folder already
exists inside a git work tree and git would not ignore the key file, `git add .`
would commit it: warn at the key_path. (A folder gg creates itself gets a
.gitignore of '*', see gg_manager/provision/gitignore.py.)
"""
import os

from gg_manager.spec.packaging import DEFAULT_KEY_PATH


def check_key_folders(view, reporter, spec_dir):
    # imported here: provision.gitignore uses spec.repository, so a top-level import would
    # make `import gg_manager.provision.gitignore` circular
    from gg_manager.provision.gitignore import is_ignored
    for section, what in (("Cores", "core"), ("Devices", "device")):
        for item in view.items(section):
            name, key_path = item.data.get("name"), item.data.get("key_path", DEFAULT_KEY_PATH)
            if not isinstance(key_path, str) or not isinstance(name, str):
                continue
            folder = os.path.normpath(os.path.join(spec_dir, key_path))
            if os.path.isdir(folder) and is_ignored(folder, ("%s.key" % name,)) is False:
                path = item.path + ("key_path",) if "key_path" in item.data else item.path
                reporter.warning(path, "key folder %r is not ignored by git, and gg writes %s %s's "
                                 "private key there: add it to .gitignore (a folder gg creates "
                                 "gets its own .gitignore)" % (key_path, what, name))
