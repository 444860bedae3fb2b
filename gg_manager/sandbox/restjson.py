"""A rest-json AWS service served from botocore's own model, beside moto (no moto import).

moto has no Greengrass V2 and no IoT jobs data plane. Their operations are
answered here: the operation is found from botocore's model (HTTP method and
requestUri template), the request's path, query, header and JSON body members
become one `params` dict named as in the model, the handler returns the output
members as a dict, and errors are `ServiceError`s serialised as AWS does for
rest-json (`x-amzn-ErrorType` header, `{"message": ...}` body with the modelled
fields). Knobs (latency, throttling, failures) and the call counter apply to
every call, counted as `<count_as>:<Operation>`.
"""
import base64
import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from werkzeug.wrappers import Response

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_TEMPLATE = re.compile(r"\{(\w+)(\+?)\}")
LOG = logging.getLogger("sandbox.restjson")


class ServiceError(Exception):
    """An AWS error answer: code, message, HTTP status and the shape's other fields."""

    def __init__(self, code, message, status=400, **fields):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
        self.fields = {k: v for k, v in fields.items() if v is not None}


@dataclass
class Context:
    """Who is calling and where: the handler's view of the request."""

    operation: str
    account: str
    region: str
    host_url: str       # scheme://host[:port] the client used (for URLs handed back)
    access_key: str


@dataclass
class _Route:
    name: str
    method: str
    regex: re.Pattern
    model: object
    status: int


def _compile(uri):
    path = uri.split("?", 1)[0]
    parts, pos = [], 0
    for match in _TEMPLATE.finditer(path):
        parts.append(re.escape(path[pos:match.start()]))
        parts.append("(?P<%s>%s)" % (match.group(1), ".+" if match.group(2) else "[^/]+"))
        pos = match.end()
    parts.append(re.escape(path[pos:]))
    return re.compile("^" + "".join(parts) + "/?$")


def scope_of(environ):
    """(access_key, region, signing service) from a SigV4 Authorization header, or (None, None, None)."""
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.groups() if match else (None, None, None)


def raw_path(environ):
    """The request path as sent (percent-encoding kept), so an encoded '/' inside an ARN stays inside."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        raw = raw.split("?", 1)[0]
        if raw.startswith("http://") or raw.startswith("https://"):
            raw = "/" + raw.split("/", 3)[-1]
        return raw
    return environ.get("PATH_INFO", "")


class RestJsonService:
    """WSGI app for one botocore service; `handlers` maps operation names to `f(ctx, params) -> dict`."""

    def __init__(self, service_name, count_as, handlers, knobs, lock, account_of, fault_errors, default_region):
        import botocore.session

        self.model = botocore.session.get_session().get_service_model(service_name)
        self.count_as = count_as
        self.handlers = handlers
        self.knobs, self.lock, self.account_of = knobs, lock, account_of
        self.fault_errors = fault_errors
        self.default_region = default_region
        self.routes = []
        for name in handlers:
            op = self.model.operation_model(name)
            http = op.http
            self.routes.append(_Route(name, http["method"], _compile(http["requestUri"]), op,
                                      int(http.get("responseCode", 200))))
        # literal routes first ($next before {jobId}), then longer templates
        self.routes.sort(key=lambda r: (r.regex.pattern.count("(?P<"), -len(r.regex.pattern)))

    def find(self, method, path):
        for route in self.routes:
            if route.method != method:
                continue
            match = route.regex.match(path)
            if match:
                return route, {k: unquote(v) for k, v in match.groupdict().items()}
        return None, None

    def __call__(self, environ, start_response):
        return self.respond(environ)(environ, start_response)

    def respond(self, environ):
        method, path = environ.get("REQUEST_METHOD", "GET"), raw_path(environ)
        route, uri_params = self.find(method, path)
        if route is None:
            return _error(ServiceError("UnknownOperationException", "No operation matches %s %s" % (method, path), 404))
        access_key, region, _ = scope_of(environ)
        ctx = Context(route.name, self.account_of(access_key or ""), region or self.default_region,
                      "%s://%s" % (environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST", "")),
                      access_key or "")
        decision = self.knobs.on_call(self.count_as, route.name)
        if decision.kind:
            code, status = self.fault_errors[decision.kind]
            return _error(ServiceError(code, decision.message, status))
        try:
            params = _params(route.model.input_shape, uri_params, environ)
            with self.lock:
                result = self.handlers[route.name](ctx, params) or {}
            return _answer(route, result)
        except ServiceError as exc:
            return _error(exc)
        except Exception:  # noqa: BLE001 - a sandbox bug: AWS's 500 shape, the traceback in the log
            LOG.exception("%s:%s failed", self.count_as, route.name)
            return _error(ServiceError(self.fault_errors["fail"][0], "The sandbox failed to serve %s; see its log."
                                       % route.name, 500))


# -- request -> params ---------------------------------------------------------------
def _read_body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length else b""


def _params(shape, uri_params, environ):
    params = {}
    if shape is None:
        return params
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    body = None
    for name, member in shape.members.items():
        location, wire = member.serialization.get("location"), member.serialization.get("name", name)
        if location == "uri":
            if wire in uri_params:
                params[name] = uri_params[wire]
        elif location == "querystring":
            if wire in query:
                values = query[wire]
                params[name] = values if member.type_name == "list" else _scalar(member, values[0])
        elif location == "header":
            value = environ.get("HTTP_" + wire.upper().replace("-", "_"))
            if value is not None:
                params[name] = _scalar(member, value)
        else:
            if body is None:
                body = _json_body(environ)
            if wire in body:
                value = body[wire]
                params[name] = _decode_blob(name, value) if member.type_name == "blob" else value
    return params


def _json_body(environ):
    raw = _read_body(environ)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ServiceError("ValidationException", "The request body is not valid JSON.", 400,
                           reason="CANNOT_PARSE") from None
    if not isinstance(data, dict):
        raise ServiceError("ValidationException", "The request body must be a JSON object.", 400,
                           reason="CANNOT_PARSE")
    return data


def _scalar(member, value):
    kind = member.type_name
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("double", "float"):
            return float(value)
    except ValueError:
        raise ServiceError("ValidationException", "%s must be a number, got %r." % (member.name, value), 400,
                           reason="FIELD_VALIDATION_FAILED") from None
    if kind == "boolean":
        return str(value).lower() == "true"
    return value


def _decode_blob(name, value):
    try:
        return base64.b64decode(value, validate=True)
    except (ValueError, TypeError):
        raise ServiceError("ValidationException", "%s is not valid base64." % name, 400,
                           reason="CANNOT_PARSE") from None


# -- result -> HTTP answer -------------------------------------------------------------
def _wire(shape, value):
    """A value as rest-json carries it: blobs base64, nested structures by their wire names."""
    kind = shape.type_name
    if kind == "blob":
        return base64.b64encode(value if isinstance(value, bytes) else value.encode()).decode()
    if kind == "structure" and isinstance(value, dict):
        out = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if item is None:
                continue
            if member is None:
                raise AssertionError("%s has no member %s" % (shape.name, name))
            out[member.serialization.get("name", name)] = _wire(member, item)
        return out
    if kind == "list" and isinstance(value, list):
        return [_wire(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _wire(shape.value, v) for k, v in value.items()}
    return value


def _answer(route, result):
    shape = route.model.output_shape
    headers, body = {}, {}
    members = shape.members if shape is not None else {}
    for name, value in result.items():
        if value is None:
            continue
        member = members.get(name)
        if member is None:
            raise AssertionError("%s answers unknown member %s" % (route.name, name))
        if member.serialization.get("location") == "header":
            headers[member.serialization.get("name", name)] = str(value)
        else:
            body[member.serialization.get("name", name)] = _wire(member, value)
    if route.status == 204 and not body:
        return Response(b"", status=204, headers=headers)
    return Response(json.dumps(body), status=route.status, headers=headers, mimetype="application/json")


def _error(exc):
    body = dict(exc.fields, message=exc.message)
    headers = {"x-amzn-ErrorType": exc.code}
    if exc.status in (429, 500, 503):
        headers["Retry-After"] = "1"
    return Response(json.dumps(body), status=exc.status, headers=headers, mimetype="application/json")


def error_response(exc):
    """A ServiceError as a WSGI response (for the few routes outside a model)."""
    return _error(exc)
