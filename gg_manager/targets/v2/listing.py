"""What the account holds, read with list calls (every page) once per run, for a whole fleet at once.

A no-op plan of N groups costs these pages plus a few reads per group (discover.py), not
one read per resource: things with their attributes, thing groups, certificates with their
status, IoT policy and role alias names, IAM roles with their trust, inline policies and
tags (GetAccountAuthorizationDetails), the current deployment of every target (its name
carries the digest of its document) and gg's components with their latest versions.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from gg_manager.plan.operations import paginate
from gg_manager.resources import names
from gg_manager.resources.compare import policy_document
from gg_manager.resources.iam import ActualRole


@dataclass
class Listing:
    things: Dict[str, dict] = field(default_factory=dict)          # name -> {attributes, version}
    thing_groups: Dict[str, str] = field(default_factory=dict)     # name -> arn
    certificates: Dict[str, str] = field(default_factory=dict)     # arn -> status
    policies: Set[str] = field(default_factory=set)
    role_aliases: Set[str] = field(default_factory=set)
    roles: Dict[str, ActualRole] = field(default_factory=dict)
    deployments: Dict[str, dict] = field(default_factory=dict)     # target arn -> its current deployment
    components: Dict[str, dict] = field(default_factory=dict)      # name -> {arn, latestVersion{...}}

    @classmethod
    def read(cls, ctx, roles=True):
        reads = {
            "things": lambda: {t["thingName"]: {"attributes": t.get("attributes") or {}, "version": t.get("version")}
                               for t in paginate(ctx, "iot:ListThings", "things")},
            "thing_groups": lambda: {g["groupName"]: g["groupArn"]
                                     for g in paginate(ctx, "iot:ListThingGroups", "thingGroups")},
            "certificates": lambda: {c["certificateArn"]: c.get("status", "")
                                     for c in paginate(ctx, "iot:ListCertificates", "certificates")},
            "policies": lambda: {p["policyName"] for p in paginate(ctx, "iot:ListPolicies", "policies")},
            "role_aliases": lambda: set(paginate(ctx, "iot:ListRoleAliases", "roleAliases")),
            "deployments": lambda: {d["targetArn"]: d for d in paginate(
                ctx, "greengrassv2:ListDeployments", "deployments", historyFilter="LATEST_ONLY")},
            "components": lambda: {c["componentName"]: c for c in paginate(
                ctx, "greengrassv2:ListComponents", "components", scope="PRIVATE")},
        }
        if roles:
            reads["roles"] = lambda: read_roles(ctx)
        with ThreadPoolExecutor(max_workers=len(reads)) as pool:
            futures = {k: pool.submit(f) for k, f in reads.items()}
            return cls(**{k: f.result() for k, f in futures.items()})

    def thing_managed(self, thing) -> bool:
        found = self.things.get(thing)
        return bool(found) and found["attributes"].get(names.THING_MANAGED_ATTRIBUTE) == names.MANAGED_VALUE

    def deployment(self, target_arn) -> Optional[dict]:
        return self.deployments.get(target_arn)


def read_roles(ctx) -> Dict[str, ActualRole]:
    """Every IAM role with its trust, inline policies, tags and boundary, in pages of the account's details."""
    out = {}
    for role in paginate(ctx, "iam:GetAccountAuthorizationDetails", "RoleDetailList", Filter=["Role"]):
        inline = {p["PolicyName"]: policy_document(p.get("PolicyDocument")) for p in role.get("RolePolicyList") or []}
        name = role["RoleName"]
        out[name] = ActualRole(name, role["Arn"], policy_document(role.get("AssumeRolePolicyDocument")),
                               inline.get(name + "-policy"), names.tag_map(role.get("Tags")), sorted(inline),
                               [p["PolicyArn"] for p in role.get("AttachedManagedPolicies") or []],
                               boundary=(role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"))
    return out


def gg_deployments(listing, prefix) -> List[dict]:
    return [d for d in listing.deployments.values() if (d.get("deploymentName") or "").startswith(prefix)]
