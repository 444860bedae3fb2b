"""What gg carries besides its code, read through importlib.resources: the spec's JSON Schemas
(`schemas/`), the bundled Lambdas (`lambdas/`) and the example app (`greengrass.yaml`).

They live at the repository root, where a project keeps its spec and Lambdas and where the
docs point. Building a wheel copies them into the package as `gg_manager/_bundled/` (setup.py);
an installed gg reads them there, a source checkout (an editable install, PYTHONPATH) reads
them at the root.
"""
import importlib.resources
import pathlib

from gg_manager.errors import GGError

PACKAGED = "_bundled"
EXAMPLE_SPEC = "greengrass.yaml"
EXAMPLE_LAMBDAS = "lambdas"


def root():
    """The folder (a Traversable) holding schemas/, lambdas/ and greengrass.yaml."""
    packaged = importlib.resources.files("gg_manager") / PACKAGED
    if packaged.is_dir():
        return packaged
    checkout = pathlib.Path(__file__).resolve().parent.parent
    if (checkout / "schemas").is_dir():
        return checkout
    raise GGError("this gg installation lacks its data files (schemas/, lambdas/): reinstall gg-manager")


def schema_text(name):
    """A schema file under schemas/ ("greengrass.schema.json", "connectors/x.schema.json")."""
    return (root() / "schemas" / name).read_text(encoding="utf-8")


def connector_schema_names():
    folder = root() / "schemas" / "connectors"
    return sorted("connectors/" + item.name for item in folder.iterdir() if item.name.endswith(".schema.json"))


def example_files():
    """(relative path, Traversable) of the example app: greengrass.yaml and every file of lambdas/."""
    base = root()
    found = [(EXAMPLE_SPEC, base / EXAMPLE_SPEC)]

    def walk(node, rel):
        for item in sorted(node.iterdir(), key=lambda i: i.name):
            if item.name == "__pycache__" or item.name.endswith((".pyc", ".pyo")):
                continue
            if item.is_dir():
                walk(item, rel + item.name + "/")
            else:
                found.append((rel + item.name, item))
    walk(base / EXAMPLE_LAMBDAS, EXAMPLE_LAMBDAS + "/")
    return found
