"""moto's IoT control plane for jobs, answered by the jobs engine (jobs.py).

CreateJob, DescribeJob, ListJobs, CancelJob, DeleteJob, DescribeJobExecution,
CancelJobExecution, DeleteJobExecution, ListJobExecutionsForJob/ForThing keep
moto's request parsing and answer shapes; the state behind them is the engine's.
AddThingToThingGroup, RemoveThingFromThingGroup and UpdateThingGroupsForThing
(which calls the two) tell continuous jobs about the change.
"""
import functools

from moto.iot import exceptions as iot_exc
from moto.iot.models import IoTBackend

from . import jobs

_ERRORS = {
    "not_found": iot_exc.ResourceNotFoundException,
    "invalid_state": iot_exc.InvalidStateTransitionException,
    "invalid_request": iot_exc.InvalidRequestException,
}


def _translate(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except jobs.JobError as exc:
            if exc.kind == "conflict":
                raise iot_exc.ResourceAlreadyExistsException(exc.message, "", "") from None
            raise _ERRORS[exc.kind](exc.message) from None
    return wrapper


@_translate
def create_job(self, job_id, targets, document_source, document, description, presigned_url_config,
               target_selection, job_executions_rollout_config, document_parameters, abort_config,
               job_execution_retry_config, scheduling_config, timeout_config):
    job = jobs.create(self, job_id, targets or [], document, description=description,
                      target_selection=target_selection, rollout=job_executions_rollout_config,
                      abort=abort_config, timeout=timeout_config, document_source=document_source,
                      presigned_url_config=presigned_url_config, document_parameters=document_parameters,
                      job_execution_retry_config=job_execution_retry_config, scheduling_config=scheduling_config)
    return job.job_arn, job.job_id, description


@_translate
def describe_job(self, job_id):
    return jobs.get(self, job_id)


@_translate
def get_job_document(self, job_id):
    return jobs.get(self, job_id)


@_translate
def cancel_job(self, job_id, reason_code, comment, force):
    return jobs.cancel(self, job_id, reason_code, comment, force)


@_translate
def delete_job(self, job_id, force):
    jobs.delete(self, job_id, force)


@_translate
def describe_job_execution(self, job_id, thing_name, execution_number):
    _, execution = jobs.execution_of(self, job_id, thing_name)
    if execution_number is not None and int(execution_number) != execution.execution_number:
        raise iot_exc.ResourceNotFoundException()
    return execution


@_translate
def cancel_job_execution(self, job_id, thing_name, force):
    jobs.cancel_execution(self, job_id, thing_name, force)


@_translate
def delete_job_execution(self, job_id, thing_name, execution_number, force):
    jobs.delete_execution(self, job_id, thing_name, execution_number, force)


def _ticking(original):
    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        jobs.tick(self)
        return original(self, *args, **kwargs)
    return wrapper


def _after(original, hook):
    @functools.wraps(original)
    def wrapper(self, thing_group_name, thing_group_arn, thing_name, thing_arn):
        result = original(self, thing_group_name, thing_group_arn, thing_name, thing_arn)
        hook(self, self._identify_thing_group(thing_group_name, thing_group_arn),
             self._identify_thing(thing_name, thing_arn))
        return result
    return wrapper


def install():
    if getattr(IoTBackend, "_gg_jobs_installed", False):
        return
    IoTBackend._gg_jobs_installed = True
    for func in (create_job, describe_job, get_job_document, cancel_job, delete_job, describe_job_execution,
                 cancel_job_execution, delete_job_execution):
        setattr(IoTBackend, func.__name__, func)
    for name in ("list_jobs", "list_job_executions_for_job", "list_job_executions_for_thing"):
        setattr(IoTBackend, name, _ticking(getattr(IoTBackend, name)))
    IoTBackend.add_thing_to_thing_group = _after(IoTBackend.add_thing_to_thing_group, jobs.thing_added)
    IoTBackend.remove_thing_from_thing_group = _after(IoTBackend.remove_thing_from_thing_group, jobs.thing_removed)
