"""Tags on Greengrass V2 resources: components, deployments, core devices (`/tags/{resourceArn}`).

V1 and V2 share the `/tags/` path; the sandbox sends a request here when its
ARN names a V2 resource (`...:components:`, `:deployments:`, `:coreDevices:`)
and to the V1 additions otherwise.
"""
from .. import tag_rules
from . import arns, state
from .errors import not_found, validation

MAX_TAGS = 200


def validate(tags):
    if tags is None:
        return {}
    message = tag_rules.problem(tags, MAX_TAGS)
    if message:
        raise validation(message, fields=[{"name": "tags", "message": message}])
    return tags


def _exists(ctx, st, arn):
    match = arns.COMPONENT_VERSION.match(arn)
    if match:
        return match.group(3) == ctx.account and match.group(5) in st.components.get(match.group(4), {})
    match = arns.COMPONENT.match(arn)
    if match:
        return match.group(3) == ctx.account and bool(st.components.get(match.group(4)))
    if ":deployments:" in arn:
        found = st.deployments.get(arn.rsplit(":", 1)[-1])
        return found is not None and found.arn == arn
    if ":coreDevices:" in arn:
        found = st.core_devices.get(arn.rsplit(":", 1)[-1])
        return found is not None and found.arn == arn
    return False


def _resource(ctx, params):
    arn = params.get("resourceArn", "")
    if not arns.is_v2_resource(arn):
        raise validation("%s is not a Greengrass V2 resource ARN." % arn)
    st = state.of_ctx(ctx)
    if not _exists(ctx, st, arn):
        raise not_found("The resource %s does not exist." % arn, arn, "RESOURCE")
    return st, arn


def tag_resource(ctx, params):
    st, arn = _resource(ctx, params)
    tags = params.get("tags")
    if not tags:
        raise validation("tags is required.")
    merged = dict(st.tags.get(arn, {}), **validate(tags))
    validate(merged)
    st.tags[arn] = merged
    return {}


def untag_resource(ctx, params):
    st, arn = _resource(ctx, params)
    keys = params.get("tagKeys") or []
    if not keys:
        raise validation("tagKeys is required.")
    for key in keys:
        st.tags.get(arn, {}).pop(key, None)
    return {}


def list_tags_for_resource(ctx, params):
    st, arn = _resource(ctx, params)
    return {"tags": dict(st.tags.get(arn, {}))}


HANDLERS = {
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
