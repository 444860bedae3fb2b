"""IoT jobs and job executions as the sandbox keeps them (subclasses of moto's, so its IoT API shows them).

A `Job` knows its targets and the things still waiting for the rollout to reach
them (`pending`); each thing the rollout has reached has one `Execution`, kept
both in `job.executions` and in moto's `backend.job_executions`, so moto's
DescribeJobExecution / ListJobExecutionsFor* answer with the live state.
Times come from the sandbox's clock (clock.py).
"""
from moto.iot.models import FakeJob, FakeJobExecution

from .. import clock

TERMINAL = ("SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "REMOVED", "CANCELED")
ACTIVE = ("QUEUED", "IN_PROGRESS")
# job execution status -> jobProcessDetails counter
COUNTERS = {"QUEUED": "numberOfQueuedThings", "IN_PROGRESS": "numberOfInProgressThings",
            "SUCCEEDED": "numberOfSucceededThings", "FAILED": "numberOfFailedThings",
            "REJECTED": "numberOfRejectedThings", "TIMED_OUT": "numberOfTimedOutThings",
            "REMOVED": "numberOfRemovedThings", "CANCELED": "numberOfCanceledThings"}


def epoch_seconds(dt):
    """The data plane's timestamps: whole epoch seconds (long)."""
    value = clock.epoch(dt)
    return None if value is None else int(value)


class Execution(FakeJobExecution):
    def __init__(self, job, thing_arn, thing_name):  # noqa: D107 - moto's base init is not called on purpose
        now = clock.utcnow()
        self.job_id = job.job_id
        self.thing_arn, self.thing_name = thing_arn, thing_name
        self.status = "QUEUED"
        self.force_canceled = False
        self.status_details_map = {}
        self.queued_at, self.started_at, self.last_updated_at = now, None, now
        self.execution_number, self.version_number = 1, 1
        self.step_deadline = None      # epoch seconds, from stepTimeoutInMinutes
        self.progress_deadline = None  # epoch seconds, from the job's inProgressTimeoutInMinutes

    @property
    def approximate_seconds_before_time_out(self):
        deadlines = [d for d in (self.step_deadline, self.progress_deadline) if d is not None]
        if self.status != "IN_PROGRESS" or not deadlines:
            return None
        return max(0, int(min(deadlines) - clock.now()))

    @approximate_seconds_before_time_out.setter
    def approximate_seconds_before_time_out(self, value):
        pass  # computed from the deadlines

    def set_status(self, status, details=None):
        now = clock.utcnow()
        if status == "IN_PROGRESS" and self.started_at is None:
            self.started_at = now
        self.status = status
        if details:
            self.status_details_map.update(details)
        self.last_updated_at = now
        self.version_number += 1

    # -- views -------------------------------------------------------------------
    def to_get_dict(self):
        """IoT control plane: DescribeJobExecution's `execution`."""
        res = {"jobId": self.job_id, "status": self.status, "forceCanceled": self.force_canceled,
               "statusDetails": {"detailsMap": dict(self.status_details_map)}, "thingArn": self.thing_arn,
               "queuedAt": self.queued_at, "startedAt": self.started_at, "lastUpdatedAt": self.last_updated_at,
               "executionNumber": self.execution_number, "versionNumber": self.version_number,
               "approximateSecondsBeforeTimedOut": self.approximate_seconds_before_time_out}
        return {k: v for k, v in res.items() if v is not None}

    def to_dict(self):
        """IoT control plane: an entry of ListJobExecutionsForJob / ForThing."""
        summary = {"status": self.status, "queuedAt": self.queued_at, "startedAt": self.started_at,
                   "lastUpdatedAt": self.last_updated_at, "executionNumber": self.execution_number}
        return {"jobId": self.job_id, "thingArn": self.thing_arn,
                "jobExecutionSummary": {k: v for k, v in summary.items() if v is not None}}

    def summary(self):
        """Jobs data plane: JobExecutionSummary."""
        res = {"jobId": self.job_id, "queuedAt": epoch_seconds(self.queued_at),
               "startedAt": epoch_seconds(self.started_at), "lastUpdatedAt": epoch_seconds(self.last_updated_at),
               "versionNumber": self.version_number, "executionNumber": self.execution_number}
        return {k: v for k, v in res.items() if v is not None}

    def state(self):
        """Jobs data plane: JobExecutionState."""
        return {"status": self.status, "statusDetails": dict(self.status_details_map),
                "versionNumber": self.version_number}

    def execution(self, document=None):
        """Jobs data plane: JobExecution (with the job document when given)."""
        res = dict(self.summary(), thingName=self.thing_name, status=self.status,
                   statusDetails=dict(self.status_details_map),
                   approximateSecondsBeforeTimedOut=self.approximate_seconds_before_time_out,
                   jobDocument=document)
        return {k: v for k, v in res.items() if v is not None}


class Job(FakeJob):
    def __init__(self, backend, job_id, targets, document, description=None, target_selection=None,
                 rollout=None, abort=None, timeout=None, **rest):
        super().__init__(job_id=job_id, targets=targets, document_source=rest.get("document_source"),
                         document=document, description=description,
                         presigned_url_config=rest.get("presigned_url_config"),
                         target_selection=target_selection or "SNAPSHOT",
                         job_executions_rollout_config=rollout, document_parameters=rest.get("document_parameters"),
                         abort_config=abort, job_execution_retry_config=rest.get("job_execution_retry_config"),
                         scheduling_config=rest.get("scheduling_config"), timeout_config=timeout,
                         account_id=backend.account_id, region_name=backend.region_name)
        self.created_at = self.last_updated_at = clock.utcnow()
        self.started = clock.now()
        self.status = "IN_PROGRESS"
        self.executions = {}      # thing name -> Execution
        self.pending = []         # (thing arn, thing name) the rollout has not reached yet
        self.rollout_state = {}   # rollout.py's bookkeeping
        self.auto_complete = False  # V2 deployment jobs succeed by themselves under --auto-complete-after
        self.owner = None         # what created the job (a V2 deployment id), for listeners

    @property
    def job_process_details(self):
        counts = {name: 0 for name in COUNTERS.values()}
        for execution in self.executions.values():
            counts[COUNTERS[execution.status]] += 1
        counts["processingTargets"] = list(self.targets) if self.status == "IN_PROGRESS" else []
        return counts

    @job_process_details.setter
    def job_process_details(self, value):
        pass  # computed from the executions

    def is_continuous(self):
        return self.target_selection == "CONTINUOUS"

    def notified(self):
        return len(self.executions)

    def count(self, statuses):
        return sum(1 for e in self.executions.values() if e.status in statuses)

    def touch(self):
        self.last_updated_at = clock.utcnow()

    def to_dict(self):
        res = super().to_dict()
        return {k: v for k, v in res.items() if v is not None}
