"""AWS operations by the name AWS gives them ('iot:AttachPolicy'), resolved through botocore's model.

`check(operation)` says whether botocore knows the operation (plans are checked when
built, so a typo fails at plan time, not half-way through an apply). `call(ctx, ...)`
runs it: the client method comes from the model (xform_name), and a parameter the
model declares as a string (or blob) but the plan holds as a dict or list (a policy
document, a JSON body) is sent as JSON text.
"""
import functools
import json

import botocore.session
from botocore import xform_name

from gg_manager.plan.model import LOCAL_SERVICE


@functools.lru_cache(maxsize=None)
def _service_model(service):
    return botocore.session.get_session().get_service_model(service)


def operation_model(operation):
    service, _, name = operation.partition(":")
    return _service_model(service).operation_model(name)


def check(operation) -> None:
    """Raise ValueError when `operation` is not an operation botocore knows (local ones pass)."""
    service, _, name = operation.partition(":")
    if service == LOCAL_SERVICE:
        return
    try:
        operation_model(operation)
    except Exception as exc:
        raise ValueError("unknown AWS operation %s (%s)" % (operation, exc))


def is_read(operation) -> bool:
    """Reads are named Get*, List*, Describe*, Head* by every AWS service gg uses."""
    return operation.split(":", 1)[1].startswith(("Get", "List", "Describe", "Head"))


def call(ctx, operation, params):
    """Run one AWS operation with plain (resolved) parameters; returns botocore's answer."""
    service, _, name = operation.partition(":")
    model = operation_model(operation)
    client = ctx.client(service)
    return getattr(client, xform_name(name))(**coerce(model.input_shape, params))


def read(ctx, operation, **params):
    """A read by its AWS name, for discovery: `read(ctx, "iot:ListThingPrincipals", thingName=n)`."""
    if not is_read(operation):
        raise ValueError("%s is not a read; writes are plan steps" % operation)
    return call(ctx, operation, params)


def coerce(shape, value):
    """Dicts and lists where the model wants a string or blob become JSON text, at any depth."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind in ("string", "blob") and isinstance(value, (dict, list)):
        text = json.dumps(value)
        return text if kind == "string" else text.encode("utf-8")
    if kind == "structure" and isinstance(value, dict):
        return {k: coerce(shape.members.get(k), v) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: coerce(shape.value, v) for k, v in value.items()}
    return value


def paginate(ctx, operation, key, **params):
    """Every item of a list read, following its pages (botocore's paginator, or NextToken)."""
    from gg_manager.aws.session import paginate as follow
    if not is_read(operation):
        raise ValueError("%s is not a read" % operation)
    service, _, name = operation.partition(":")
    return follow(ctx.client(service), xform_name(name), key, **params)
