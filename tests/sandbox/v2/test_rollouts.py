"""Rollouts enforced on the deployment's job: rates per minute, abort criteria, timeouts (sandbox clock moved on)."""
from v2_helpers import component, deploy, executions, group, things


def _deploy(gg2, iot, count, job_configuration):
    members = things(iot, count)
    target = group(iot, members)
    component_name, version, _ = component(gg2)
    made = deploy(gg2, target, {component_name: version}, iotJobConfiguration=job_configuration)
    return members, made


def test_maximum_per_minute(sandbox, gg2, iot):
    members, made = _deploy(gg2, iot, 5, {"jobExecutionsRolloutConfig": {"maximumPerMinute": 2}})
    assert len(executions(iot, made["iotJobId"])) == 2
    sandbox.advance_clock(30)
    assert len(executions(iot, made["iotJobId"])) == 2  # still the first minute
    sandbox.advance_clock(30)
    assert len(executions(iot, made["iotJobId"])) == 4
    sandbox.advance_clock(60)
    assert set(executions(iot, made["iotJobId"])) == set(members)


def test_exponential_rate_grows_when_things_succeed(sandbox, gg2, iot, jobs_data):
    rate = {"baseRatePerMinute": 1, "incrementFactor": 2.0,
            "rateIncreaseCriteria": {"numberOfSucceededThings": 1}}
    members, made = _deploy(gg2, iot, 7, {"jobExecutionsRolloutConfig": {"exponentialRate": rate}})
    job_id = made["iotJobId"]
    counts = []
    for _ in range(3):
        for thing, status in executions(iot, job_id).items():
            if status == "QUEUED":
                jobs_data.update_job_execution(jobId=job_id, thingName=thing, status="SUCCEEDED")
        counts.append(len(executions(iot, job_id)))
        sandbox.advance_clock(60)
    # minute 1: 1 thing; one success doubles the rate: 2 in minute 2, then 4 in minute 3 (capped by 7 things)
    assert counts == [1, 3, 7]


def test_abort_criterion_cancels_the_rollout(sandbox, gg2, iot, jobs_data):
    members, made = _deploy(gg2, iot, 6, {
        "jobExecutionsRolloutConfig": {"maximumPerMinute": 4},
        "abortConfig": {"criteriaList": [{"failureType": "FAILED", "action": "CANCEL",
                                          "thresholdPercentage": 50, "minNumberOfExecutedThings": 3}]}})
    job_id = made["iotJobId"]
    reached = sorted(executions(iot, job_id))
    assert len(reached) == 4
    jobs_data.update_job_execution(jobId=job_id, thingName=reached[0], status="FAILED")
    assert iot.describe_job(jobId=job_id)["job"]["status"] == "IN_PROGRESS"  # 1 of 4: 25%
    jobs_data.update_job_execution(jobId=job_id, thingName=reached[1], status="SUCCEEDED")
    jobs_data.update_job_execution(jobId=job_id, thingName=reached[2], status="FAILED")  # 2 of 4: 50%
    job = iot.describe_job(jobId=job_id)["job"]
    assert job["status"] == "CANCELED" and job["reasonCode"] == "ABORTED"
    assert executions(iot, job_id) == {reached[0]: "FAILED", reached[1]: "SUCCEEDED", reached[2]: "FAILED",
                                       reached[3]: "CANCELED"}
    assert gg2.get_deployment(deploymentId=made["deploymentId"])["deploymentStatus"] == "CANCELED"
    sandbox.advance_clock(120)
    assert len(executions(iot, job_id)) == 4  # the other two things are never reached


def test_abort_waits_for_the_minimum_number_of_things(sandbox, gg2, iot, jobs_data):
    members, made = _deploy(gg2, iot, 3, {"abortConfig": {"criteriaList": [{
        "failureType": "ALL", "action": "CANCEL", "thresholdPercentage": 10, "minNumberOfExecutedThings": 4}]}})
    job_id = made["iotJobId"]
    for thing in members:
        jobs_data.update_job_execution(jobId=job_id, thingName=thing, status="REJECTED")
    assert iot.describe_job(jobId=job_id)["job"]["status"] == "IN_PROGRESS"  # only 3 things were notified


def test_in_progress_timeout(sandbox, gg2, iot, jobs_data):
    members, made = _deploy(gg2, iot, 2, {"timeoutConfig": {"inProgressTimeoutInMinutes": 1}})
    job_id = made["iotJobId"]
    jobs_data.start_next_pending_job_execution(thingName=members[0])
    jobs_data.start_next_pending_job_execution(thingName=members[1], stepTimeoutInMinutes=5)
    sandbox.advance_clock(30)
    assert set(executions(iot, job_id).values()) == {"IN_PROGRESS"}
    sandbox.advance_clock(31)
    assert executions(iot, job_id) == {members[0]: "TIMED_OUT", members[1]: "TIMED_OUT"}


def test_step_timeout(sandbox, gg2, iot, jobs_data):
    members, made = _deploy(gg2, iot, 1, {})
    job_id = made["iotJobId"]
    jobs_data.start_next_pending_job_execution(thingName=members[0], stepTimeoutInMinutes=2)
    execution = jobs_data.describe_job_execution(thingName=members[0], jobId=job_id)["execution"]
    assert 0 < execution["approximateSecondsBeforeTimedOut"] <= 120
    sandbox.advance_clock(121)
    assert executions(iot, job_id) == {members[0]: "TIMED_OUT"}
