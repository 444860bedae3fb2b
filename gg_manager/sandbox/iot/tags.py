"""IoT tags, which moto's IoT lacks: TagResource, UntagResource, ListTagsForResource, and `tags` on create.

Taggable here as in AWS: thing groups, thing types, billing groups, policies,
role aliases and jobs (things are not taggable in AWS IoT). `tags` given to
CreateThingGroup, CreateThingType, CreateBillingGroup, CreatePolicy,
CreateRoleAlias and CreateJob are kept; a resource created again under the same
name starts with only the tags of its new create call.
"""
from moto.core.responses import ActionResult, EmptyResult
from moto.iot.exceptions import InvalidRequestException, ResourceNotFoundException
from moto.iot.responses import IoTResponse

from .. import tag_rules

CREATES = {"create_thing_group": "thingGroupArn", "create_thing_type": "thingTypeArn",
           "create_billing_group": "billingGroupArn", "create_policy": "policyArn",
           "create_role_alias": "roleAliasArn", "create_job": "jobArn"}
MAX_TAGS = 50


def tags_of(backend):
    return backend.__dict__.setdefault("_gg_tags", {})


def _taggable(backend):
    arns = {g.arn for g in backend.thing_groups.values()}
    arns.update(t.arn for t in backend.thing_types.values())
    arns.update(b.arn for b in backend.billing_groups.values())
    arns.update(p.arn for p in backend.policies.values())
    arns.update(a.arn for a in backend.role_aliases.values())
    arns.update(j.job_arn for j in backend.jobs.values())
    return arns


def _validated(tags):
    found = {tag.get("Key"): tag.get("Value", "") for tag in tags or []}
    message = tag_rules.problem(found, MAX_TAGS)
    if message:
        raise InvalidRequestException(message)
    return found


def _resource(self):
    arn = self._get_param("resourceArn")
    if arn not in _taggable(self.iot_backend):
        raise ResourceNotFoundException("The resource %s does not exist." % arn)
    return arn


def tag_resource(self):
    arn = _resource(self)
    current = tags_of(self.iot_backend).setdefault(arn, {})
    merged = dict(current, **_validated(self._get_param("tags")))
    if len(merged) > MAX_TAGS:
        raise InvalidRequestException("A resource can have at most %d tags." % MAX_TAGS)
    current.update(merged)
    return EmptyResult()


def untag_resource(self):
    arn = _resource(self)
    for key in self._get_param("tagKeys") or []:
        tags_of(self.iot_backend).get(arn, {}).pop(key, None)
    return EmptyResult()


def list_tags_for_resource(self):
    arn = _resource(self)
    return ActionResult({"tags": [{"Key": k, "Value": v} for k, v in tags_of(self.iot_backend).get(arn, {}).items()]})


def _on_create(method, arn_key):
    def create(self):
        tags = _validated(self._get_param("tags"))
        result = method(self)
        arn = (getattr(result, "_result", None) or {}).get(arn_key)
        if arn:
            tags_of(self.iot_backend)[arn] = tags
        return result
    return create


def install():
    if getattr(IoTResponse, "_gg_tags_installed", False):
        return
    IoTResponse._gg_tags_installed = True
    for name, arn_key in CREATES.items():
        setattr(IoTResponse, name, _on_create(getattr(IoTResponse, name), arn_key))
    for func in (tag_resource, untag_resource, list_tags_for_resource):
        setattr(IoTResponse, func.__name__, func)
