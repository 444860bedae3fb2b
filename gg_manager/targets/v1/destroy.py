"""`gg remove` as a plan: what gg made for the spec's groups, found in AWS, deleted in the order AWS
requires, and nothing else.

Per group: its deployments reset, role disassociated, the group deleted; its other
definitions; its core device and its devices (certificates, thing, policy each:
resources/iot_removal.py); the device and core definitions last (they name the
certificates, so an interrupted run finds them again); its generated role; with
--purge-local the files gg wrote for the core and the devices (by exact name).
Then what the groups shared, each only if gg made it and nothing outside the removal uses
it: Lambdas and their roles, model objects, the apply record; with --all, once no gg group
is left in the account, the artifact bucket, the rollout role and the lock table.
Anything kept is listed with the reason.
"""
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import List, Optional

from gg_manager.aws.errors import gone, missing
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.plan.digest import state_digest
from gg_manager.plan.model import Change, Note, Plan
from gg_manager.plan.operations import paginate, read
from gg_manager.plan.removal import removal_plan
from gg_manager.provision import certs
from gg_manager.resources import names
from gg_manager.resources.artifacts import record_key
from gg_manager.resources.iam import ActualRole, delete_role_change, discover_role
from gg_manager.resources.iot import CertificateIndex
from gg_manager.resources.iot_removal import CoreDeviceRemoval, discover_for_removal, removal_changes
from gg_manager.targets.v1.destroy_shared import SharedRemoval, discover_shared, shared_changes
from gg_manager.targets.v1.device_files import config_files
from gg_manager.targets.v1.discover import Listing
from gg_manager.targets.v1.kinds import BY_KEY, KINDS

GONE = gone("greengrass")


@dataclass
class FoundGroup:
    id: str
    arn: str
    deployed: bool
    role_arn: Optional[str]


@dataclass
class GroupRemoval:
    name: str
    groups: List[FoundGroup] = field(default_factory=list)
    definitions: List[tuple] = field(default_factory=list)      # (kind key, id, name), gg's
    core: Optional[CoreDeviceRemoval] = None
    devices: List[CoreDeviceRemoval] = field(default_factory=list)
    role: Optional[ActualRole] = None
    files: List[str] = field(default_factory=list)              # local files gg wrote, to delete
    notes: List[Note] = field(default_factory=list)


@dataclass
class DestroyState:
    groups: List[GroupRemoval]
    shared: SharedRemoval

    def fingerprint(self):
        return state_digest(self)


def discover_for_destroy(ctx, spec, only=None, purge_local=False, everything=False) -> DestroyState:
    selected = [g for g in spec.groups if only is None or g.name in set(only)]
    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    files = config_files(spec, spec_dir)
    listing = Listing.read(ctx)
    index = CertificateIndex(ctx)
    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        groups = list(pool.map(lambda g: discover_group_removal(ctx, g, listing, index, spec_dir,
                                                                files[g.name][0] if purge_local else None),
                               selected))
    shared = discover_shared(ctx, spec, selected, listing, record_key([g.name for g in spec.groups]),
                             everything)
    return DestroyState(groups, shared)


def discover_group_removal(ctx, group, listing, index, spec_dir, config_file) -> GroupRemoval:
    found = GroupRemoval(group.name)
    for item in listing.all_groups.get(group.name, []):
        tags = read(ctx, "greengrass:ListTagsForResource", ResourceArn=item["Arn"]).get("tags") or {}
        if not names.is_managed(tags):
            found.notes.append(Note("group", "%s (%s)" % (group.name, item["Id"]), "not made by gg", group.name))
            continue
        deployed = any(True for _ in paginate(ctx, "greengrass:ListDeployments", "Deployments",
                                              GroupId=item["Id"]))
        found.groups.append(FoundGroup(item["Id"], item["Arn"], deployed, _associated_role(ctx, item["Id"])))
    if found.notes:
        return found                  # a group gg did not make keeps everything named after it
    entries = _definitions(ctx, group, listing, found)
    certs_dir = os.path.normpath(os.path.join(spec_dir, group.core.key_path))
    found.core = discover_for_removal(ctx, group.core.name, names.core_policy_name(group.core.name), certs_dir,
                                      index, [e["CertificateArn"] for e in entries["core"] if e.get("CertificateArn")])
    found.devices = [discover_for_removal(ctx, thing, names.device_policy_name(thing), folder, index, known)
                     for thing, (folder, known) in sorted(_devices(group, spec_dir, entries["device"]).items())]
    role = discover_role(ctx, names.group_role_name(group.name), for_delete=True)
    if role and role.managed:
        found.role = role
    if config_file is not None:
        found.files = _local_files(ctx, group, spec_dir, config_file, found.notes)
    return found


def _definitions(ctx, group, listing, found):
    """Add gg's definitions of the group to `found`; return what its core and device definitions name
    ({"core": [entries], "device": [entries]})."""
    entries = {"core": [], "device": []}
    for kind in KINDS:
        for item in listing.definitions[kind.key].get(kind.definition_name(group.name), []):
            if not names.is_managed(item.get("Tags")):
                found.notes.append(Note(kind.label, item.get("Name"), "not made by gg", group.name))
                continue
            found.definitions.append((kind.key, item["Id"], item.get("Name")))
            if kind.key in entries and item.get("LatestVersion"):
                entries[kind.key] += _latest_entries(ctx, kind, item)
    return entries


def _associated_role(ctx, group_id):
    try:
        return read(ctx, "greengrass:GetAssociatedRole", GroupId=group_id).get("RoleArn")
    except Exception:     # BadRequestException: the group has no role
        return None


def _latest_entries(ctx, kind, item):
    """The entries ({Id, ThingArn, CertificateArn, ...}) of a core or device definition's latest version."""
    answer = missing(read, ctx, kind.get_version_op, **{kind.id_param: item["Id"],
                                                        kind.version_id_param: item["LatestVersion"]})
    return ((answer or {}).get("Definition") or {}).get(kind.entries) or []


def _devices(group, spec_dir, entries):
    """{device thing: (its key folder, certificate ARNs gg's device definition names for it)}: the
    spec's devices, and those the device definition still names (a device the spec dropped in an
    apply that stopped before its removal; its key was kept in the core's key folder, as far as gg
    can know)."""
    folders = {d.name: os.path.normpath(os.path.join(spec_dir, d.key_path)) for d in group.devices}
    core_folder = os.path.normpath(os.path.join(spec_dir, group.core.key_path))
    out = {name: (folder, []) for name, folder in folders.items()}
    for entry in entries:
        thing = (entry.get("ThingArn") or "").split("/", 1)[-1]
        if thing and thing != group.core.name:
            known = out.setdefault(thing, (core_folder, []))[1]
            if entry.get("CertificateArn"):
                known.append(entry["CertificateArn"])
    return out


def _local_files(ctx, group, spec_dir, config_file, notes):
    """The core's and the devices' key and certificate files (gg's names), and config.json when gg wrote
    it for this core."""
    paths = [certs.core_cert_paths(os.path.normpath(os.path.join(spec_dir, thing.key_path)), thing.name)
             for thing in (group.core,) + tuple(group.devices)]
    out = [str(f) for p in paths for f in (p.cert, p.key) if f.exists()]
    try:
        with open(config_file) as f:
            thing = (json.load(f).get("coreThing") or {}).get("thingArn", "")
    except FileNotFoundError:
        return out
    except (OSError, ValueError, AttributeError):
        thing = ""
    if thing == ctx.arn("iot", "thing/" + group.core.name):
        out.append(config_file)
    else:
        notes.append(Note("local file", config_file, "not the config.json gg wrote for %s" % group.core.name,
                          group.name))
    return out


# --- the plan ------------------------------------------------------------------------------------

def destroy_plan(spec, ctx, state: DestroyState) -> Plan:
    return removal_plan(spec, ctx, state, "v1", group_changes, shared_changes)


def group_changes(found: GroupRemoval):
    changes = []
    for group in found.groups:
        change = Change("delete", "group", "%s (%s)" % (found.name, group.id))
        if group.deployed:
            change.add("greengrass:ResetDeployments", {"GroupId": group.id, "Force": True}, done_if=GONE)
        if group.role_arn:
            change.add("greengrass:DisassociateRoleFromGroup", {"GroupId": group.id}, done_if=GONE)
        change.add("greengrass:DeleteGroup", {"GroupId": group.id}, done_if=GONE)
        changes.append(change)
    naming = [d for d in found.definitions if d[0] in ("device", "core")]
    for key, def_id, name in [d for d in found.definitions if d not in naming]:
        changes.append(_delete_definition(key, def_id, name))
    for removal in [r for r in [found.core] + found.devices if r]:
        thing_changes, notes = removal_changes(removal)
        changes += thing_changes
        found.notes.extend(notes)
    for key, def_id, name in naming:                 # last: they name the certificates
        changes.append(_delete_definition(key, def_id, name))
    if found.role:
        changes.append(delete_role_change(found.role, fallback_policy=found.role.name + "-policy"))
    for path in found.files:
        change = Change("delete", "local file", path)
        change.add("local:DeleteFile", {"path": path})
        changes.append(change)
    return changes


def _delete_definition(key, def_id, name):
    kind = BY_KEY[key]
    change = Change("delete", kind.label, name or def_id)
    change.add(kind.delete_op, {kind.id_param: def_id}, done_if=GONE)
    return change


