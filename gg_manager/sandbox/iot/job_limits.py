"""A job's `timeoutConfig` and `abortConfig`, enforced, and what statusDetails may hold (no moto).

Timeouts: an execution IN_PROGRESS longer than the job's
`inProgressTimeoutInMinutes` (counted from when it went IN_PROGRESS), or past the
step timeout its last update set (`stepTimeoutInMinutes`), becomes TIMED_OUT.

Abort: each criterion {failureType, action: CANCEL, thresholdPercentage,
minNumberOfExecutedThings} is met when at least minNumberOfExecutedThings things
have been notified (have an execution) and the executions of that failure type
(FAILED, REJECTED, TIMED_OUT, or ALL three) are at least thresholdPercentage % of
the notified things. The job is then cancelled: status CANCELED, reasonCode
`ABORTED`, queued executions CANCELED, things the rollout had not reached never
notified.
"""
MAX_DETAILS = 10


class DetailsError(ValueError):
    """statusDetails a device may not send."""


FAILURES = {"FAILED": ("FAILED",), "REJECTED": ("REJECTED",), "TIMED_OUT": ("TIMED_OUT",),
            "ALL": ("FAILED", "REJECTED", "TIMED_OUT")}


def progress_timeout_seconds(job):
    minutes = (job.timeout_config or {}).get("inProgressTimeoutInMinutes")
    return float(minutes) * 60 if minutes else None


def expired(job, now):
    """The IN_PROGRESS executions whose step or progress deadline has passed."""
    found = []
    for execution in job.executions.values():
        if execution.status != "IN_PROGRESS":
            continue
        deadlines = [d for d in (execution.step_deadline, execution.progress_deadline) if d is not None]
        if deadlines and now >= min(deadlines):
            found.append(execution)
    return found


def abort_reason(job):
    """A message when an abort criterion is met, else None."""
    notified = job.notified()
    for criterion in (job.abort_config or {}).get("criteriaList") or []:
        if criterion.get("action", "CANCEL") != "CANCEL":
            continue
        minimum = int(criterion.get("minNumberOfExecutedThings") or 1)
        if notified < minimum:
            continue
        kinds = FAILURES.get(criterion.get("failureType"), ())
        failed = job.count(kinds)
        percent = 100.0 * failed / notified if notified else 0.0
        if failed and percent >= float(criterion.get("thresholdPercentage", 100)):
            return ("Job aborted: %d of %d notified things %s (%.2f%% >= %s%%)"
                    % (failed, notified, "/".join(kinds), percent, criterion.get("thresholdPercentage")))
    return None


def check_details(details):
    if details is None:
        return
    if not isinstance(details, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in details.items()):
        raise DetailsError("statusDetails must be a map of strings to strings")
    if len(details) > MAX_DETAILS:
        raise DetailsError("statusDetails can hold at most %d entries" % MAX_DETAILS)
    for key, value in details.items():
        if not key or len(key) > 128 or not all(c.isalnum() or c in ":_-" for c in key):
            raise DetailsError("statusDetails key %r must match [a-zA-Z0-9:_-]+" % key)
        if not value:
            raise DetailsError("statusDetails value of %s must not be empty" % key)
