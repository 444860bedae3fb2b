"""Desired vs actual -> the apply Plan for Greengrass V1. Pure: reads two values, calls nothing.

Shared changes first (the artifact bucket, model uploads, Lambda roles and functions),
then per group: the group, its core device (thing, policy, certificate), its devices (the
same three each), the devices the spec dropped (before the definitions, so the device
definition names them until they are gone: an interrupted run finds them again), its role,
its definitions, the role association, one group version when anything it uses moved,
the deployment (when deploying), and what the group no longer uses. Shared deletions
come last; then gg's apply record.
"""
from gg_manager.aws.errors import gone
from gg_manager.plan import operations
from gg_manager.plan.model import Change, Plan, has_refs
from gg_manager.resources.artifacts import bucket_changes, upload_change
from gg_manager.resources.compare import same, substitute
from gg_manager.resources.iam import role_changes
from gg_manager.resources.iot import ActualCoreDevice, certificate_changes, policy_change, thing_change
from gg_manager.resources.iot_removal import removal_changes
from gg_manager.resources.lambda_fn import create_function_change, update_function_change
from gg_manager.targets.v1.device_files import device_config_change
from gg_manager.targets.v1.kinds import BY_KEY
from gg_manager.targets.v1.lower import CORE_CERT, GROUP_ID, device_cert
from gg_manager.targets.v1.record import record_plan_change
from gg_manager.targets.v1.removal import removed_function_changes

# Tags earlier gg versions stamped on groups; they are gg's, not the user's.
LEGACY_TAGS = ("gg:applied", "gg:applied-version")
GONE = gone("greengrass")
FAILED = ("Failure",)


def diff(desired, actual, deploy=False) -> Plan:
    plan = Plan(desired.spec_file, desired.account, desired.region, target="v1",
                groups=[g.name for g in desired.groups], fingerprint=actual.fingerprint())
    moved = shared_changes(plan, desired, actual)
    produced = {}
    for group in desired.groups:
        produced[group.name] = GroupDiff(plan, group, actual.groups[group.name], moved, deploy,
                                         actual.iot_host).run()
    for change in removed_function_changes(actual.removed_functions):
        plan.add(change)
    plan.notes.extend(actual.notes)
    if any(c.action != "deploy" for c in plan.changes):
        record = record_plan_change(desired, actual, produced)
        if record:
            plan.record(record)
    return plan.number(check=operations.check)


def shared_changes(plan, desired, actual):
    """Bucket, model objects, Lambda roles and functions; returns the groups whose Lambdas moved."""
    for bucket in desired.buckets:
        for change in bucket_changes(bucket, actual.buckets.get(bucket), desired.account, desired.region):
            plan.add(change)
    for key, model in sorted(desired.models.items()):
        if not actual.models.get(key):
            plan.add(upload_change(model))
    moved = set()
    for name, fn in sorted(desired.functions.items()):
        if fn.role:
            for change in role_changes(fn.role, actual.roles.get(fn.role.name)):
                plan.add(change)
        found = actual.functions.get(name)
        change = create_function_change(fn) if found is None else update_function_change(fn, found)
        if change:
            plan.add(change)
            if found is not None:
                moved.update(fn.groups)
    return moved


class GroupDiff:
    def __init__(self, plan, desired, actual, moved, deploy, iot_host=""):
        self.plan, self.d, self.a, self.moved, self.deploy = plan, desired, actual, moved, deploy
        self.name, self.iot_host = desired.name, iot_host

    def add(self, change):
        change.group = self.name
        return self.plan.add(change)

    def run(self):
        """Add the group's changes; return what gg will have applied (for the apply record)."""
        group_id, _ = self.group()
        certificate = self.core(group_id)
        current = self.a.config_current.encode("utf-8") if self.a.config_current is not None else None
        for change in device_config_change(self.d, self.plan.region, self.iot_host, self.a.key_here, current,
                                           not isinstance(certificate, str)):
            self.add(change)
        devices = {d.thing: self.iot_device(d, self.a.devices.get(d.thing), d.policy, "a device of the group")
                   for d in self.d.devices}
        for removal in self.a.old_devices:
            self.remove_things(removal, "device no longer in the spec")
        if self.d.role:
            for change in role_changes(self.d.role, self.a.role, self.name):
                self.add(change)
        certificates = dict({device_cert(name): cert for name, cert in devices.items()}, **{CORE_CERT: certificate})
        versions, ids, changed = self.definitions(certificates)
        self.association(group_id)
        version = self.group_version(group_id, versions, changed)
        if self.deploy:
            self.deployment(group_id, version)
        self.leftovers()
        facts = {"group_version": version, "certificate": certificate,
                 "definitions": {k: {"version": ids[k], "template": self.d.template_hash(k)} for k in sorted(ids)}}
        if devices:
            facts["devices"] = devices
        return facts

    def group(self):
        if not self.a.group:
            change = Change("create", "group", self.name, after={"tags": self.d.tags})
            step = change.add("greengrass:CreateGroup", {"Name": self.name, "tags": dict(self.d.tags)},
                              outputs={"id": "Id", "arn": "Arn"})
            self.add(change)
            return step.ref("id"), step.ref("arn")
        arn = self.a.group["Arn"]
        tags = {k: v for k, v in self.a.tags.items() if k not in LEGACY_TAGS}
        if tags != self.d.tags:
            change = Change("update", "group", self.name, before={"tags": tags}, after={"tags": self.d.tags})
            gone = sorted(set(tags) - set(self.d.tags))
            if gone:
                change.add("greengrass:UntagResource", {"ResourceArn": arn, "TagKeys": gone})
            new = {k: v for k, v in self.d.tags.items() if tags.get(k) != v}
            if new:
                change.add("greengrass:TagResource", {"ResourceArn": arn, "tags": new})
            self.add(change)
        return self.a.group["Id"], arn

    def core(self, group_id):
        return self.iot_device(self.d.core, self.a.core, substitute(self.d.core.policy, {GROUP_ID: group_id}))

    def iot_device(self, device, found, document, label=""):
        """The thing, its policy (`document`, values in place) and its certificate; returns the
        certificate's ARN, known or a Ref to the step that issues it."""
        found = found or ActualCoreDevice(False)
        changes, certificate = certificate_changes(device, found)
        for change in thing_change(device, found) + policy_change(device, found, document) + changes:
            change.fields = change.fields or ([label] if label else [])
            self.add(change)
        return certificate

    def remove_things(self, removal, why):
        changes, notes = removal_changes(removal)
        for change in changes:
            change.fields = change.fields or [why]
            self.add(change)
        self.plan.notes.extend(notes)

    def definitions(self, certificates):
        """kind -> version ARN (or Ref), kind -> version id (or Ref), and whether any moved.
        `certificates`: placeholder -> certificate ARN (or Ref)."""
        versions, ids, changed = {}, {}, False
        for key in sorted(self.d.definitions):
            kind, found = BY_KEY[key], self.a.definitions.get(key)
            want = substitute(self.d.definitions[key], certificates)
            if found is not None and found.latest_version and self._same(found, want):
                versions[key], ids[key] = found.latest_version_arn, found.latest_version
            else:
                step = self._put(kind, found, want)
                versions[key], ids[key] = step.ref("version_arn"), step.ref("version")
                changed = True
            for extra in (found.extra_ids if found else []):
                change = Change("delete", kind.label, "%s (duplicate %s)" % (kind.definition_name(self.name), extra))
                change.add(kind.delete_op, {kind.id_param: extra}, done_if=GONE)
                self.add(change)
        return versions, ids, changed

    @staticmethod
    def _same(found, want):
        if found.unchanged:
            return True
        return found.content is not None and not has_refs(want) and same(found.content, want)

    def _put(self, kind, found, want):
        label = kind.definition_name(self.name)
        if found is None:
            change = Change("create", kind.label, label, after=want)
            step = change.add(kind.create_op, {"Name": label, "InitialVersion": want, "tags": dict(self.d.tags)},
                              outputs={"version_arn": "LatestVersionArn", "version": "LatestVersion"})
            self.add(change)
            return step
        drift = found.drifted and found.recorded_template == self.d.template_hash(kind.key)
        change = Change("update", kind.label, label, cause="drift" if drift else "spec", before=found.content or {},
                        after=want)
        step = change.add(kind.create_version_op, {kind.id_param: found.id, kind.entries: want[kind.entries]},
                          outputs={"version_arn": "Arn", "version": "Version"})
        self.add(change)
        return step

    def association(self, group_id):
        wanted, current = self.d.role_arn, self.a.associated_role_arn
        if wanted and current != wanted:
            change = Change("update" if current else "create", "group role association", wanted,
                            before={"role": current} if current else None, after={"role": wanted})
            change.add("greengrass:AssociateRoleToGroup", {"GroupId": group_id, "RoleArn": wanted})
            self.add(change)
        elif not wanted and current:
            change = Change("delete", "group role association", current, before={"role": current})
            change.add("greengrass:DisassociateRoleFromGroup", {"GroupId": group_id})
            self.add(change)

    def _version_reasons(self, versions, changed):
        """(needed, reasons, cause) for a new group version."""
        if not self.a.group or self.a.version_definitions is None:
            return True, [], "spec"
        if self.a.version_made_outside:
            return True, ["latest group version: expected %s (the one gg made), found %s (created outside gg)"
                          % (self.a.recorded_version, self.a.group["LatestVersion"])], "drift"
        if changed:
            return True, [], "spec"
        if self.a.version_definitions != versions:
            dropped = sorted(set(self.a.version_definitions) - set(versions))
            return True, (["drops the %s definition" % k for k in dropped]
                          or ["the current one points at older definition versions"]), "spec"
        return False, [], "spec"

    def group_version(self, group_id, versions, changed):
        needed, reasons, cause = self._version_reasons(versions, changed)
        if not needed:
            if self.name in self.moved:
                self.plan.deploy_needed.append(self.name)
            return self.a.group["LatestVersion"]
        params = {"GroupId": group_id}
        params.update({BY_KEY[k].version_arn_key: v for k, v in sorted(versions.items())})
        change = Change("create", "group version", self.name, fields=reasons, cause=cause,
                        after={"definitions": sorted(versions)})
        step = change.add("greengrass:CreateGroupVersion", params, outputs={"version": "Version"})
        self.add(change)
        self.plan.deploy_needed.append(self.name)
        return step.ref("version")

    def deployment(self, group_id, version):
        dep = self.a.deployment
        if self.name in self.plan.deploy_needed:
            why = "Lambda code or configuration changed" if isinstance(version, str) else "the new group version"
        elif dep is None:
            why = "version %s was never deployed" % version
        elif dep["version"] != version:
            why = "version %s is not deployed (deployed: %s)" % (version, dep["version"])
        elif dep["status"] in FAILED:
            why = "the deployment of version %s failed: %s" % (version, dep.get("error") or dep["status"])
        else:
            return
        if self.name not in self.plan.deploy_needed:
            self.plan.deploy_needed.append(self.name)
        change = Change("deploy", "deployment", self.name, fields=[why])
        change.add("greengrass:CreateDeployment", {"GroupId": group_id, "GroupVersionId": version,
                                                   "DeploymentType": "NewDeployment"},
                   outputs={"deployment_id": "DeploymentId"})
        self.add(change)

    def leftovers(self):
        """Core devices and definitions the group's new version no longer uses."""
        for removal in self.a.old_cores:
            self.remove_things(removal, "core no longer in the spec")
        for key, found in sorted(self.a.definitions.items()):
            if key not in self.d.definitions:
                kind = BY_KEY[key]
                change = Change("delete", kind.label, found.name)
                change.add(kind.delete_op, {kind.id_param: found.id}, done_if=GONE)
                self.add(change)
