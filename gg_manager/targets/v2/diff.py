"""Desired vs actual -> the apply Plan for Greengrass V2. Pure: reads two values, calls nothing.

Shared changes first (the artifact bucket, model ZIPs, Lambda roles and functions, the
component versions whose content AWS does not hold yet), then per group: the thing group,
the core device (thing, policies, certificate, membership), the token exchange role and its
alias, client devices and their association, the nucleus config.yaml, and the deployment
when its document changed. gg's apply record last, only when a fact it keeps changed.
"""
from dataclasses import replace

from gg_manager.plan import operations
from gg_manager.plan.model import Change, Plan, Text
from gg_manager.resources import names as gg_names
from gg_manager.resources.artifacts import MANAGED_OBJECT_TAGGING, bucket_changes
from gg_manager.resources.iam import role_changes
from gg_manager.resources.iot import certificate_changes, policy_change, thing_change
from gg_manager.resources.lambda_fn import create_function_change, update_function_change
from gg_manager.targets.v2 import client_devices, device_role, names
from gg_manager.targets.v2 import lambda_component as lc
from gg_manager.targets.v2 import model_component as mc
from gg_manager.targets.v2.device_files import config_change
from gg_manager.targets.v2.record import GroupFacts, record_plan_change
from gg_manager.targets.v2.resolve import resolve
from gg_manager.targets.v2.versioning import digest_in_description

EXISTS = ("ResourceAlreadyExistsException",)
FAILED_ON_DEVICE = ("FAILED", "REJECTED", "TIMED_OUT", "CANCELED")


def diff(desired, actual, deploy=False) -> Plan:
    plan = Plan(desired.spec_file, desired.account, desired.region, target="v2",
                groups=[g.name for g in desired.groups], fingerprint=actual.fingerprint())
    resolved = resolve(desired, actual)
    published = shared_changes(plan, desired, actual)
    for wanted in resolved.new_versions(actual):
        plan.add(component_change(wanted, desired, actual, published))
    produced = {}
    for group in desired.groups:
        produced[group.name] = GroupDiff(plan, group, actual.groups[group.name], resolved, actual, deploy).run()
    plan.notes.extend(actual.notes)
    record = record_plan_change(desired, actual, {k: v.to_json() for k, v in produced.items()})
    if record:
        plan.record(record)
    return plan.number(check=operations.check)


def shared_changes(plan, desired, actual):
    """Bucket, model ZIPs, Lambda roles and functions; returns {Lambda: its PublishVersion step}."""
    for bucket in desired.buckets:
        for change in bucket_changes(bucket, actual.buckets.get(bucket), desired.account, desired.region):
            plan.add(change)
    for model_id, model in sorted(desired.models.items()):
        found = actual.models[model_id]
        if not found["exists"]:
            plan.add(model_upload_change(model, found))
    published = {}
    for name, fn in sorted(desired.functions.items()):
        if fn.role:
            for change in role_changes(fn.role, actual.roles.get(fn.role.name)):
                plan.add(change)
        found = actual.functions.get(name)
        change = create_function_change(fn) if found is None else update_function_change(fn, found)
        if change:
            plan.add(change)
            published[name] = next(s for s in change.steps if s.operation == "lambda:PublishVersion")
    return published


def model_upload_change(model, found) -> Change:
    uri = "s3://%s/%s" % (model.bucket, found["key"])
    change = Change("create", "model object", uri, fields=["the model as a ZIP, from %s" % found["source"]])
    if model.remote:
        packed = change.add("local:RepackModel", {"source": found["source"], "etag": found["etag"]},
                            outputs={"body": "body"})
    else:
        packed = change.add("local:PackModelZip", {"path": model.local_path, "digest": found["digest"]},
                            outputs={"body": "body"})
    change.add("s3:PutObject", {"Bucket": model.bucket, "Key": found["key"], "Body": packed.ref("body"),
                                "Metadata": {"sha256": found["digest"]}, "Tagging": MANAGED_OBJECT_TAGGING})
    return change


def component_change(wanted, desired, actual, published) -> Change:
    label = "%s %s" % (wanted.name, wanted.version)
    change = Change("create", "component version", label, after={"digest": wanted.digest},
                    fields=["content sha256 %s" % wanted.digest[:12]])
    if wanted.kind == "model":
        recipe = mc.with_version(wanted.content, wanted.version)
        change.add("greengrassv2:CreateComponentVersion", mc.create_component_version_request(recipe, gg_names.tags()))
        return change
    name = wanted.content["function"]
    prefix = "arn:%s:lambda:%s:%s:function:%s:" % (_partition(desired), desired.region, desired.account, name)
    if name in published:
        version_arn = Text((prefix, published[name].ref("version")))
    elif name in desired.functions:
        version_arn = prefix + actual.functions[name].alias_version
    else:
        version_arn = prefix + actual.unmanaged[name]
    change.add("greengrassv2:CreateComponentVersion",
               lc.create_component_version_request(wanted.content, version_arn, wanted.version, gg_names.tags()))
    return change


def _partition(desired):
    return desired.groups[0].thing_group_arn.split(":")[1] if desired.groups else "aws"


class GroupDiff:
    def __init__(self, plan, desired, actual, resolved, all_actual, deploy):
        self.plan, self.d, self.a, self.resolved, self.deploy = plan, desired, actual, resolved, deploy
        self.name, self.endpoints, self.region = desired.name, all_actual.endpoints, plan.region

    def add(self, change):
        change.group = self.name
        return self.plan.add(change)

    def run(self) -> GroupFacts:
        """Add the group's changes; return the facts gg will have applied (for the apply record)."""
        self.thing_group()
        certificate = self.core()
        self.membership()
        role_arn = self.role()
        devices = self.devices()
        associated = self.association()
        current = self.a.config_current.encode("utf-8") if self.a.config_current is not None else None
        for change in config_change(self.d, self.region, self.endpoints, self.a.key_here, current,
                                    not isinstance(certificate, str)):
            self.add(change)
        self.deployment()
        return GroupFacts(certificate, dict(self.d.tags), role_arn, devices, associated)

    def thing_group(self):
        name, arn = names.thing_group(self.name), self.d.thing_group_arn
        if not self.a.thing_group:
            change = Change("create", "thing group", name, after={"tags": self.d.tags})
            change.add("iot:CreateThingGroup", {"thingGroupName": name, "tags": gg_names.tag_list(self.d.tags)},
                       done_if=EXISTS)
            self.add(change)
            return
        tags = self.a.tags or {}
        if tags == self.d.tags:
            return
        change = Change("update", "thing group", name, before={"tags": tags}, after={"tags": self.d.tags})
        gone = sorted(set(tags) - set(self.d.tags))
        if gone:
            change.add("iot:UntagResource", {"resourceArn": arn, "tagKeys": gone})
        new = {k: v for k, v in self.d.tags.items() if tags.get(k) != v}
        if new:
            change.add("iot:TagResource", {"resourceArn": arn, "tags": gg_names.tag_list(new)})
        self.add(change)

    def core(self):
        core = self.a.core
        for change in thing_change(self.d.core, core):
            self.add(change)
        for name, document in self.d.policies:
            found = self.a.policies.get(name)
            for change in policy_change(_named(self.d.core, name), _with_policy(core, found), document):
                self.add(change)
        changes, certificate = certificate_changes(self.d.core, core)
        for change in changes:
            self.add(change)
        for name, _ in self.d.policies[1:]:
            found = self.a.policies.get(name)
            if found is None or certificate not in found.targets:
                change = Change("update", "certificate", self.d.core.thing, fields=["attach policy %s" % name])
                change.add("iot:AttachPolicy", {"policyName": name, "target": certificate})
                self.add(change)
        return certificate

    def membership(self):
        if self.a.member:
            return
        change = Change("create", "thing group membership", "%s in %s" % (self.d.core.thing, self.name))
        change.add("iot:AddThingToThingGroup", {"thingGroupName": names.thing_group(self.name),
                                                "thingName": self.d.core.thing})
        self.add(change)

    def role(self):
        role = self.resolved.roles.get(self.name)
        if role is not None:
            for change in role_changes(role, self.a.role, self.name):
                self.add(change)
        wanted = self.d.role_arn
        if not self.a.role_alias:
            change = Change("create", "role alias", self.d.role_alias, after={"role": wanted})
            change.add("iot:CreateRoleAlias", device_role.create_role_alias_request(
                self.d.role_alias, wanted, gg_names.tags(self.name)), done_if=EXISTS)
            self.add(change)
        elif self.a.role_alias_role != wanted:
            change = Change("update", "role alias", self.d.role_alias, before={"role": self.a.role_alias_role},
                            after={"role": wanted}, fields=["role: %s -> %s" % (self.a.role_alias_role, wanted)])
            change.add("iot:UpdateRoleAlias", {"roleAlias": self.d.role_alias, "roleArn": wanted})
            self.add(change)
        return wanted

    def devices(self):
        """Client devices: thing, policy (greengrass:Discover on itself), certificate (key kept here)."""
        certificates = {}
        for device in self.d.devices:
            found = self.a.devices[device.thing]
            for change in thing_change(device, found):
                self.add(change)
            for change in policy_change(device, _with_policy(found, self.a.device_policies.get(device.thing)),
                                        device.policy):
                self.add(change)
            changes, certificates[device.thing] = certificate_changes(device, found)
            for change in changes:
                self.add(change)
        return certificates

    def association(self):
        wanted = [d.thing for d in self.d.devices]
        missing = sorted(set(wanted) - set(self.a.associated))
        for request in client_devices.association_requests(self.d.core.thing, missing):
            change = Change("create", "client device association", "%s: %s" % (
                self.d.core.thing, ", ".join(e["thingName"] for e in request["entries"])))
            change.add("greengrassv2:BatchAssociateClientDeviceWithCoreDevice", request)
            self.add(change)
        return sorted(wanted)

    def deployment(self):
        request = self.resolved.deployments[self.name]
        current = self.a.deployment
        wanted_digest = digest_in_description(request["deploymentName"])
        why, cause = self._deploy_reason(current, wanted_digest)
        if why is None:
            return
        change = Change("deploy", "deployment", self.name, fields=why, cause=cause,
                        after={"revision components": dict(self.resolved.group_components[self.name])})
        change.add("greengrassv2:CreateDeployment", request,
                   outputs={"deployment_id": "deploymentId", "job_id": "iotJobId"})
        self.add(change)

    def _deploy_reason(self, current, wanted_digest):
        if current is None:
            return ["the first revision for thing group %s" % self.name], "spec"
        found = digest_in_description(current.get("deploymentName"))
        mine = (current.get("deploymentName") or "").startswith(names.deployment_prefix(self.name))
        if found != wanted_digest:
            if not (mine and found):
                return ["revision %s of %s was made outside gg" % (current.get("revisionId"), self.name)], "drift"
            return ["a new revision: the components or their configuration changed"], "spec"
        if current.get("deploymentStatus") not in (None, "ACTIVE", "COMPLETED"):
            return ["revision %s is %s" % (current.get("revisionId"), current.get("deploymentStatus"))], "spec"
        if self.deploy:
            failed = {t: e for t, e in self.a.effective.items() if e.get("coreDeviceExecutionStatus") in FAILED_ON_DEVICE}
            if failed:
                return ["revision %s %s on %s" % (current.get("revisionId"), e.get("coreDeviceExecutionStatus").lower(),
                                                  t) for t, e in sorted(failed.items())], "spec"
        return None, "spec"


def _named(device, policy_name):
    return replace(device, policy_name=policy_name)


def _with_policy(device, policy):
    return replace(device, policy=policy)
