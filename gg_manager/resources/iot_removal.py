"""Removing a core device (or a group's device) from AWS IoT: its certificates, its thing, its policy, in
the order IoT allows.

Each certificate is deactivated, detached from its policies, then from the thing, then
deleted; until it is deleted it stays findable (by the thing, the policy, the files next
to the key, or whatever the target adds, e.g. V1's core definition, deleted after it).
A thing gg did not make is kept, with the certificates attached to it, except those
issued for the key gg holds.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from gg_manager.aws.errors import missing
from gg_manager.aws.session import paginate
from gg_manager.plan.model import Change, Note
from gg_manager.plan.operations import read
from gg_manager.resources import names
from gg_manager.resources.iot import (GONE, ActualPolicy, cert_id, certificates_for_key, discover_policy,
                                      local_certificate)


@dataclass
class Certificate:
    arn: str
    status: str
    on_thing: bool
    policies: List[str] = field(default_factory=list)


@dataclass
class CoreDeviceRemoval:
    thing: str
    policy_name: str
    thing_exists: bool = False
    thing_managed: bool = False
    principals: List[str] = field(default_factory=list)
    certificates: List[Certificate] = field(default_factory=list)   # gg's, to delete
    policy: Optional[ActualPolicy] = None


def discover_for_removal(ctx, thing, policy_name, certs_dir, index, known_certs=()) -> CoreDeviceRemoval:
    """`known_certs`: certificate ARNs the target knows are gg's (e.g. named in its core definition)."""
    found = CoreDeviceRemoval(thing, policy_name)
    desc = missing(read, ctx, "iot:DescribeThing", thingName=thing)
    if desc:
        found.thing_exists = True
        found.thing_managed = (desc.get("attributes") or {}).get(names.THING_MANAGED_ATTRIBUTE) == names.MANAGED_VALUE
        found.principals = sorted(read(ctx, "iot:ListThingPrincipals", thingName=thing).get("principals", []))
    found.policy = discover_policy(ctx, policy_name, versions=True)
    candidates = set(known_certs)
    if found.thing_managed:
        candidates.update(found.principals)
    if found.policy:
        candidates.update(t for t in found.policy.targets if ":cert/" in t)
    local = local_certificate(ctx, certs_dir, thing)
    if local:
        candidates.add(local.arn)
    candidates.update(d["certificateArn"] for d in certificates_for_key(ctx, certs_dir, thing, index, True))
    for arn in sorted(candidates):
        cert = missing(read, ctx, "iot:DescribeCertificate", certificateId=cert_id(arn))
        if not cert:
            continue
        attached = [p["policyName"] for p in paginate(ctx.client("iot"), "list_attached_policies", "policies",
                                                      target=arn)]
        found.certificates.append(Certificate(arn, cert["certificateDescription"].get("status", ""),
                                              arn in found.principals, sorted(attached)))
    return found


def removal_changes(found: CoreDeviceRemoval, group=""):
    """([changes], [notes]) deleting gg's certificates, then its thing and policy."""
    changes, notes = [], []
    for cert in found.certificates:
        change = Change("delete", "certificate", cert_id(cert.arn)[:12], group=group, before={"arn": cert.arn})
        if cert.status == "ACTIVE":
            change.add("iot:UpdateCertificate", {"certificateId": cert_id(cert.arn), "newStatus": "INACTIVE"},
                       done_if=GONE)
        for policy in cert.policies:
            change.add("iot:DetachPolicy", {"policyName": policy, "target": cert.arn}, done_if=GONE)
        if cert.on_thing:
            change.add("iot:DetachThingPrincipal", {"thingName": found.thing, "principal": cert.arn}, done_if=GONE)
        change.add("iot:DeleteCertificate", {"certificateId": cert_id(cert.arn), "forceDelete": False},
                   done_if=GONE)
        changes.append(change)
    deleted = {c.arn for c in found.certificates}
    if found.thing_exists and found.thing_managed:
        change = Change("delete", "iot thing", found.thing, group=group)
        for principal in found.principals:
            if principal not in deleted:
                change.add("iot:DetachThingPrincipal", {"thingName": found.thing, "principal": principal},
                           done_if=GONE)
        change.add("iot:DeleteThing", {"thingName": found.thing}, done_if=GONE)
        changes.append(change)
    elif found.thing_exists:
        notes.append(Note("iot thing", found.thing, "not made by gg (no %s attribute)"
                          % names.THING_MANAGED_ATTRIBUTE, group))
    if found.policy:
        changes.append(_policy_removal(found, deleted, group))
    return changes, notes


def _policy_removal(found, deleted, group):
    change = Change("delete", "iot policy", found.policy_name, group=group, before={"document": found.policy.document})
    for version in found.policy.versions or []:
        if not version.get("isDefaultVersion"):
            change.add("iot:DeletePolicyVersion", {"policyName": found.policy_name,
                                                   "policyVersionId": version["versionId"]}, done_if=GONE)
    for target in found.policy.targets:
        if target not in deleted:
            change.add("iot:DetachPolicy", {"policyName": found.policy_name, "target": target}, done_if=GONE)
    change.add("iot:DeletePolicy", {"policyName": found.policy_name}, done_if=GONE)
    return change
