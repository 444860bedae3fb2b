"""Knobs and call counting for S3, which moto answers outside BaseResponse.call_action.

The operation is found with moto's own botocore-model router (path-style
requests, which is what boto3 sends to an IP endpoint). S3 has its own error
codes: a throttle is `SlowDown` (HTTP 503) and a failure `InternalError`
(HTTP 500), both retried by botocore.
"""
import re
from urllib.parse import parse_qs

from werkzeug.wrappers import Response

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_ERRORS = {"throttle": ("SlowDown", 503), "fail": ("InternalError", 500),
           "fail_final": ("InjectedFailure", 400)}


def service_of(environ):
    """The signing service of a request ('s3', 'greengrass', ...), or None."""
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        creds = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential", [""])[0]
        match = _SCOPE.search("Credential=" + creds)
    return match.group(1) if match else None


def operation_of(environ):
    from moto.core.routing import get_service_router
    from moto.moto_server.werkzeug_app import BackendRequest

    try:
        operation, _ = get_service_router("s3").match(BackendRequest(environ))
        return operation.name
    except Exception:  # noqa: BLE001 - unknown shapes are counted by method
        return environ.get("REQUEST_METHOD", "UNKNOWN")


def error_response(kind, message):
    code, status = _ERRORS[kind]
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            '<RequestId>sandbox</RequestId></Error>' % (code, message))
    return Response(body, status=status, mimetype="application/xml")
