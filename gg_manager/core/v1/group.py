"""One group version with every definition it points at, pulled through the Greengrass API."""
from dataclasses import dataclass, field
from typing import List

from botocore import xform_name

from gg_manager.targets.v1.kinds import KINDS, version_ids

# The kinds a local core runs (devices are not emulated).
RUN_KINDS = [k for k in KINDS if k.key != "device"]


@dataclass
class GroupVersion:
    group_id: str
    version_id: str
    cores: List[dict] = field(default_factory=list)
    functions: List[dict] = field(default_factory=list)
    resources: List[dict] = field(default_factory=list)
    subscriptions: List[dict] = field(default_factory=list)
    loggers: List[dict] = field(default_factory=list)
    connectors: List[dict] = field(default_factory=list)
    function_default: dict = field(default_factory=dict)

    @property
    def pinned(self):
        return [f for f in self.functions if f.get("FunctionConfiguration", {}).get("Pinned")]


def pull_group_version(greengrass, group_id, version_id):
    version = greengrass.get_group_version(GroupId=group_id, GroupVersionId=version_id)
    definition = version.get("Definition", {})
    out = GroupVersion(group_id=group_id, version_id=version_id)
    for kind in RUN_KINDS:
        arn = definition.get(kind.version_arn_key)
        if not arn:
            continue
        def_id, ver_id = version_ids(arn)
        method = getattr(greengrass, xform_name(kind.get_version_op.split(":", 1)[1]))
        body = method(**{kind.id_param: def_id, kind.version_id_param: ver_id}).get("Definition", {})
        setattr(out, kind.entries.lower(), list(body.get(kind.entries, [])))
        if kind.entries == "Functions":
            out.function_default = body.get("DefaultConfig", {})
    return out
