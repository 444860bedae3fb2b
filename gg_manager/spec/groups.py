"""From the two spec forms to one list of group views, with shorthands expanded.

A single-group (greengo) file is one view; a `Groups:` fleet is one view per
entry with `Defaults` merged in (an entry's item with the same key wins).
Every item keeps the path it was written at, so later checks can point at it.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from gg_manager.spec.diagnostics import Reporter
from gg_manager.spec.model import DEFAULT_TARGET

SECTIONS = ("Cores", "Devices", "Lambdas", "Subscriptions", "Resources", "Models",
            "Loggers", "Connectors")

GPU_DEVICES = (
    ("nvidia0", "/dev/nvidia0"),
    ("nvidiactl", "/dev/nvidiactl"),
    ("nvidia-uvm", "/dev/nvidia-uvm"),
    ("nvidia-uvm-tools", "/dev/nvidia-uvm-tools"),
)

SAGEMAKER_PREFIX = "arn:aws"
S3_PREFIX = "s3://"


@dataclass
class Item:
    data: dict
    path: Tuple
    model: Optional[dict] = None     # a resource expanded from this `Models:` entry


@dataclass
class GroupView:
    name: str
    path: Tuple
    settings: dict
    sections: Dict[str, List[Item]] = field(default_factory=dict)
    target: object = DEFAULT_TARGET  # "v1" | "v2" (anything else: the schema reports it)
    target_path: Tuple = ()          # where `Target` was written (() when it was not)

    def items(self, section) -> List[Item]:
        return self.sections.get(section, [])


def item_key(section, data):
    """What makes two items of a section "the same" when merging defaults."""
    if not isinstance(data, dict):
        return None
    if section in ("Cores", "Devices", "Lambdas"):
        return data.get("name")
    if section == "Subscriptions" and "Id" not in data:
        return (data.get("Source"), data.get("Subject"), data.get("Target"))
    return data.get("Id")


def _section_items(doc, base, section):
    value = doc.get(section)
    if not isinstance(value, list):
        return []
    return [Item(d, base + (section, i)) for i, d in enumerate(value) if isinstance(d, dict)]


def group_views(data: dict, reporter: Reporter) -> List[GroupView]:
    if "Group" in data and "Groups" in data:
        reporter.error(("Groups",), "use either 'Group' (one group) or 'Groups' (a fleet), not both",
                       key=True)
        return []
    if "Groups" not in data:
        if "Defaults" in data:
            reporter.error(("Defaults",), "'Defaults' applies to the entries of 'Groups'", key=True)
        group = data.get("Group")
        if not isinstance(group, dict):
            if "Group" not in data:
                reporter.error((), "missing required key 'Group' (or 'Groups' for a fleet)")
            return []
        view = GroupView(group.get("name", ""), ("Group",), dict(group))
        _set_target(view, data, ("Target",))
        for section in SECTIONS:
            view.sections[section] = _section_items(data, (), section)
        return [view]
    defaults = data.get("Defaults") if isinstance(data.get("Defaults"), dict) else {}
    views = []
    for index, entry in enumerate(data.get("Groups") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("Group"), dict):
            continue
        base = ("Groups", index)
        settings = dict(defaults.get("Group") or {})
        settings.update(entry["Group"])
        settings["tags"] = dict((defaults.get("Group") or {}).get("tags") or {},
                                **(entry["Group"].get("tags") or {}))
        view = GroupView(entry["Group"].get("name", ""), base + ("Group",), settings)
        _set_target(view, data, ("Target",))
        _set_target(view, entry, base + ("Target",))
        for section in SECTIONS:
            merged, order = {}, []
            for item in _section_items(defaults, ("Defaults",), section) + \
                    _section_items(entry, base, section):
                key = item_key(section, item.data)
                key = key if key is not None else ("#", len(order))
                if key not in merged:
                    order.append(key)
                merged[key] = item
            view.sections[section] = [merged[k] for k in order]
        views.append(view)
    return views


def _set_target(view, doc, path):
    """`Target:` of the file's top level, or of a Groups entry (set after the top level: it wins)."""
    if "Target" in doc:
        view.target, view.target_path = doc["Target"], path


def override_target(views, target):
    """`--target` on the command line: every group deploys there, whatever the file says."""
    for view in views:
        view.target = target


def expand_gpu(view: GroupView) -> None:
    """`gpu: true` on a Lambda: the four /dev/nvidia* device resources, rw for it."""
    resources = view.sections.setdefault("Resources", [])
    for item in view.items("Lambdas"):
        if item.data.get("gpu") is not True:
            continue
        gpu_path = item.path + ("gpu",)
        by_source = {}
        for res in resources:
            dev = res.data.get("LocalDeviceResourceData")
            if isinstance(dev, dict):
                by_source[dev.get("SourcePath")] = res.data.get("Id")
        ids = []
        for res_id, source in GPU_DEVICES:
            if source not in by_source:
                resources.append(Item({"Id": res_id, "Name": res_id, "LocalDeviceResourceData": {
                    "SourcePath": source, "GroupOwnerSetting": {"AutoAddGroupOwner": True}}},
                    gpu_path))
                by_source[source] = res_id
            ids.append(by_source[source])
        lam = dict(item.data)
        config = dict(lam.get("greengrassConfig") or {})
        env = dict(config.get("Environment") or {})
        policies = list(env.get("ResourceAccessPolicies") or [])
        have = {p.get("ResourceId") for p in policies if isinstance(p, dict)}
        policies += [{"ResourceId": i, "Permission": "rw"} for i in ids if i not in have]
        env["ResourceAccessPolicies"] = policies
        config["Environment"] = env
        lam["greengrassConfig"] = config
        item.data = lam


def model_source_kind(source: str) -> str:
    if source.startswith(SAGEMAKER_PREFIX) and ":sagemaker:" in source:
        return "sagemaker"
    if source.startswith(S3_PREFIX):
        return "s3"
    return "local"


def expand_models(view: GroupView) -> None:
    """`Models:` entries become ML resources for the rules to check (a local folder's resource has
    no S3Uri yet); the item keeps the entry it came from, which the model is built from."""
    resources = view.sections.setdefault("Resources", [])
    for item in view.items("Models"):
        model = item.data
        source = model.get("Source")
        if not isinstance(source, str):
            continue
        kind = model_source_kind(source)
        body = {"DestinationPath": model.get("DestinationPath")}
        if model.get("OwnerSetting"):
            body["OwnerSetting"] = model["OwnerSetting"]
        if kind == "sagemaker":
            data = {"SageMakerMachineLearningModelResourceData": dict(body, SageMakerJobArn=source)}
        elif kind == "s3":
            data = {"S3MachineLearningModelResourceData": dict(body, S3Uri=source)}
        else:
            data = {"S3MachineLearningModelResourceData": dict(body)}
        data.update({"Id": model.get("Id"), "Name": model.get("Name") or model.get("Id")})
        resources.append(Item(data, item.path, model=model))
