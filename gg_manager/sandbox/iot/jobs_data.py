"""The IoT jobs data plane (`iot-jobs-data`), which moto lacks: what a device calls to run its jobs.

Served at the sandbox's endpoint URL for requests signed for `iot-jobs-data`
(`boto3.client("iot-jobs-data", endpoint_url=...)`), with botocore's shapes:
GetPendingJobExecutions, DescribeJobExecution (a job id or `$next`),
StartNextPendingJobExecution and UpdateJobExecution. Timestamps are epoch
seconds. The state is the jobs engine's (jobs.py), so the control plane
(`iot` DescribeJobExecution, ...) sees every update.
"""
from ..restjson import ServiceError
from . import jobs
from .job_model import ACTIVE

_ERRORS = {
    "not_found": ("ResourceNotFoundException", 404),
    "invalid_state": ("InvalidStateTransitionException", 409),
    "invalid_request": ("InvalidRequestException", 400),
    "conflict": ("ConflictException", 409),
}
FAULTS = {"throttle": ("ThrottlingException", 429), "fail": ("ServiceUnavailableException", 503),
          "fail_final": ("InjectedFailure", 400)}


def _backend(ctx):
    from moto.iot.models import iot_backends

    return iot_backends[ctx.account][ctx.region]


def _raise(exc):
    code, status = _ERRORS[exc.kind]
    raise ServiceError(code, exc.message, status) from None


def _document(job):
    return job.document if job.document is not None else ""


def _next(backend, thing_name):
    """The thing's next pending execution: the oldest IN_PROGRESS one, else the oldest QUEUED one."""
    pending = [(j, e) for j, e in jobs.executions_of_thing(backend, thing_name) if e.status in ACTIVE]
    pending.sort(key=lambda pair: (pair[1].status != "IN_PROGRESS", pair[1].queued_at))
    return pending[0] if pending else (None, None)


def get_pending_job_executions(ctx, params):
    backend = _backend(ctx)
    pairs = jobs.executions_of_thing(backend, params["thingName"])
    return {"inProgressJobs": [e.summary() for _, e in pairs if e.status == "IN_PROGRESS"],
            "queuedJobs": [e.summary() for _, e in pairs if e.status == "QUEUED"]}


def describe_job_execution(ctx, params):
    backend, thing = _backend(ctx), params["thingName"]
    try:
        if params["jobId"] == "$next":
            job, execution = _next(backend, thing)
            if execution is None:
                return {}
        else:
            job, execution = jobs.execution_of(backend, params["jobId"], thing)
    except jobs.JobError as exc:
        _raise(exc)
    number = params.get("executionNumber")
    if number is not None and number != execution.execution_number:
        raise ServiceError("ResourceNotFoundException", "No execution number %s" % number, 404)
    include = params.get("includeJobDocument", True)
    return {"execution": execution.execution(_document(job) if include else None)}


def start_next_pending_job_execution(ctx, params):
    backend, thing = _backend(ctx), params["thingName"]
    job, execution = _next(backend, thing)
    if execution is None:
        return {}
    if execution.status == "QUEUED":
        try:
            jobs.update_execution(backend, job.job_id, thing, "IN_PROGRESS", params.get("statusDetails"),
                                  step_timeout_minutes=params.get("stepTimeoutInMinutes"))
        except jobs.JobError as exc:
            _raise(exc)
    return {"execution": execution.execution(_document(job))}


def update_job_execution(ctx, params):
    backend = _backend(ctx)
    try:
        _, execution = jobs.execution_of(backend, params["jobId"], params["thingName"])
        number = params.get("executionNumber")
        if number is not None and number != execution.execution_number:
            raise ServiceError("ResourceNotFoundException", "No execution number %s" % number, 404)
        job, execution = jobs.update_execution(
            backend, params["jobId"], params["thingName"], params["status"], params.get("statusDetails"),
            expected_version=params.get("expectedVersion"), step_timeout_minutes=params.get("stepTimeoutInMinutes"))
    except jobs.JobError as exc:
        _raise(exc)
    res = {}
    if params.get("includeJobExecutionState"):
        res["executionState"] = execution.state()
    if params.get("includeJobDocument"):
        res["jobDocument"] = _document(job)
    return res


HANDLERS = {
    "GetPendingJobExecutions": get_pending_job_executions,
    "DescribeJobExecution": describe_job_execution,
    "StartNextPendingJobExecution": start_next_pending_job_execution,
    "UpdateJobExecution": update_job_execution,
}
