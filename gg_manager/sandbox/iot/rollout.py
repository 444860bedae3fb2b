"""How fast a job's rollout reaches its things: `jobExecutionsRolloutConfig` enforced (no moto).

Time is cut into one-minute windows from the job's creation (on the sandbox's
clock). In each window at most `rate` things are notified (get their execution):
- `maximumPerMinute` alone: rate = maximumPerMinute;
- `exponentialRate`: rate starts at `baseRatePerMinute`; at the start of each
  window, if `rateIncreaseCriteria` was met since the last increase
  (`numberOfNotifiedThings` more things notified, or `numberOfSucceededThings`
  more succeeded), it is multiplied by `incrementFactor` for that window on; a
  fractional rate notifies floor(rate) things per window, at least 1;
  `maximumPerMinute`, when also given, caps it;
- no rollout config: every thing at once.
"""
import math

DEFAULT_MAX = 1000


def configured(job):
    config = job.job_executions_rollout_config or {}
    return bool(config.get("maximumPerMinute") or config.get("exponentialRate"))


def _state(job):
    state = job.rollout_state
    if not state:
        config = job.job_executions_rollout_config or {}
        exponential = config.get("exponentialRate") or {}
        state.update(window=-1, used=0, rate=float(exponential.get("baseRatePerMinute")
                                                   or config.get("maximumPerMinute") or DEFAULT_MAX),
                     notified_at_bump=0, succeeded_at_bump=0)
    return state


def _allowed(job, state):
    config = job.job_executions_rollout_config or {}
    cap = config.get("maximumPerMinute") or DEFAULT_MAX
    return min(cap, max(1, int(math.floor(state["rate"]))))


def _maybe_increase(job, state, succeeded):
    exponential = (job.job_executions_rollout_config or {}).get("exponentialRate")
    if not exponential:
        return
    criteria = exponential.get("rateIncreaseCriteria") or {}
    notified_goal, succeeded_goal = criteria.get("numberOfNotifiedThings"), criteria.get("numberOfSucceededThings")
    reached = ((notified_goal and job.notified() - state["notified_at_bump"] >= notified_goal)
               or (succeeded_goal and succeeded - state["succeeded_at_bump"] >= succeeded_goal))
    if reached:
        state["rate"] *= float(exponential.get("incrementFactor") or 1)
        state["notified_at_bump"], state["succeeded_at_bump"] = job.notified(), succeeded


def release(job, now, notify):
    """Notify as many pending things as the rollout allows at `now`; `notify(arn, name)` makes the execution."""
    if not configured(job):
        while job.pending:
            notify(*job.pending.pop(0))
        return
    state = _state(job)
    window = int((now - job.started) // 60)
    if window != state["window"]:
        if state["window"] >= 0:
            _maybe_increase(job, state, job.count(("SUCCEEDED",)))
        state["window"], state["used"] = window, 0
    while job.pending and state["used"] < _allowed(job, state):
        notify(*job.pending.pop(0))
        state["used"] += 1
