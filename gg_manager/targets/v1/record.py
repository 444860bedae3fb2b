"""The apply record: what gg applied to each group, so the next plan proves much without reading it.

One JSON object per spec in gg's artifact bucket (gg-records/<digest of the group names>.json):

    {"groups": {"store-1": {"group_version": "<id>", "certificate": "<arn>",
                            "devices": {"<device>": "<its certificate arn>", ...},   (when it has any)
                            "definitions": {"function": {"version": "<id>", "template": "<hash>"}, ...}}}}

Every entry is a fact that cannot go stale: versions are immutable, so "version V of the
function definition is what gg sent for template T" stays true. When the group's latest
version, or a definition's latest version (both in the list calls' answers), is the one
recorded, its content is known without reading it. A record that is missing or lost costs
reads, never correctness. A latest version other than the recorded one was made outside
gg: that is drift.
"""
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from gg_manager.resources.artifacts import record_change


@dataclass
class GroupFacts:
    group_version: str
    certificate: str
    definitions: Dict[str, Tuple[str, str]] = field(default_factory=dict)   # kind -> (version, template)
    devices: Dict[str, str] = field(default_factory=dict)                   # device -> certificate ARN

    @classmethod
    def parse(cls, data) -> Optional["GroupFacts"]:
        try:
            defs = {k: (v["version"], v["template"]) for k, v in (data.get("definitions") or {}).items()}
            return cls(data["group_version"], data.get("certificate") or "", defs, dict(data.get("devices") or {}))
        except (AttributeError, KeyError, TypeError, ValueError):
            return None

    def certificates(self, kind):
        """The certificate ARNs a definition of `kind` named when gg made it ("" for other kinds)."""
        return {"core": self.certificate, "device": self.devices}.get(kind, "")


def facts_of(record, group) -> Optional[GroupFacts]:
    entry = ((record or {}).get("groups") or {}).get(group)
    return GroupFacts.parse(entry) if isinstance(entry, dict) else None


def record_plan_change(desired, actual, produced):
    """The bookkeeping change writing the record: the old entries, with `produced` (group -> facts
    whose values may be Refs to this plan's steps) put over them; None when that changes nothing."""
    old = dict((actual.record or {}).get("groups") or {})
    groups = dict(old, **produced)
    if groups == old:
        return None
    body = {"format": 1, "groups": {k: groups[k] for k in sorted(groups)}}
    return record_change(desired.record_bucket, desired.record_key, body,
                         ["what gg applied to %d group%s, so later plans read less" % (
                             len(produced), "" if len(produced) == 1 else "s")])
