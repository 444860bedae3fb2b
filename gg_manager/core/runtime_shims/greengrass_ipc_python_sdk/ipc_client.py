"""HTTP client of the core's IPC, the interface greengrasssdk calls (post_work, get_work_result).

Same routes and headers as a Greengrass V1 core: POST/GET
/2016-11-01/functions/<arn> to post work / fetch its result, GET/POST
.../work to fetch work / post a result. The port comes from GG_IPC_PORT (the
local core picks a free one); the real core always listens on 8000.
"""
import collections
import functools
import json
import logging
import os

from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from greengrass_common.common_log_appender import local_cloudwatch_handler
from greengrass_common.env_vars import AUTH_TOKEN

runtime_logger = logging.getLogger(__name__)
runtime_logger.addHandler(local_cloudwatch_handler)
runtime_logger.propagate = False

HEADER_INVOCATION_ID = "X-Amz-InvocationId"
HEADER_CLIENT_CONTEXT = "X-Amz-Client-Context"
HEADER_AUTH_TOKEN = "Authorization"
HEADER_INVOCATION_TYPE = "X-Amz-Invocation-Type"
HEADER_FUNCTION_ERR_TYPE = "X-Amz-Function-Error"
IPC_API_VERSION = "2016-11-01"

WorkItem = collections.namedtuple("WorkItem", ["invocation_id", "payload", "client_context"])
GetWorkResultOutput = collections.namedtuple("GetWorkResultOutput", ["payload", "func_err"])


class IPCException(Exception):
    pass


def _wrap(func):
    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except HTTPError as err:
            try:
                detail = err.read().decode("utf-8", "replace")
            except Exception:
                detail = ""
            raise IPCException("IPC {} {}: {}".format(err.code, err.reason, detail).strip())
        except (URLError, OSError) as err:
            raise IPCException(str(err))
    return wrapped


def _text(value):
    if value is None:
        return ""
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


class IPCClient(object):
    def __init__(self, endpoint="localhost", port=None):
        # the local core binds 127.0.0.1 only; "localhost" could resolve to ::1 first
        host = os.environ.get("GG_IPC_HOST", "127.0.0.1")
        self.endpoint = host if endpoint in (None, "localhost") else endpoint
        self.port = int(port or os.environ.get("GG_IPC_PORT", "8000"))
        self.auth_token = AUTH_TOKEN or ""
        self.timeout = float(os.environ.get("GG_IPC_TIMEOUT_S", "300"))

    def _url(self, function_arn):
        return "http://{}:{}/{}/functions/{}".format(self.endpoint, self.port, IPC_API_VERSION, function_arn)

    def _work_url(self, function_arn):
        return self._url(function_arn) + "/work"

    def _open(self, request):
        request.add_header(HEADER_AUTH_TOKEN, self.auth_token)
        return urlopen(request, timeout=self.timeout)

    @_wrap
    def post_work(self, function_arn, input_bytes, client_context, invocation_type="RequestResponse"):
        if isinstance(input_bytes, str):
            input_bytes = input_bytes.encode("utf-8")
        request = Request(self._url(function_arn), input_bytes or b"")
        request.add_header(HEADER_CLIENT_CONTEXT, _text(client_context))
        request.add_header(HEADER_INVOCATION_TYPE, invocation_type)
        response = self._open(request)
        return response.info().get(HEADER_INVOCATION_ID)

    @_wrap
    def get_work(self, function_arn):
        """The next work item; None when the core had none within its long-poll window."""
        response = self._open(Request(self._work_url(function_arn)))
        if response.getcode() == 204:
            return None
        return WorkItem(invocation_id=response.info().get(HEADER_INVOCATION_ID),
                        payload=response.read(),
                        client_context=response.info().get(HEADER_CLIENT_CONTEXT))

    @_wrap
    def post_work_result(self, function_arn, work_item):
        request = Request(self._work_url(function_arn), work_item.payload or b"")
        request.add_header(HEADER_INVOCATION_ID, work_item.invocation_id)
        self._open(request)

    @_wrap
    def post_handler_err(self, function_arn, invocation_id, handler_err):
        body = json.dumps({"errorMessage": handler_err}).encode("utf-8")
        request = Request(self._work_url(function_arn), body)
        request.add_header(HEADER_INVOCATION_ID, invocation_id)
        request.add_header(HEADER_FUNCTION_ERR_TYPE, "Handled")
        self._open(request)

    @_wrap
    def get_work_result(self, function_arn, invocation_id):
        request = Request(self._url(function_arn))
        request.add_header(HEADER_INVOCATION_ID, invocation_id)
        response = self._open(request)
        return GetWorkResultOutput(payload=response.read(),
                                   func_err=response.info().get(HEADER_FUNCTION_ERR_TYPE) or "")

    @_wrap
    def post_runtime_state(self, function_arn, state, error=None):
        """Local-core extension: tell the core the handler imported ("ready") or did not ("failed")."""
        body = json.dumps({"state": state, "error": error}).encode("utf-8")
        request = Request("http://{}:{}/{}/runtime/{}".format(self.endpoint, self.port, IPC_API_VERSION,
                                                                function_arn), body)
        self._open(request)
