"""`gg remove` on Greengrass V2 as a plan: what gg made for the spec's groups, deleted in the order AWS
requires, and nothing another app uses.

Per group: first an empty revision to its thing group, so each core device removes the app's
components (a canceled or deleted deployment leaves them running), and a wait for the core
devices that ever reported to take it; then gg's deployments of the thing group (the current
one canceled first), the client devices' association, the core device, the core's membership
and the thing group, the core's certificates, thing and policies (resources/iot_removal.py),
the client device things, the role alias, then the token exchange role; with --purge-local the
files gg wrote (keys, certificates, config.yaml) by their exact names. Then what the groups
shared, each only if gg made it and no deployment outside the removal uses it: component
versions, Lambdas and their roles, model ZIPs, the apply record; with --all, once no gg group
is left, the artifact bucket and the lock table. Every delete finds "already gone" done, so an
interrupted run is re-run to the end.
"""
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import List, Optional

from gg_manager.aws.errors import missing
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.plan.digest import state_digest
from gg_manager.plan.model import Change, Note, Plan
from gg_manager.plan.operations import paginate, read
from gg_manager.plan.removal import removal_plan
from gg_manager.provision import certs
from gg_manager.resources import names as gg_names
from gg_manager.resources.iam import ActualRole, delete_role_change
from gg_manager.resources.iot import CertificateIndex, discover_policy
from gg_manager.resources.iot_removal import CoreDeviceRemoval, _policy_removal, discover_for_removal, removal_changes
from gg_manager.targets.v1.device_files import delete_file
from gg_manager.targets.v2 import names
from gg_manager.targets.v2.destroy_shared import SharedV2Removal, discover_shared, shared_changes
from gg_manager.targets.v2.listing import Listing
from gg_manager.targets.v2.record import facts_of

GONE_V2 = ("ResourceNotFoundException",)
GONE_IOT = ("ResourceNotFoundException",)
NOT_ACTIVE = GONE_V2 + ("ConflictException",)     # CancelDeployment of one that is not ACTIVE (any more)
REMOVING = "(removing)"
FINAL = ("SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELED", "REMOVED")
AWAIT_S = 120


@dataclass
class GroupRemoval:
    name: str
    thing_group_arn: str = ""
    thing_group: bool = False
    current: Optional[dict] = None                          # the thing group's current deployment, gg's
    deployments: List[dict] = field(default_factory=list)   # gg's deployments of the thing group (every revision)
    core: Optional[CoreDeviceRemoval] = None
    extra_policies: List[tuple] = field(default_factory=list)   # (name, ActualPolicy) beyond the first
    member: bool = False
    core_device: bool = False
    associated: List[str] = field(default_factory=list)
    devices: List[CoreDeviceRemoval] = field(default_factory=list)
    role_alias: bool = False
    role: Optional[ActualRole] = None
    files: List[str] = field(default_factory=list)
    notes: List[Note] = field(default_factory=list)


@dataclass
class DestroyState:
    groups: List[GroupRemoval]
    shared: SharedV2Removal

    def fingerprint(self):
        return state_digest(self)


def discover_for_destroy(ctx, spec, only=None, purge_local=False, everything=False) -> DestroyState:
    selected = [g for g in spec.groups if only is None or g.name in set(only)]
    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    listing = Listing.read(ctx)
    core_devices = {d["coreDeviceThingName"] for d in paginate(ctx, "greengrassv2:ListCoreDevices", "coreDevices")}
    from gg_manager.resources.artifacts import read_record
    from gg_manager.targets.v2.lower import v2_record_key
    record_key = v2_record_key([g.name for g in spec.groups])
    record = read_record(ctx, gg_names.default_artifact_bucket(ctx.account, ctx.region), record_key)
    index = CertificateIndex(ctx)
    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        groups = list(pool.map(lambda g: discover_group_removal(ctx, listing, core_devices, g, spec_dir,
                                                                facts_of(record, g.name), index, purge_local),
                               selected))
    shared = discover_shared(ctx, spec, selected, listing, groups, record_key, everything)
    return DestroyState(groups, shared)


def discover_group_removal(ctx, listing, core_devices, group, spec_dir, facts, index, purge_local):
    found = GroupRemoval(group.name, ctx.arn("iot", "thinggroup/" + names.thing_group(group.name)))
    if not _thing_group(ctx, listing, group, found):
        return found                 # a thing group gg did not make keeps everything named after it
    certs_dir = os.path.normpath(os.path.join(spec_dir, group.core.key_path))
    _core(ctx, listing, core_devices, group, certs_dir, facts, index, found)
    for device in group.devices:
        known = [facts.devices[device.name]] if facts and device.name in facts.devices else []
        found.devices.append(discover_for_removal(ctx, device.name, names.client_device_policy(device.name),
                                                  os.path.normpath(os.path.join(spec_dir, device.key_path)), index,
                                                  known))
    _alias_and_role(ctx, listing, group, found)
    if purge_local:
        found.files = _local_files(group, spec_dir, certs_dir)
    return found


def _thing_group(ctx, listing, group, found):
    """The thing group and gg's deployments to it; False when the thing group is not gg's."""
    name = names.thing_group(group.name)
    if name not in listing.thing_groups:
        return True
    tags = {t["Key"]: t["Value"] for t in paginate(ctx, "iot:ListTagsForResource", "tags",
                                                   resourceArn=found.thing_group_arn)}
    if not gg_names.is_managed(tags):
        found.notes.append(Note("thing group", name, "not made by gg", group.name))
        return False
    found.thing_group = True
    prefix = names.deployment_prefix(group.name)
    found.deployments = [d for d in paginate(ctx, "greengrassv2:ListDeployments", "deployments",
                                             targetArn=found.thing_group_arn, historyFilter="ALL")
                         if (d.get("deploymentName") or "").startswith(prefix)]
    current = listing.deployment(found.thing_group_arn) or {}
    found.current = current if (current.get("deploymentName") or "").startswith(prefix) else None
    return True


def _core(ctx, listing, core_devices, group, certs_dir, facts, index, found):
    """The core: its certificates, thing and policies, membership, core device and client devices' association."""
    thing = group.core.name
    known = [facts.certificate] if facts and facts.certificate else []
    found.core = discover_for_removal(ctx, thing, names.core_policy(thing), certs_dir, index, known)
    found.extra_policies = [(p, discover_policy(ctx, p, versions=True)) for p in sorted(listing.policies)
                            if p.startswith(names.core_policy(thing) + "-")]
    if found.core.thing_exists and found.thing_group:
        found.member = any(g["groupName"] == names.thing_group(group.name) for g in paginate(
            ctx, "iot:ListThingGroupsForThing", "thingGroups", thingName=thing))
    found.core_device = thing in core_devices
    if group.devices and found.core.thing_exists:
        found.associated = [d["thingName"] for d in paginate(
            ctx, "greengrassv2:ListClientDevicesAssociatedWithCoreDevice", "associatedClientDevices",
            coreDeviceThingName=thing)]


def _alias_and_role(ctx, listing, group, found):
    alias = names.role_alias(group.name)
    if alias in listing.role_aliases:
        tags = {t["Key"]: t["Value"] for t in paginate(ctx, "iot:ListTagsForResource", "tags",
                                                       resourceArn=ctx.arn("iot", "rolealias/" + alias))}
        if gg_names.is_managed(tags):
            found.role_alias = True
        else:
            found.notes.append(Note("role alias", alias, "not made by gg", group.name))
    role = listing.roles.get(names.token_exchange_role(group.name))
    if role and role.managed:
        found.role = role


def _local_files(group, spec_dir, certs_dir):
    out = []
    paths = certs.core_cert_paths(certs_dir, group.core.name)
    out += [str(p) for p in (paths.cert, paths.key) if p.exists()]
    config = os.path.join(certs_dir, names.nucleus_config_file(group.core.name))
    if os.path.exists(config):
        out.append(config)
    for device in group.devices:
        paths = certs.core_cert_paths(os.path.normpath(os.path.join(spec_dir, device.key_path)), device.name)
        out += [str(p) for p in (paths.cert, paths.key) if p.exists()]
    return out


# --- the plan ------------------------------------------------------------------------------------

def destroy_plan(spec, ctx, state: DestroyState) -> Plan:
    return removal_plan(spec, ctx, state, "v2", group_changes, shared_changes)


def group_changes(found: GroupRemoval):
    if found.core is None:          # a thing group gg did not make: nothing of the group is touched
        return []
    changes = _deployment_changes(found)
    if found.associated:
        change = Change("delete", "client device association", "%s: %s" % (found.core.thing, ", ".join(found.associated)))
        for i in range(0, len(found.associated), 100):
            change.add("greengrassv2:BatchDisassociateClientDeviceFromCoreDevice", {
                "coreDeviceThingName": found.core.thing,
                "entries": [{"thingName": t} for t in found.associated[i:i + 100]]}, done_if=GONE_V2)
        changes.append(change)
    if found.core_device:
        change = Change("delete", "core device", found.core.thing)
        change.add("greengrassv2:DeleteCoreDevice", {"coreDeviceThingName": found.core.thing}, done_if=GONE_V2)
        changes.append(change)
    if found.member:
        change = Change("delete", "thing group membership", "%s in %s" % (found.core.thing, found.name))
        change.add("iot:RemoveThingFromThingGroup", {"thingGroupName": names.thing_group(found.name),
                                                     "thingName": found.core.thing}, done_if=GONE_IOT)
        changes.append(change)
    if found.thing_group:
        change = Change("delete", "thing group", names.thing_group(found.name))
        change.add("iot:DeleteThingGroup", {"thingGroupName": names.thing_group(found.name)}, done_if=GONE_IOT)
        changes.append(change)
    changes += _iot_changes(found)
    if found.role_alias:
        change = Change("delete", "role alias", names.role_alias(found.name))
        change.add("iot:DeleteRoleAlias", {"roleAlias": names.role_alias(found.name)}, done_if=GONE_IOT)
        changes.append(change)
    if found.role:
        changes.append(delete_role_change(found.role, fallback_policy=found.role.name + "-policy"))
    for path in found.files:
        change = Change("delete", "local file", path)
        change.add("local:DeleteFile", {"path": path})
        changes.append(change)
    return changes


def _deployment_changes(found):
    """The empty revision (and the wait for the core devices to take it), then gg's deployments."""
    changes, empty = [], None
    current = found.current
    if current and current.get("deploymentStatus") == "ACTIVE" and REMOVING not in current.get("deploymentName", ""):
        change = Change("deploy", "deployment", "%s: an empty revision" % found.name,
                        fields=["its core devices remove the app's components"])
        empty = change.add("greengrassv2:CreateDeployment", {
            "targetArn": found.thing_group_arn, "deploymentName": "%s %s" % (names.deployment_prefix(found.name),
                                                                             REMOVING),
            "components": {}}, outputs={"deployment_id": "deploymentId", "job_id": "iotJobId"})
        change.add("local:AwaitRemoval", {"thing_group": names.thing_group(found.name),
                                          "job_id": empty.ref("job_id"), "timeout": AWAIT_S})
        changes.append(change)
    elif current and current.get("deploymentStatus") == "ACTIVE":
        change = Change("deploy", "deployment", "%s: the empty revision" % found.name,
                        fields=["wait for its core devices to remove the app's components"])
        change.add("local:AwaitRemoval", {"thing_group": names.thing_group(found.name),
                                          "job_id": current["deploymentId"], "timeout": AWAIT_S})
        changes.append(change)
    for dep in found.deployments:
        change = Change("delete", "deployment", "%s revision %s" % (found.name, dep.get("revisionId")))
        if dep.get("deploymentStatus") == "ACTIVE" and empty is None:     # the empty revision replaces it
            change.add("greengrassv2:CancelDeployment", {"deploymentId": dep["deploymentId"]}, done_if=NOT_ACTIVE)
        change.add("greengrassv2:DeleteDeployment", {"deploymentId": dep["deploymentId"]}, done_if=GONE_V2)
        changes.append(change)
    if empty is not None:
        change = Change("delete", "deployment", "%s: the empty revision" % found.name)
        change.add("greengrassv2:CancelDeployment", {"deploymentId": empty.ref("deployment_id")}, done_if=NOT_ACTIVE)
        change.add("greengrassv2:DeleteDeployment", {"deploymentId": empty.ref("deployment_id")}, done_if=GONE_V2)
        changes.append(change)
    return changes


def _iot_changes(found):
    changes, notes = removal_changes(found.core)
    deleted = {c.arn for c in found.core.certificates}
    for name, policy in found.extra_policies:
        if policy:
            changes.append(_policy_removal(CoreDeviceRemoval(found.core.thing, name, policy=policy), deleted, ""))
    for device in found.devices:
        device_changes, device_notes = removal_changes(device)
        changes += device_changes
        notes += device_notes
    found.notes.extend(notes)
    return changes


# --- waiting for the devices to take the empty revision -------------------------------------------

def await_removal(ctx, thing_group, job_id, timeout=AWAIT_S, poll=2.0):
    """local:AwaitRemoval: until every member of the thing group that is a core device (it reported once)
    finished the empty revision's job, or `timeout` seconds (a device that is off keeps the app until it
    comes back to a thing group it is no longer in: it is told so in the plan's output)."""
    cores = {d["coreDeviceThingName"] for d in paginate(ctx, "greengrassv2:ListCoreDevices", "coreDevices")}
    things = [t for t in paginate(ctx, "iot:ListThingsInThingGroup", "things", thingGroupName=thing_group)
              if t in cores]
    began = time.monotonic()
    while things:
        pending = []
        for thing in things:
            found = missing(read, ctx, "iot:DescribeJobExecution", jobId=job_id, thingName=thing)
            status = ((found or {}).get("execution") or {}).get("status")
            if found is not None and status not in FINAL:
                pending.append(thing)
        if not pending:
            return {}
        if time.monotonic() - began > timeout:
            return {"pending": pending}
        time.sleep(poll)
        things = pending
    return {}


await_removal.with_context = True

LOCAL_HANDLERS = {"local:AwaitRemoval": await_removal, "local:DeleteFile": delete_file}
