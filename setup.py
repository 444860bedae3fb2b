"""Build hook only (the metadata is in pyproject.toml): the wheel carries what gg reads at run
time besides its code, schemas/, lambdas/ and greengrass.yaml from the repository root, as
gg_manager/_bundled/ (read through importlib.resources: gg_manager/bundled.py). An editable
install reads them from the checkout instead."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = ("schemas", "lambdas", "greengrass.yaml")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = os.path.join(self.build_lib, "gg_manager", "_bundled")
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        for name in BUNDLED:
            source = os.path.join(HERE, name)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(target, name), ignore=SKIP)
            else:
                shutil.copy2(source, target)


setup(cmdclass={"build_py": BuildPyWithData})
