"""Small helpers shared by the Greengrass additions: per-backend stores, paging, JSON bodies."""
import json
from collections import OrderedDict

from moto.core.utils import iso_8601_datetime_with_milliseconds, utcnow

from .errors import BadRequestException


def store(backend, name):
    """A dict kept on a moto backend instance, created on first use (backends are made lazily)."""
    return backend.__dict__.setdefault("_gg_" + name, OrderedDict())


def now_iso():
    return iso_8601_datetime_with_milliseconds(utcnow())


def iso(dt):
    return iso_8601_datetime_with_milliseconds(dt)


def json_body(response):
    """The request's JSON body as a dict ({} when empty)."""
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        raise BadRequestException("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequestException("The request body must be a JSON object.")
    return data


def query(response, name):
    values = response.querystring.get(name)
    return values[0] if values else None


def paginate(response, items):
    """Slice `items` by the MaxResults/NextToken query parameters; returns (page, next_token or None)."""
    token = query(response, "NextToken")
    size = query(response, "MaxResults")
    try:
        start = int(token) if token else 0
        limit = int(size) if size else 100
    except ValueError:
        raise BadRequestException("MaxResults and NextToken must be integers.") from None
    if start < 0 or limit < 1:
        raise BadRequestException("MaxResults must be positive.")
    items = list(items)
    page = items[start:start + limit]
    nxt = str(start + limit) if start + limit < len(items) else None
    return page, nxt


def with_token(result, next_token):
    if next_token:
        result["NextToken"] = next_token
    return result


def created(payload):
    """A 200 JSON answer in moto's (status, headers, body) shape."""
    return 200, {"status": 200}, json.dumps(payload)


def uri_param(response, name, index):
    """A path parameter: from moto's router match, else from the path by position."""
    value = (getattr(response, "uri_match", None) or {}).get(name)
    return value if value else response.path.split("/")[index]
