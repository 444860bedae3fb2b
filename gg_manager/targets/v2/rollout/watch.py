"""One group's rollout deployment: created, then watched through its devices' job executions.

A deployment to a thing group is a continuous IoT job whose id is the deployment's
(`iotJobId`). One paged iot:ListJobExecutionsForJob per poll gives every notified device's
execution status, whatever the group's size; the thing group's members (read once, at the
start) tell which devices the job has still to reach. A group succeeds when every member's
execution SUCCEEDED, fails as soon as one device's execution is FAILED, REJECTED, TIMED_OUT,
CANCELED (an abort) or REMOVED, with each failed device's own reason (deploy.device_state:
its job execution's status details and its effective deployment).
"""
from dataclasses import dataclass, field
from typing import Dict, List

from botocore.exceptions import BotoCoreError, ClientError

from gg_manager.plan.operations import call, paginate
from gg_manager.targets.v2.deploy import FAILED, SUCCEEDED, DeployResult, device_state


@dataclass
class GroupWatch:
    group: str
    deployment_id: str = ""
    job_id: str = ""
    things: List[str] = field(default_factory=list)
    states: Dict[str, str] = field(default_factory=dict)     # thing -> its execution's status
    reasons: Dict[str, str] = field(default_factory=dict)    # failed thing -> the device's reason
    error: str = ""                                          # the deployment could not be made

    @classmethod
    def start(cls, ctx, target, things, job_configuration, tags):
        """CreateDeployment of the target's request with the job configuration, to be watched on `things`
        (the thing group's members)."""
        request = dict(target.request, iotJobConfiguration=job_configuration,
                       tags=dict(target.request.get("tags") or {}, **tags))
        watch = cls(target.group)
        try:
            made = call(ctx, "greengrassv2:CreateDeployment", request)
        except (ClientError, BotoCoreError) as exc:
            watch.error = "CreateDeployment failed: %s" % exc
            return watch
        watch.deployment_id, watch.job_id = made["deploymentId"], made.get("iotJobId") or made["deploymentId"]
        watch.things = list(things)
        watch.states = {t: "NOT_NOTIFIED" for t in watch.things}
        if not watch.things:
            watch.error = "thing group %s has no member device" % target.group
        return watch

    def poll(self, ctx):
        if self.outcome:
            return
        for summary in paginate(ctx, "iot:ListJobExecutionsForJob", "executionSummaries", jobId=self.job_id):
            thing = summary.get("thingArn", "").rsplit("/", 1)[-1]
            self.states[thing] = (summary.get("jobExecutionSummary") or {}).get("status", "QUEUED")
        result = DeployResult(self.group, self.deployment_id, job_id=self.job_id)
        for thing, status in sorted(self.states.items()):
            if status in FAILED and thing not in self.reasons:
                self.reasons[thing] = device_state(ctx, result, thing)[1] or status

    @property
    def outcome(self):
        """FAILED, SUCCEEDED, or "" while the devices are still at it."""
        if self.error or any(s in FAILED for s in self.states.values()):
            return "FAILED"
        if self.things and all(self.states.get(t) in SUCCEEDED for t in self.things):
            return "SUCCEEDED"
        return ""

    def devices(self):
        return [{"thing": t, "status": self.states.get(t, ""), "reason": self.reasons.get(t, "")}
                for t in sorted(self.states)]

    def failure(self, timeout=None):
        """The report's entry for a failed (or, with `timeout`, unfinished) group."""
        if self.error:
            why = self.error
        elif timeout is not None and not self.outcome:
            why = "still %s after %ds (timeout)" % (", ".join("%s %s" % (t, s) for t, s in sorted(self.states.items())
                                                              if s not in SUCCEEDED), timeout)
        else:
            why = "; ".join("core %s: %s" % (t, r) for t, r in sorted(self.reasons.items()))
        return {"group": self.group, "error": why, "deployment_id": self.deployment_id, "devices": self.devices()}
