"""The IoT job configuration every rollout deployment carries: what AWS enforces per group.

- `jobExecutionsRolloutConfig`: the thing group's devices are notified at `rate` a minute,
  doubled each time `rate` more devices succeeded, at most 1000 a minute (AWS's ceiling).
- `abortConfig`: the job is cancelled (devices not notified yet never get the revision) once
  its failed, rejected or timed-out executions reach the share of the notified devices that
  passes --max-failures within the group. With F the smallest failure count over the limit
  among the group's M devices (N+1 for a count N; floor(P*M/100)+1 for P%), the criterion is
  F/M of the notified devices, after at least F executed: exact once every device is
  notified, earlier (stricter) while the rollout rate still holds some back. No criterion when
  F > M: the group alone cannot pass the limit.
- `timeoutConfig`: an execution IN_PROGRESS longer than --timeout (in whole minutes, at least
  1) becomes TIMED_OUT.
"""
import math

MAX_PER_MINUTE = 1000


def failures_over_limit(limit, devices):
    """The smallest number of failed devices, out of `devices`, that passes `limit` (a FailureLimit)."""
    size = limit.size
    if size.percent:
        return int(size.value * devices // 100) + 1
    return int(size.value) + 1


def abort_config(limit, devices):
    over = failures_over_limit(limit, devices)
    if devices < 1 or over > devices:
        return None
    share = math.floor(10000.0 * over / devices) / 100.0     # AWS takes two decimals
    return {"criteriaList": [{"failureType": "ALL", "action": "CANCEL", "thresholdPercentage": share,
                              "minNumberOfExecutedThings": over}]}


def rollout_config(rate):
    rate = max(1, min(MAX_PER_MINUTE, int(rate)))
    return {"exponentialRate": {"baseRatePerMinute": rate, "incrementFactor": 2.0,
                                "rateIncreaseCriteria": {"numberOfSucceededThings": rate}},
            "maximumPerMinute": MAX_PER_MINUTE}


def iot_job_configuration(limit, devices, rate, timeout_s):
    config = {"jobExecutionsRolloutConfig": rollout_config(rate),
              "timeoutConfig": {"inProgressTimeoutInMinutes": max(1, int(math.ceil(timeout_s / 60.0)))}}
    abort = abort_config(limit, devices)
    if abort:
        config["abortConfig"] = abort
    return config
