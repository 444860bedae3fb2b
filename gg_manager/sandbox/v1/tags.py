"""Tags on groups, definitions and bulk deployments.

`tags` on create, `tag_resource`, `untag_resource`, `list_tags_for_resource`;
Get* answers carry `tags` and List*Definitions entries carry `Tags`, as in the
botocore model. Tags live on the backend keyed by resource ARN.
"""
import json

from moto.greengrass.models import GreengrassBackend
from moto.greengrass.responses import GreengrassResponse

from .. import tag_rules
from .common import json_body, store
from .errors import BadRequestException

KINDS = ("core", "device", "function", "resource", "subscription", "logger", "connector")


def tags_of(backend):
    return store(backend, "tags")


def validate_tags(tags):
    if tags is None:
        return {}
    message = tag_rules.problem(tags, 50)
    if message:
        raise BadRequestException(message)
    return tags


def taggable_arns(backend):
    """Every ARN that may carry tags in this backend."""
    arns = {g.arn for g in backend.groups.values()}
    for kind in ("core", "device", "function", "resource", "subscription"):
        arns.update(d.arn for d in getattr(backend, kind + "_definitions").values())
    for kind in ("loggers", "connectors"):
        arns.update(d.arn for d in store(backend, kind + "_definitions").values())
    arns.update(b.arn for b in store(backend, "bulk_deployments").values())
    return arns


def _resource_arn(response):
    raw = getattr(response, "raw_path", None) or response.path
    from urllib.parse import unquote

    path = unquote(raw)
    if not path.startswith("/tags/"):
        raise BadRequestException("Missing resource ARN.")
    arn = path[len("/tags/"):]
    if arn not in taggable_arns(response.greengrass_backend):
        raise BadRequestException("The resource %s does not exist." % arn)
    return arn


# -- responses for the three tag operations ------------------------------------------
def tag_resource(self):
    arn = _resource_arn(self)
    tags = json_body(self).get("tags")
    if not tags:
        raise BadRequestException("tags is required.")
    current = tags_of(self.greengrass_backend).setdefault(arn, {})
    validate_tags(dict(current, **validate_tags(tags)))
    current.update(tags)
    return 204, {"status": 204}, ""


def untag_resource(self):
    arn = _resource_arn(self)
    keys = self.querystring.get("tagKeys") or []
    if not keys:
        raise BadRequestException("tagKeys is required.")
    current = tags_of(self.greengrass_backend).get(arn, {})
    for key in keys:
        current.pop(key, None)
    return 204, {"status": 204}, ""


def list_tags_for_resource(self):
    arn = _resource_arn(self)
    return json.dumps({"tags": dict(tags_of(self.greengrass_backend).get(arn, {}))})


# -- wrappers adding tags to create/get/list answers ---------------------------------
def _answer(result):
    """Split moto's (status, headers, body) or bare body into parts."""
    if isinstance(result, tuple):
        return result
    return 200, {}, result


def _on_create(method):
    def create(self):
        tags = validate_tags(json_body(self).get("tags"))
        status, headers, body = _answer(method(self))
        if tags:
            tags_of(self.greengrass_backend)[json.loads(body)["Arn"]] = dict(tags)
        return status, headers, body
    return create


def _on_get(method):
    def get(self):
        status, headers, body = _answer(method(self))
        data = json.loads(body)
        tags = tags_of(self.greengrass_backend).get(data.get("Arn"))
        if tags:
            data["tags"] = dict(tags)
        return status, headers, json.dumps(data)
    return get


def _on_list(method):
    def list_(self):
        status, headers, body = _answer(method(self))
        data = json.loads(body)
        known = tags_of(self.greengrass_backend)
        for item in data.get("Definitions", []):
            if known.get(item.get("Arn")):
                item["tags"] = dict(known[item["Arn"]])  # wire name; boto3 shows it as Tags
        return status, headers, json.dumps(data)
    return list_


def _on_delete(method, finder):
    def delete(self):
        arn = None
        try:
            arn = finder(self).arn
        except Exception:  # noqa: BLE001 - the original raises the proper error below
            pass
        result = method(self)
        if arn:
            tags_of(self.greengrass_backend).pop(arn, None)
        return result
    return delete


def install():
    if getattr(GreengrassResponse, "_gg_tags_installed", False):
        return
    GreengrassResponse._gg_tags_installed = True
    R = GreengrassResponse
    R.create_group = _on_create(R.create_group)
    R.get_group = _on_get(R.get_group)
    R.delete_group = _on_delete(R.delete_group, lambda s: s.greengrass_backend.get_group(s.path.split("/")[-1]))
    for kind in KINDS:
        for verb, wrap in (("create", _on_create), ("get", _on_get)):
            name = "%s_%s_definition" % (verb, kind)
            setattr(R, name, wrap(getattr(R, name)))
        name = "list_%s_definitions" % kind
        setattr(R, name, _on_list(getattr(R, name)))
    R.tag_resource = tag_resource
    R.untag_resource = untag_resource
    R.list_tags_for_resource = list_tags_for_resource
    GreengrassBackend.gg_taggable_arns = taggable_arns
