"""Read what exists in AWS for a V1 desired state. Read-only: nothing here changes anything.

Everything is found by name and gg's tags, never from local files (except the core's and the
devices' own keys and certificates, which only this machine has). Lists first (groups, the
seven kinds of definitions: their answers carry every latest version), then per group only
what no list says: its tags, its core device and its devices in IoT, its role association
(and its generated role).
Definition contents are read only where the apply record cannot prove them, once per
distinct content in a fleet.
"""
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from gg_manager.aws.errors import NOT_FOUND, error_code
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.plan.digest import state_digest
from gg_manager.plan.operations import paginate, read
from gg_manager.resources import names
from gg_manager.resources.artifacts import (ActualBucket, check_model_sources, discover_bucket, object_exists,
                                            read_record)
from gg_manager.resources.compare import substitute
from gg_manager.resources.iam import ActualRole, discover_role
from gg_manager.resources.iot import ActualCoreDevice, CertificateIndex, discover_core_device
from gg_manager.resources.iot_removal import CoreDeviceRemoval, discover_for_removal
from gg_manager.resources.lambda_fn import ActualFunction, discover_function
from gg_manager.targets.v1.device_files import gg_host, local_state
from gg_manager.targets.v1.kinds import BY_VERSION_ARN_KEY, KINDS
from gg_manager.targets.v1.lower import GROUP_ID
from gg_manager.targets.v1.record import facts_of
from gg_manager.targets.v1.removal import plan_function_removals
from gg_manager.targets.v1.usage import lambdas_in_use


@dataclass
class ActualDefinition:
    id: str
    arn: str
    name: str
    latest_version: str
    latest_version_arn: str
    content: Optional[dict] = None        # read only when not proven equal to the desired content
    unchanged: bool = False               # proven (by the record) to be what the spec asks for
    drifted: bool = False                 # its latest version is not the one gg made
    recorded_template: Optional[str] = None   # the template gg last applied (from the record)
    extra_ids: List[str] = field(default_factory=list)   # same-name leftovers of a failed run


@dataclass
class ActualGroup:
    name: str
    group: Optional[dict] = None          # Id, Arn, LatestVersion, LatestVersionArn
    tags: Dict[str, str] = field(default_factory=dict)
    version_definitions: Optional[Dict[str, str]] = None   # kind -> version ARN in the latest group version
    version_made_outside: bool = False
    recorded_version: Optional[str] = None   # the group version gg made last (from its apply record)
    definitions: Dict[str, ActualDefinition] = field(default_factory=dict)
    core: Optional[ActualCoreDevice] = None
    role: Optional[ActualRole] = None
    associated_role_arn: Optional[str] = None
    old_cores: List[CoreDeviceRemoval] = field(default_factory=list)
    devices: Dict[str, ActualCoreDevice] = field(default_factory=dict)   # the spec's devices, by thing
    old_devices: List[CoreDeviceRemoval] = field(default_factory=list)   # devices the spec dropped
    deployment: Optional[dict] = None     # the newest deployment {id, version, status} (when deploying)
    recorded: bool = False                # the apply record knows this group
    key_here: bool = False                # the core's private key is on this machine
    config_current: Optional[str] = None  # the core's config.json on this machine, as it reads now


@dataclass
class Actual:
    groups: Dict[str, ActualGroup]
    functions: Dict[str, Optional[ActualFunction]]
    roles: Dict[str, Optional[ActualRole]]
    models: Dict[str, bool]
    buckets: Dict[str, Optional[ActualBucket]]
    removed_functions: list = field(default_factory=list)   # FunctionRemoval
    notes: list = field(default_factory=list)               # what is kept, and why
    iot_host: str = ""                                      # the ATS data endpoint, for config.json
    record: dict = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A digest of what discovery read, to refuse a saved plan once AWS moved on."""
        return state_digest(self)


@dataclass
class Listing:
    """The account's groups and definitions by name, from the list calls (every page)."""
    all_groups: Dict[str, List[dict]]
    definitions: Dict[str, Dict[str, List[dict]]]
    groups: Dict[str, dict] = field(default_factory=dict)   # the first group of each name

    def __post_init__(self):
        self.groups = {name: found[0] for name, found in self.all_groups.items()}

    @classmethod
    def read(cls, ctx):
        groups = {}
        for group in paginate(ctx, "greengrass:ListGroups", "Groups"):
            groups.setdefault(group.get("Name"), []).append(group)
        definitions = {}
        for kind in KINDS:
            by_name = definitions.setdefault(kind.key, {})
            for item in paginate(ctx, kind.list_op, "Definitions"):
                by_name.setdefault(item.get("Name"), []).append(item)
        return cls(groups, definitions)


class Contents:
    """Definition version contents, each distinct one read once (fleets share most of them): the
    first thread to ask reads, the others wait for its answer."""

    def __init__(self, ctx):
        self.ctx, self._memo, self._lock = ctx, {}, threading.Lock()

    def get(self, kind, definition_id, version, share_key=None):
        key = (kind.key,) + (share_key or (definition_id, version))
        with self._lock:
            future = self._memo.get(key)
            mine = future is None
            if mine:
                future = self._memo[key] = Future()
        if mine:
            try:
                future.set_result(read(self.ctx, kind.get_version_op, **{
                    kind.id_param: definition_id, kind.version_id_param: version}).get("Definition", {}))
            except Exception as exc:
                future.set_exception(exc)
        return future.result()


def discover(ctx, desired, deploy=False, pool_size=MAX_WORKERS) -> Actual:
    check_model_sources(ctx, [s for g in desired.groups for s in g.model_sources])
    listing = Listing.read(ctx)
    record = read_record(ctx, desired.record_bucket, desired.record_key)
    things = {t.thing for g in desired.groups for t in [g.core] + g.devices}
    shared = Shared(ctx, CertificateIndex(ctx), Contents(ctx), record, deploy, things)
    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        groups = {g.name: pool.submit(discover_group, shared, g, listing) for g in desired.groups}
        actual = Actual({}, **_shared_reads(pool, ctx, desired), record=record)
        actual.groups = {n: f.result() for n, f in groups.items()}
    actual.removed_functions, actual.notes = removed_functions(ctx, desired, actual, listing)
    return actual


def _shared_reads(pool, ctx, desired):
    """What the groups share (Lambdas, their roles, model objects, buckets, the data endpoint)."""
    functions = {n: pool.submit(discover_function, ctx, n, f.alias) for n, f in desired.functions.items()}
    roles = {f.role.name: pool.submit(discover_role, ctx, f.role.name, f.role.policy_name)
             for f in desired.functions.values() if f.role}
    models = {k: pool.submit(object_exists, ctx, m.bucket, m.key) for k, m in desired.models.items()}
    buckets = {b: pool.submit(discover_bucket, ctx, b) for b in desired.buckets}
    host = pool.submit(iot_data_host, ctx)
    return {"functions": _results(functions), "roles": _results(roles), "models": _results(models),
            "buckets": _results(buckets), "iot_host": host.result()}


def _results(futures):
    return {k: f.result() for k, f in futures.items()}


def iot_data_host(ctx):
    """The IoT data endpoint a core's config.json names (on a custom endpoint: its host)."""
    return gg_host(ctx) or read(ctx, "iot:DescribeEndpoint", endpointType="iot:Data-ATS")["endpointAddress"]


@dataclass
class Shared:
    ctx: object
    certificates: CertificateIndex
    contents: Contents
    record: dict
    deploy: bool
    things: frozenset = frozenset()        # every core and device thing the groups of this run want


def discover_group(shared, desired_group, listing) -> ActualGroup:
    ctx = shared.ctx
    actual = ActualGroup(desired_group.name)
    actual.key_here, current = local_state(desired_group)
    actual.config_current = current.decode("utf-8", "replace") if current is not None else None
    facts = facts_of(shared.record, desired_group.name)
    actual.recorded = facts is not None
    group = listing.groups.get(desired_group.name)
    if group:
        actual.group = {k: group.get(k) for k in ("Id", "Arn", "LatestVersion", "LatestVersionArn")}
        actual.tags = read(ctx, "greengrass:ListTagsForResource", ResourceArn=group["Arn"]).get("tags") or {}
    policy = substitute(desired_group.core.policy, {GROUP_ID: actual.group["Id"]}) if group else None
    actual.core = discover_core_device(ctx, desired_group.core, policy, shared.certificates)
    actual.devices = {d.thing: discover_core_device(ctx, d, d.policy, shared.certificates)
                      for d in desired_group.devices}
    certificates = {"core": actual.core.certificate,
                    "device": {name: found.certificate for name, found in actual.devices.items()}}
    for kind in KINDS:
        found = listing.definitions[kind.key].get(kind.definition_name(desired_group.name))
        if found:
            actual.definitions[kind.key] = _definition(shared, kind, found, desired_group, facts, certificates)
    actual.old_devices = _dropped_things(shared, actual.definitions.get("device"), "Devices", desired_group,
                                         names.device_policy_name)
    if group and group.get("LatestVersion"):
        _version_definitions(ctx, actual, facts)
    if desired_group.role:
        actual.role = discover_role(ctx, desired_group.role.name, desired_group.role.policy_name)
    if group:
        actual.associated_role_arn = _associated_role(ctx, group["Id"])
        actual.old_cores = _old_cores(shared, actual, desired_group)
        if shared.deploy:
            actual.deployment = latest_deployment(ctx, group["Id"])
    return actual


def _definition(shared, kind, found, desired_group, facts, certificates) -> ActualDefinition:
    """`certificates`: {"core": the core's certificate ARN, "device": {device: its certificate ARN}}."""
    found = sorted(found, key=lambda d: d.get("CreationTimestamp", ""))
    first = found[0]
    actual = ActualDefinition(first["Id"], first["Arn"], first["Name"], first.get("LatestVersion") or "",
                              first.get("LatestVersionArn") or "", extra_ids=[d["Id"] for d in found[1:]])
    if not actual.latest_version:
        return actual
    recorded = facts.definitions.get(kind.key) if facts else None
    actual.recorded_template = recorded[1] if recorded else None
    template = desired_group.template_hash(kind.key) if kind.key in desired_group.definitions else None
    same_cert = kind.key not in certificates or (facts is not None
                                                 and certificates[kind.key] == facts.certificates(kind.key))
    if recorded and recorded[0] == actual.latest_version:
        if recorded[1] == template and same_cert:
            actual.unchanged = True
            return actual
        share = (recorded[1], json.dumps(facts.certificates(kind.key), sort_keys=True))
        actual.content = shared.contents.get(kind, actual.id, actual.latest_version, share)
        return actual
    actual.drifted = recorded is not None
    actual.content = shared.contents.get(kind, actual.id, actual.latest_version)
    return actual


def _version_definitions(ctx, actual, facts):
    """Which definition versions the latest group version uses: known from the record when the
    group's latest version is the one gg made and each definition's latest is too."""
    latest = actual.group["LatestVersion"]
    if facts and facts.group_version == latest:
        known = {}
        for key, (version, _) in facts.definitions.items():
            found = actual.definitions.get(key)
            if not found or found.latest_version != version:
                break
            known[key] = found.latest_version_arn
        else:
            actual.version_definitions = known
            return
    actual.version_made_outside = facts is not None and facts.group_version != latest
    actual.recorded_version = facts.group_version if facts else None
    answer = read(ctx, "greengrass:GetGroupVersion", GroupId=actual.group["Id"], GroupVersionId=latest)
    arns = answer.get("Definition") or {}
    actual.version_definitions = {BY_VERSION_ARN_KEY[k].key: v for k, v in arns.items()
                                  if k in BY_VERSION_ARN_KEY and v}


def _associated_role(ctx, group_id):
    """The group's role ARN; AWS answers BadRequestException when the group has none."""
    try:
        return read(ctx, "greengrass:GetAssociatedRole", GroupId=group_id).get("RoleArn")
    except Exception as exc:
        if error_code(exc) in NOT_FOUND or error_code(exc) == "BadRequestException":
            return None
        raise


def _old_cores(shared, actual, desired_group):
    """Core devices of the group's current core definition that the spec no longer names."""
    return _dropped_things(shared, actual.definitions.get("core"), "Cores", desired_group, names.core_policy_name)


def _dropped_things(shared, definition, entries, desired_group, policy_name):
    """The things (with their certificates and policies) that the current core or device
    `definition` names and the spec no longer does, as a core or as a device of any group (a
    device moved to another group stays). Their keys were kept where the spec keeps the
    core's, as far as gg can know."""
    if not definition or definition.unchanged or not definition.content:
        return []
    wanted = {desired_group.core.thing} | {d.thing for d in desired_group.devices} | set(shared.things)
    out = []
    for entry in definition.content.get(entries) or []:
        thing = entry.get("ThingArn", "").split("/", 1)[-1]
        if thing and thing not in wanted:
            out.append(discover_for_removal(shared.ctx, thing, policy_name(thing), desired_group.core.certs_dir,
                                            shared.certificates, [c for c in [entry.get("CertificateArn")] if c]))
    return out


def latest_deployment(ctx, group_id):
    """The group's newest deployment: {id, version, status, error}, or None."""
    deps = list(paginate(ctx, "greengrass:ListDeployments", "Deployments", GroupId=group_id))
    if not deps:
        return None
    newest = max(enumerate(deps), key=lambda p: (p[1].get("CreatedAt", ""), p[0]))[1]
    status = read(ctx, "greengrass:GetDeploymentStatus", GroupId=group_id, DeploymentId=newest["DeploymentId"])
    return {"id": newest["DeploymentId"], "version": (newest.get("GroupArn") or "").rsplit("/", 1)[-1],
            "created": newest.get("CreatedAt"), "status": status.get("DeploymentStatus"),
            "error": status.get("ErrorMessage")}


def removed_functions(ctx, desired, actual, listing):
    """Lambdas a group's function definition uses but the spec dropped: deleted when gg made them
    and no group outside this run uses them. Returns (removals, notes)."""
    candidates = set()
    for group in actual.groups.values():
        fdef = group.definitions.get("function")
        for entry in ((fdef.content or {}).get("Functions", []) if fdef else []):
            parts = entry.get("FunctionArn", "").split(":")
            if len(parts) >= 7 and parts[6] not in desired.functions:
                candidates.add(parts[6])
    if not candidates:
        return [], []
    used = lambdas_in_use(ctx, listing, [g.name for g in desired.groups])
    return plan_function_removals(ctx, candidates, used, "no group of the spec uses it any more")

