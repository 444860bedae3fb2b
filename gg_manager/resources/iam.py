"""IAM roles gg makes: a trust policy, one inline policy, gg's tags, and the run's permissions boundary.

The boundary comes from the run (`--permissions-boundary ARN` or GG_PERMISSIONS_BOUNDARY, never
from the spec: a pull request could drop it). With one, every role gg creates gets it, and a role
gg keeps gets it put back when it differs, before anything else of the role changes (a pipeline
allowed to touch only roles with that boundary must set it first). Without one, gg leaves a role's
boundary as it is: removing a boundary can only widen what a role may do.
"""
import re
from dataclasses import dataclass, field
from typing import List, Optional

from gg_manager.aws.errors import exists, gone, missing
from gg_manager.errors import GGError
from gg_manager.plan.model import Change
from gg_manager.plan.operations import read
from gg_manager.resources import names
from gg_manager.resources.compare import policy_document, same_policy

GONE = gone("iam")
BOUNDARY_ENV = "GG_PERMISSIONS_BOUNDARY"
_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$")


def check_boundary(arn) -> str:
    """`arn` when it names an IAM managed policy (or ""), else a one-line error."""
    arn = (arn or "").strip()
    if arn and not _POLICY_ARN.match(arn):
        raise GGError("permissions boundary %r is not an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)" % arn)
    return arn


@dataclass
class DesiredRole:
    name: str
    trust: dict
    policy: Optional[dict]
    group: str = ""                  # the group it serves ("" for a Lambda's execution role)
    boundary: str = ""               # the permissions boundary ARN ("": leave the role's as it is)

    @property
    def policy_name(self):
        return self.name + "-policy"

    def arn(self, ctx):
        return "arn:%s:iam::%s:role/%s" % (ctx.partition, ctx.account, self.name)

    def view(self, boundary=None):
        """What a reviewer reads (and JSON holds) of the role."""
        return {"permissions_boundary": (self.boundary or boundary) or None, "trust_policy": self.trust,
                "inline_policy": self.policy}


@dataclass
class ActualRole:
    name: str
    arn: str
    trust: Optional[dict]
    policy: Optional[dict]           # the inline policy gg names (name + "-policy")
    tags: dict = field(default_factory=dict)
    inline: List[str] = field(default_factory=list)     # every inline policy (read for delete only)
    attached: List[str] = field(default_factory=list)   # managed policy ARNs (read for delete only)
    boundary: Optional[str] = None   # its permissions boundary ARN

    @property
    def managed(self):
        return names.is_managed(self.tags)

    def view(self):
        return {"permissions_boundary": self.boundary, "trust_policy": self.trust, "inline_policy": self.policy}


def discover_role(ctx, name, policy_name=None, for_delete=False) -> Optional[ActualRole]:
    role = missing(read, ctx, "iam:GetRole", RoleName=name)
    if not role:
        return None
    role = role["Role"]
    policy = None
    if policy_name:
        doc = missing(read, ctx, "iam:GetRolePolicy", RoleName=name, PolicyName=policy_name)
        policy = policy_document((doc or {}).get("PolicyDocument"))
    actual = ActualRole(name, role["Arn"], policy_document(role.get("AssumeRolePolicyDocument")), policy,
                        names.tag_map(role.get("Tags")),
                        boundary=(role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"))
    if for_delete:
        actual.inline = read(ctx, "iam:ListRolePolicies", RoleName=name).get("PolicyNames", [])
        actual.attached = [p["PolicyArn"] for p in read(ctx, "iam:ListAttachedRolePolicies",
                                                         RoleName=name).get("AttachedPolicies", [])]
    return actual


def role_changes(role: DesiredRole, actual: Optional[ActualRole], group="") -> List[Change]:
    """Create the role, or put its boundary, trust and policy back; [] when it is as desired."""
    if actual is None:
        change = Change("create", "iam role", role.name, group=group, after=role.view())
        params = {"RoleName": role.name, "AssumeRolePolicyDocument": role.trust, "Description": "managed by gg",
                  "Tags": names.tag_list(names.tags(role.group))}
        if role.boundary:
            params["PermissionsBoundary"] = role.boundary
        change.add("iam:CreateRole", params, done_if=exists("iam"))
        if role.policy:
            change.add("iam:PutRolePolicy", {"RoleName": role.name, "PolicyName": role.policy_name,
                                             "PolicyDocument": role.policy})
        return [change]
    change = Change("update", "iam role", role.name, group=group, before=actual.view(),
                    after=role.view(actual.boundary))
    if role.boundary and actual.boundary != role.boundary:
        change.add("iam:PutRolePermissionsBoundary", {"RoleName": role.name, "PermissionsBoundary": role.boundary})
    if not same_policy(actual.trust, role.trust):
        change.add("iam:UpdateAssumeRolePolicy", {"RoleName": role.name, "PolicyDocument": role.trust})
    if not same_policy(actual.policy, role.policy):
        if role.policy:
            change.add("iam:PutRolePolicy", {"RoleName": role.name, "PolicyName": role.policy_name,
                                             "PolicyDocument": role.policy})
        else:
            change.add("iam:DeleteRolePolicy", {"RoleName": role.name, "PolicyName": role.policy_name},
                       done_if=GONE)
    return [change] if change.steps else []


def delete_role_change(actual: ActualRole, group="", fallback_policy=None) -> Change:
    """Every inline policy, every attached managed policy, then the role."""
    change = Change("delete", "iam role", actual.name, group=group, before=actual.view())
    inline = actual.inline or ([fallback_policy] if fallback_policy else [])
    for policy in inline:
        change.add("iam:DeleteRolePolicy", {"RoleName": actual.name, "PolicyName": policy}, done_if=GONE)
    for arn in actual.attached:
        change.add("iam:DetachRolePolicy", {"RoleName": actual.name, "PolicyArn": arn}, done_if=GONE)
    change.add("iam:DeleteRole", {"RoleName": actual.name}, done_if=GONE)
    return change


__all__ = ["DesiredRole", "ActualRole", "check_boundary", "discover_role", "role_changes", "delete_role_change"]
