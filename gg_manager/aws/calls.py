"""`gg --debug`: one line per AWS call on the `gg.aws` logger: the operation, its HTTP status or
error code, how long it took, and its retries (throttles named). Never a parameter, header or
message: no credential, signature or spec value can reach the log this way.

    2026-11-30T12:00:00.123Z aws greengrass:ListGroups 200 0.012s
    2026-11-30T12:00:00.456Z aws greengrass:CreateDeployment 500 InternalFailure 1.840s, 2 retries (InternalFailure x2)
"""
import logging
import time
from collections import Counter

from gg_manager.aws.retries import operation_name

log = logging.getLogger("gg.aws")


def _started(context=None, **_):
    if context is not None:
        context["gg_started"] = time.monotonic()


def _retries(context):
    reasons = (context or {}).get("gg_retries") or []
    if not reasons:
        return ""
    counted = ", ".join("%s x%d" % item for item in sorted(Counter(reasons).items()))
    return ", %d retr%s (%s)" % (len(reasons), "y" if len(reasons) == 1 else "ies", counted)


def _seconds(context):
    began = (context or {}).get("gg_started")
    return time.monotonic() - began if began is not None else 0.0


def _answered(http_response=None, parsed=None, model=None, context=None, **_):
    status = getattr(http_response, "status_code", "?")
    code = ((parsed or {}).get("Error") or {}).get("Code", "")
    log.debug("aws %s %s%s %.3fs%s", operation_name(model), status, " " + code if code else "", _seconds(context),
              _retries(context))


def _failed(exception=None, model=None, context=None, **_):
    log.debug("aws %s failed: %s %.3fs%s", operation_name(model), type(exception).__name__, _seconds(context),
              _retries(context))


def install(client):
    """Log `client`'s calls (when --debug turned the `gg.aws` logger on)."""
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register("before-call.%s" % service, _started)
    client.meta.events.register("after-call.%s" % service, _answered)
    client.meta.events.register("after-call-error.%s" % service, _failed)
    return client


def enabled():
    return log.isEnabledFor(logging.DEBUG)
