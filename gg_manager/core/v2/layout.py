"""Where the V2 core keeps things under its root folder, laid out as the nucleus lays out /greengrass/v2.

  packages/recipes/<name>-<version>.recipe     recipes as the cloud returned them
  packages/artifacts/<name>/<version>/<file>   downloaded artifacts
  packages/artifacts-unarchived/<name>/<version>/<zip stem>/   unpacked ZIP artifacts
  work/<name>/                                  a component's working folder ({work:path})
  logs/<name>.log                               a component's log
  config/state.json                             what runs here: revisions, configuration
  ipc/                                          runtime files (log relays)
Component names and versions were validated by the recipe parser; every path is also
checked to stay under the root.
"""
import os


class UnsafePath(ValueError):
    pass


class Layout:
    def __init__(self, root):
        self.root = os.path.abspath(root)

    def _under(self, *parts):
        path = os.path.abspath(os.path.join(self.root, *parts))
        if path != self.root and not path.startswith(self.root + os.sep):
            raise UnsafePath("%s is outside the core's root %s" % (path, self.root))
        return path

    def recipe(self, name, version):
        return self._under("packages", "recipes", "%s-%s.recipe" % (name, version))

    @property
    def recipes(self):
        return self._under("packages", "recipes")

    def artifacts(self, name, version):
        return self._under("packages", "artifacts", name, str(version))

    def unarchived(self, name, version):
        return self._under("packages", "artifacts-unarchived", name, str(version))

    def work(self, name):
        return self._under("work", name)

    def log(self, name):
        return self._under("logs", "%s.log" % name)

    @property
    def state(self):
        return self._under("config", "state.json")

    def runtime(self, *parts):
        return self._under("ipc", *parts)
