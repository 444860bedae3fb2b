"""Applies the knobs to every AWS call moto answers (patches BaseResponse.call_action).

Injected errors are serialised by moto's own protocol-aware serializer, so a
throttle looks like AWS's to botocore in every protocol (rest-json, json, query):
`ThrottlingException`, HTTP 400, which botocore's legacy and standard retry
modes both retry. A failed operation is `InternalServerErrorException`, HTTP 500.
S3 has its own dispatch in moto: s3_faults.py does the same for it in the WSGI app.
"""
import threading
import warnings

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse

from .knobs import Knobs

KNOBS = Knobs()
# moto's backends are plain dicts; concurrent requests (a parallel fleet rollout)
# could change one while another lists it. Operations run one at a time; the
# added latency is slept outside the lock so it still overlaps.
_MOTO_LOCK = threading.RLock()

_ERRORS = {
    "throttle": ("ThrottlingException", 400),
    "fail": ("InternalServerErrorException", 500),
    # a call that failed for good: 400 with a code botocore does not retry (fail_nth_write)
    "fail_final": ("InjectedFailure", 400),
}


class InjectedFault(ServiceException):
    def __init__(self, code, message, status):
        super().__init__(code, message)
        self.http_status_code = status


def install(knobs=None):
    """Patch moto once; `knobs` replaces the module's KNOBS (the server passes its own)."""
    global KNOBS
    if knobs is not None:
        KNOBS = knobs
    if getattr(BaseResponse.call_action, "_gg_sandbox", False):
        return
    # ThrottlingException is in few services' models; moto warns on each such error.
    warnings.filterwarnings("ignore", message=r"Exception\(InjectedFault\)")
    original = BaseResponse.call_action

    def call_action(self):
        try:
            operation = self._get_action()
        except Exception:  # an unknown route: let moto answer as it would
            operation = None
        if operation:
            # moto would match the route again (call_action, serialized); once is enough
            self._get_action = lambda: operation
            decision = KNOBS.on_call(self.boto3_service_name or self.service_name, operation)
            if decision.kind:
                code, status = _ERRORS[decision.kind]
                body_status, headers, body = self.serialized(ActionResult(InjectedFault(code, decision.message, status)))
                headers["status"] = str(status)
                return status, headers, body
        with _MOTO_LOCK:
            return original(self)

    call_action._gg_sandbox = True
    BaseResponse.call_action = call_action
