"""The V2 apply record: what gg applied to each group's mutable IoT parts, so a no-op plan of a fleet
reads a few things per group instead of every one.

One JSON object per spec in gg's artifact bucket (gg-records/v2-<digest of the group names>.json):

    {"format": 1, "groups": {"store-1": {"certificate": "<arn>", "tags": {...}, "role_alias_role": "<arn>",
                                         "devices": {"<thing>": "<certificate arn>"}, "associated": [...]}}}

It is written only when one of these facts changes (an apply that changes a Lambda's memory
does not rewrite it). What a plan reads every time, per group: the core's IoT policy
(GetPolicy: its document), the certificates it is attached to (ListTargetsForPolicy: the
core's certificate is ACTIVE, per the certificate list, and still holds the policy) and the
core's thing groups (ListThingGroupsForThing: it is still a member, so deployments reach
it). What the record stands for, unless it is missing or names another certificate: that
the certificate is attached to the core's thing, the thing group's tags, the role the role
alias points at, and the client devices' certificates and association. A record that is
missing, unreadable or of other groups costs reads (every one of those is read), never
correctness.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from gg_manager.resources.artifacts import record_change


@dataclass
class GroupFacts:
    certificate: str = ""
    tags: Optional[Dict[str, str]] = None
    role_alias_role: str = ""
    devices: Dict[str, str] = field(default_factory=dict)     # device thing -> its certificate
    associated: List[str] = field(default_factory=list)        # client devices associated with the core

    def to_json(self):
        return {"certificate": self.certificate, "tags": self.tags, "role_alias_role": self.role_alias_role,
                "devices": dict(self.devices), "associated": sorted(self.associated)}


def facts_of(record, group) -> Optional[GroupFacts]:
    entry = ((record or {}).get("groups") or {}).get(group)
    if not isinstance(entry, dict):
        return None
    try:
        return GroupFacts(str(entry.get("certificate") or ""), dict(entry["tags"]) if entry.get("tags") else None,
                          str(entry.get("role_alias_role") or ""), dict(entry.get("devices") or {}),
                          list(entry.get("associated") or []))
    except (TypeError, ValueError, AttributeError):
        return None


def record_plan_change(desired, actual, produced):
    """The change writing the record: the old entries with `produced` (group -> facts whose values may
    be Refs to this plan's steps) over them; None when that changes nothing."""
    old = dict((actual.record or {}).get("groups") or {})
    groups = dict(old, **produced)
    if groups == old:
        return None
    body = {"format": 1, "target": "v2", "groups": {k: groups[k] for k in sorted(groups)}}
    return record_change(desired.record_bucket, desired.record_key, body,
                         ["what gg applied to %d group%s, so later plans read less" % (
                             len(produced), "" if len(produced) == 1 else "s")])
