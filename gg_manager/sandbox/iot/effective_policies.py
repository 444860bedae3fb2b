"""GetEffectivePolicies, which moto's IoT lacks: the policies that decide what a device may do when it
connects, each with its default version's document (JSON text), as AWS answers it.

`principal` (a certificate or thing group ARN; one that does not exist is ResourceNotFoundException)
gives the policies attached to it; `thingName` adds those attached to the thing groups the thing is
in and their parent groups. With neither (a Cognito identity pool is not modelled) the request is
InvalidRequestException.
"""
import json

from moto.core.responses import ActionResult
from moto.iot.exceptions import InvalidRequestException
from moto.iot.responses import IoTResponse


def _group_arns(backend, thing_name):
    by_name = {g.thing_group_name: g for g in backend.thing_groups.values()}
    arns, todo = [], [g["groupName"] for g in backend.list_thing_groups_for_thing(thing_name)]
    while todo:
        group = by_name.get(todo.pop())
        if group is not None and group.arn not in arns:
            arns.append(group.arn)
            if group.parent_group_name:
                todo.append(group.parent_group_name)
    return arns


def effective_policies(backend, principal=None, thing_name=None):
    if not principal and not thing_name:
        raise InvalidRequestException("A principal or a thingName is required.")
    targets = []
    if principal:
        backend._get_principal(principal)           # ResourceNotFoundException when it does not exist
        targets.append(principal)
    if thing_name:
        targets += _group_arns(backend, thing_name)
    found = {}
    for (target, _), (_, policy) in list(backend.principal_policies.items()):
        if target in targets:
            found.setdefault(policy.name, policy)
    return [{"policyName": p.name, "policyArn": p.arn,
             "policyDocument": p.document if isinstance(p.document, str) else json.dumps(p.document)}
            for _, p in sorted(found.items())]


def get_effective_policies(self):
    return ActionResult({"effectivePolicies": effective_policies(
        self.iot_backend, self._get_param("principal"), self._get_param("thingName"))})


def install():
    if getattr(IoTResponse, "_gg_effective_policies", False):
        return
    IoTResponse._gg_effective_policies = True
    IoTResponse.get_effective_policies = get_effective_policies
