"""Job notifications on the sandbox's MQTT broker, as AWS IoT publishes them to devices.

Whenever a thing's pending job executions change, the sandbox publishes
- `$aws/things/<thing>/jobs/notify`: {"timestamp", "jobs": {"QUEUED": [summary...], "IN_PROGRESS": [...]}}
- `$aws/things/<thing>/jobs/notify-next`: {"timestamp", "execution": {... "jobDocument"}}, or only
  {"timestamp"} when nothing is pending; sent when the next pending execution changes.
Summaries and executions have the jobs data plane's shapes (jobs_data.py).
"""
from .. import clock
from . import jobs
from .job_model import ACTIVE

_LAST = {}  # (account, region, thing) -> (pending summary key, next job id)


def listener(publish):
    def on_event(event, backend, job, execution):
        thing = execution.thing_name
        pending = [(j, e) for j, e in jobs.executions_for(backend, thing) if e.status in ACTIVE]
        key = tuple((j.job_id, e.status) for j, e in pending)
        ordered = sorted(pending, key=lambda pair: (pair[1].status != "IN_PROGRESS", pair[1].queued_at))
        next_id = ordered[0][0].job_id if ordered else None
        cache = (backend.account_id, backend.region_name, thing)
        last_key, last_next = _LAST.get(cache, ((), None))
        stamp = int(clock.now())
        if key != last_key:
            publish("$aws/things/%s/jobs/notify" % thing, {"timestamp": stamp, "jobs": {
                "QUEUED": [e.summary() for _, e in pending if e.status == "QUEUED"],
                "IN_PROGRESS": [e.summary() for _, e in pending if e.status == "IN_PROGRESS"]}})
        if next_id != last_next:
            body = {"timestamp": stamp}
            if ordered:
                next_job, next_execution = ordered[0]
                body["execution"] = next_execution.execution(next_job.document or "")
            publish("$aws/things/%s/jobs/notify-next" % thing, body)
        _LAST[cache] = (key, next_id)
    return on_event


def forget():
    _LAST.clear()
