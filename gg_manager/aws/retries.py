"""gg's retry policy for every AWS client: throttling is waited out patiently (adaptive mode's
client-side rate limiter slows the client too), anything else transient (a 500, a dropped or
refused connection, a timeout) is tried only a few times, so an unreachable endpoint or a
persistent server error surfaces in seconds.

botocore's own retries are turned off (total_max_attempts 1, see RETRY_CONFIG); this
`needs-retry` handler decides, using botocore's checkers of what is throttling and what is
transient. Each retry is logged to the `gg.aws` logger (shown with --debug).
"""
import logging

from botocore.retries import standard

THROTTLED_ATTEMPTS = 12      # attempts in all for a throttled call (as before: adaptive, 12)
TRANSIENT_ATTEMPTS = 3       # for a 5xx, a connection error or a timeout
RETRY_CONFIG = {"mode": "adaptive", "total_max_attempts": 1}   # the rate limiter on, botocore's retries off

log = logging.getLogger("gg.aws")


class RetryPolicy:
    def __init__(self, throttled_attempts=THROTTLED_ATTEMPTS, transient_attempts=TRANSIENT_ATTEMPTS):
        self.limits = (throttled_attempts, transient_attempts)
        self._adapter = standard.RetryEventAdapter()
        self._throttled = standard.ThrottledRetryableChecker()
        self._transient = standard.OrRetryChecker([standard.TransientRetryableChecker(),
                                                   standard.ModeledRetryableChecker()])
        self._backoff = standard.ExponentialBackoff()

    def kind(self, context):
        """"throttled", "transient" or None (not worth another attempt)."""
        if self._throttled.is_retryable(context):
            return "throttled"
        if self._transient.is_retryable(context):
            return "transient"
        return None

    def needs_retry(self, **kwargs):
        """botocore's needs-retry event: seconds to wait before the next attempt, or None to stop."""
        if kwargs.get("response") is None and kwargs.get("caught_exception") is None:
            return None
        context = self._adapter.create_retry_context(**kwargs)
        kind = self.kind(context)
        if kind is None:
            return None
        limit = self.limits[0] if kind == "throttled" else self.limits[1]
        reason = context.get_error_code() or (type(context.caught_exception).__name__ if context.caught_exception
                                              else str(getattr(context.http_response, "status_code", "")))
        if context.attempt_number >= limit:
            return None
        kwargs["request_dict"]["context"].setdefault("gg_retries", []).append(reason)
        delay = self._backoff.delay_amount(context)
        log.debug("%s: %s (%s), attempt %d of %d; retrying in %.2fs", operation_name(kwargs.get("operation")),
                  reason, kind, context.attempt_number, limit, delay)
        return delay


def operation_name(model):
    """`service:Operation` as gg names operations (the service as boto3 names the client)."""
    if model is None:
        return "?"
    return "%s:%s" % (model.service_model.service_name, model.name)


def install(client, policy=None):
    """Put gg's policy on a client made with RETRY_CONFIG."""
    event = "needs-retry.%s" % client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(event, (policy or RetryPolicy()).needs_retry)
    return client
