"""The IoT jobs engine: targets expand to things, executions move, rollouts, timeouts and aborts are enforced.

moto's jobs make one execution named after each target (a thing group becomes
one "execution" for the group) and never change a status. Here:
- a thing-group target expands to its member things, child groups included;
- a CONTINUOUS job also reaches things added to a target group later, and a
  thing removed from every target group loses its queued execution (REMOVED);
- the rollout (rollout.py), timeouts and abort criteria (job_limits.py) are
  applied by `tick`, which every read of jobs runs first (over the jobs it reads), and a background
  ticker runs once a second, so time-driven changes happen without traffic;
- a SNAPSHOT job is COMPLETED once every thing it targets has a final status;
- jobs marked `auto_complete` (V2 deployments) succeed by themselves under
  `auto_complete_after` (settings.py).
Listeners (`add_listener`) hear `queued`, `updated` and `auto_succeeded` events.
"""
import threading

from .. import clock
from ..settings import auto_complete_after
from . import job_limits, rollout
from .job_targets import members, reaches
from .job_model import ACTIVE, TERMINAL, Execution, Job

LISTENERS = []
DEVICE_STATUSES = {"QUEUED": ("IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED"),
                   "IN_PROGRESS": ("IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED")}


class JobError(Exception):
    """kind: not_found | invalid_state | invalid_request | conflict."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind, self.message = kind, message


def add_listener(listener):
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def _emit(event, backend, job, execution):
    for listener in list(LISTENERS):
        listener(event, backend, job, execution)


# -- lifecycle --------------------------------------------------------------------------
def create(backend, job_id, targets, document, **options):
    """A new job (options: description, target_selection, rollout, abort, timeout, ...); returns it."""
    if job_id in backend.jobs:
        raise JobError("conflict", "Job %s already exists" % job_id)
    job = Job(backend, job_id, list(targets), document, **options)
    seen = set()
    for target in job.targets:
        for arn, name in members(backend, target):
            if name not in seen:
                seen.add(name)
                job.pending.append((arn, name))
    backend.jobs[job_id] = job
    tick_job(backend, job)
    return job


def _notify(backend, job, arn, name):
    execution = Execution(job, arn, name)
    job.executions[name] = execution
    backend.job_executions[(job.job_id, name)] = execution
    job.touch()
    _emit("queued", backend, job, execution)


def _set(backend, job, execution, status, details=None, event="updated"):
    execution.set_status(status, details)
    job.touch()
    _emit(event, backend, job, execution)


def tick(backend):
    for job in list(backend.jobs.values()):
        if isinstance(job, Job):
            tick_job(backend, job)


def tick_job(backend, job):
    if job.status != "IN_PROGRESS":
        return
    now = clock.now()
    rollout.release(job, now, lambda arn, name: _notify(backend, job, arn, name))
    for execution in job_limits.expired(job, now):
        _set(backend, job, execution, "TIMED_OUT")
    _auto_complete(backend, job, now)
    reason = job_limits.abort_reason(job)
    if reason:
        _cancel(backend, job, "ABORTED", reason, force=False)
        return
    if not job.is_continuous() and not job.pending and all(e.status in TERMINAL for e in job.executions.values()):
        job.status = "COMPLETED"
        job.completed_at = clock.utcnow()
        job.touch()


def _auto_complete(backend, job, now):
    delay = auto_complete_after()
    if not job.auto_complete or delay is None:
        return
    for execution in list(job.executions.values()):
        if execution.status in ACTIVE and now - clock.epoch(execution.queued_at) >= delay:
            _set(backend, job, execution, "SUCCEEDED", {"detailed-deployment-status": "SUCCESSFUL"},
                 event="auto_succeeded")


def _cancel(backend, job, reason_code, comment, force):
    job.status = "CANCELED"
    job.reason_code = reason_code or job.reason_code
    job.comment = comment or job.comment
    job.force = bool(force)
    job.pending.clear()
    for execution in job.executions.values():
        if execution.status == "QUEUED" or (force and execution.status == "IN_PROGRESS"):
            execution.force_canceled = execution.status == "IN_PROGRESS"
            _set(backend, job, execution, "CANCELED")
    job.touch()


def cancel(backend, job_id, reason_code=None, comment=None, force=False):
    job = get(backend, job_id)
    if job.status == "COMPLETED":
        raise JobError("invalid_state", "Job %s is COMPLETED and cannot be canceled" % job_id)
    if job.status != "CANCELED" or force:
        _cancel(backend, job, reason_code, comment, force)
    return job


def delete(backend, job_id, force=False):
    job = get(backend, job_id)
    if job.status == "IN_PROGRESS" and not force:
        raise JobError("invalid_state", "Job %s is IN_PROGRESS; cancel it first or delete with force" % job_id)
    for name in list(job.executions):
        backend.job_executions.pop((job_id, name), None)
    del backend.jobs[job_id]


def get(backend, job_id):
    job = backend.jobs.get(job_id)
    if job is None:
        raise JobError("not_found", "Job %s does not exist" % job_id)
    if isinstance(job, Job):
        tick_job(backend, job)
    return job


# -- executions -------------------------------------------------------------------------
def execution_of(backend, job_id, thing_name):
    job = get(backend, job_id)
    execution = getattr(job, "executions", {}).get(thing_name)
    if execution is None:
        raise JobError("not_found", "Job execution for job %s and thing %s does not exist" % (job_id, thing_name))
    return job, execution


def update_execution(backend, job_id, thing_name, status, details=None, expected_version=None,
                     step_timeout_minutes=None):
    """A device's update (UpdateJobExecution): checks the transition, applies it, re-evaluates the job."""
    job, execution = execution_of(backend, job_id, thing_name)
    if expected_version is not None and int(expected_version) != execution.version_number:
        raise JobError("conflict", "expectedVersion %s does not match the execution's version %d"
                       % (expected_version, execution.version_number))
    if execution.status in TERMINAL:
        raise JobError("invalid_state", "Job execution of job %s on thing %s is already %s"
                       % (job_id, thing_name, execution.status))
    if status not in DEVICE_STATUSES[execution.status]:
        raise JobError("invalid_state", "A job execution cannot go from %s to %s" % (execution.status, status))
    try:
        job_limits.check_details(details)
    except job_limits.DetailsError as exc:
        raise JobError("invalid_request", str(exc)) from None
    now = clock.now()
    if status == "IN_PROGRESS" and execution.started_at is None:
        seconds = job_limits.progress_timeout_seconds(job)
        execution.progress_deadline = now + seconds if seconds else None
    if step_timeout_minutes is not None:
        execution.step_deadline = now + float(step_timeout_minutes) * 60 if int(step_timeout_minutes) >= 0 else None
    _set(backend, job, execution, status, details)
    tick_job(backend, job)
    return job, execution


def cancel_execution(backend, job_id, thing_name, force=False):
    job, execution = execution_of(backend, job_id, thing_name)
    if execution.status in TERMINAL:
        raise JobError("invalid_state", "Job execution is already %s" % execution.status)
    if execution.status == "IN_PROGRESS" and not force:
        raise JobError("invalid_state", "Job execution is IN_PROGRESS; cancel it with force")
    execution.force_canceled = execution.status == "IN_PROGRESS"
    _set(backend, job, execution, "CANCELED")
    tick_job(backend, job)


def delete_execution(backend, job_id, thing_name, execution_number=None, force=False):
    job, execution = execution_of(backend, job_id, thing_name)
    if execution_number is not None and int(execution_number) != execution.execution_number:
        raise JobError("not_found", "No execution number %s" % execution_number)
    if execution.status == "IN_PROGRESS" and not force:
        raise JobError("invalid_state", "Job execution is IN_PROGRESS; delete it with force")
    del job.executions[thing_name]
    backend.job_executions.pop((job_id, thing_name), None)


def executions_for(backend, thing_name):
    """[(job, execution)] of a thing, oldest queued first (as they are: no tick)."""
    found = [(job, job.executions[thing_name]) for job in backend.jobs.values()
             if isinstance(job, Job) and thing_name in job.executions]
    return sorted(found, key=lambda pair: (pair[1].queued_at, pair[0].job_id))


def executions_of_thing(backend, thing_name):
    """[(job, execution)] of a thing after a tick of the jobs that reach it (queued or pending), oldest
    queued first. Only those: a read of one thing's jobs costs its jobs, not every job of the account."""
    for job in list(backend.jobs.values()):
        if isinstance(job, Job) and (thing_name in job.executions or any(n == thing_name for _, n in job.pending)):
            tick_job(backend, job)
    return executions_for(backend, thing_name)


# -- thing groups change ------------------------------------------------------------------
def _affected(backend, group):
    """Continuous, running jobs that target `group` or one of its ancestors (they reach its things)."""
    arns = {group.arn} | {g["groupArn"] for g in group.metadata.get("rootToParentThingGroups", [])}
    return [job for job in list(backend.jobs.values())
            if isinstance(job, Job) and job.is_continuous() and job.status == "IN_PROGRESS"
            and arns.intersection(job.targets)]


def thing_added(backend, group, thing):
    """After `thing` joined `group`: continuous jobs on it (or an ancestor) queue the thing."""
    for job in _affected(backend, group):
        if thing.thing_name not in job.executions and thing.thing_name not in {n for _, n in job.pending}:
            job.pending.append((thing.arn, thing.thing_name))
            tick_job(backend, job)


def thing_removed(backend, group, thing):
    """After `thing` left `group`: jobs that no longer reach it drop it (a queued execution: REMOVED)."""
    for job in _affected(backend, group):
        if reaches(backend, job, thing.thing_name):
            continue
        job.pending = [(arn, name) for arn, name in job.pending if name != thing.thing_name]
        execution = job.executions.get(thing.thing_name)
        if execution is not None and execution.status == "QUEUED":
            _set(backend, job, execution, "REMOVED")


def start_ticker(backends, lock, interval=1.0):
    """A daemon thread running `tick` over every IoT backend in use, once per `interval` seconds."""
    stop = threading.Event()

    def run():
        while not stop.wait(interval):
            with lock:
                for regions in list(backends.values()):
                    for backend in list(regions.values()):
                        tick(backend)

    threading.Thread(target=run, name="iot-jobs-ticker", daemon=True).start()
    return stop
