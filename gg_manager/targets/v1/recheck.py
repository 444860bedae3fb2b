"""Under the lock: is what discovery read before the lock still what AWS holds? Answered from the
list calls (every group's and definition's latest version) and the apply record (which every
gg apply that changed something rewrites), not from another full discovery."""
from gg_manager.resources.artifacts import read_record
from gg_manager.targets.v1.discover import Listing
from gg_manager.targets.v1.kinds import KINDS


def still_current(ctx, desired, actual) -> bool:
    if read_record(ctx, desired.record_bucket, desired.record_key) != actual.record:
        return False
    listing = Listing.read(ctx)
    return all(_group_unchanged(listing, g.name, actual.groups[g.name]) for g in desired.groups)


def _group_unchanged(listing, name, before):
    group = listing.groups.get(name)
    if bool(group) != bool(before.group):
        return False
    if group and group.get("LatestVersion") != before.group["LatestVersion"]:
        return False
    for kind in KINDS:
        found = sorted(listing.definitions[kind.key].get(kind.definition_name(name)) or [],
                       key=lambda d: d.get("CreationTimestamp", ""))
        seen = before.definitions.get(kind.key)
        if bool(found) != bool(seen):
            return False
        if found and (found[0].get("LatestVersion") or "") != seen.latest_version:
            return False
    return True
