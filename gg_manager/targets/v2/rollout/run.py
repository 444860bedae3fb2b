"""gg's part of a V2 rollout: waves over the fleet's groups, canary first, halting across groups.

Each wave sends one CreateDeployment per group (concurrently), each carrying the IoT job
configuration of job_config.py, then polls every unfinished group's devices until the wave
is over: each group SUCCEEDED or FAILED, or --timeout passed (unfinished groups count as
failed). A group's deployment is its own: a thing group is the one target whose revision its
devices keep (new members get it too), and groups have different components, so a wave
cannot share one deployment. Failures (groups) are counted over every wave so far, as on V1;
once they pass --max-failures the wave still in flight is waited for (its deployments are out,
AWS's abort criteria stop each one on its devices) and later waves never start.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List

from gg_manager.aws.session import MAX_WORKERS
from gg_manager.resources import names
from gg_manager.targets.v1.rollout.run import Rollout
from gg_manager.targets.v2.deploy import DeployResult, members
from gg_manager.targets.v2.rollout.job_config import iot_job_configuration
from gg_manager.targets.v2.rollout.watch import GroupWatch

DEFAULT_RATE = 50


@dataclass
class WaveResult:
    wave: int
    groups: List[str]
    deployments: Dict[str, str] = field(default_factory=dict)    # group -> deployment id
    succeeded: List[str] = field(default_factory=list)
    failed: List[dict] = field(default_factory=list)    # {"group", "error", "deployment_id", "devices"}
    seconds: float = 0.0
    stopped: str = ""                                    # why gg stopped waiting: "timeout"

    def describe(self):
        return "%d deployment%s" % (len(self.deployments), "" if len(self.deployments) == 1 else "s")


class V2Rollout(Rollout):
    """The V1 wave loop (waves, skipped groups, the failure limit, the report) with V2 waves."""

    def __init__(self, ctx, targets, sizes, limit, timeout, poll=5.0, out=None, action="rollout",
                 rate=DEFAULT_RATE, **kwargs):
        super().__init__(ctx, targets, sizes, limit, timeout, poll, out, action, **kwargs)
        self.rate = rate

    def prepare(self):
        """Nothing shared to make: V2 deployments need no bucket or role of gg's."""

    def _pool(self, fn, items):
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(items)))) as pool:
            return list(pool.map(fn, items))

    def run_wave(self, number, count, wave, failed_before, attempted):
        label = "%s-wave-%d-of-%d" % (self.action, number, count)
        result = WaveResult(number, [t.group for t in wave])
        started = self.clock()
        tags = {names.MANAGED_BY: names.MANAGED_VALUE, "gg:rollout": label}
        watches = self._pool(lambda t: self.start_group(t, tags), wave)
        result.deployments = {w.group: w.deployment_id for w in watches if w.deployment_id}
        self.say("wave %d/%d: %d group%s, %d device%s, %s" % (
            number, count, len(wave), "" if len(wave) == 1 else "s", sum(len(w.things) for w in watches),
            "" if sum(len(w.things) for w in watches) == 1 else "s", result.describe()))
        self._watch(watches, result, "wave %d/%d" % (number, count), started, failed_before, attempted)
        result.seconds = round(self.clock() - started, 3)
        for watch in watches:
            if watch.outcome == "SUCCEEDED":
                result.succeeded.append(watch.group)
            else:
                result.failed.append(watch.failure(None if watch.outcome else self.timeout))
        return result

    def start_group(self, target, tags):
        """The group's deployment, its job configured for the group's size (its members)."""
        things = members(self.ctx, DeployResult(target.group, thing_group_arn=target.request["targetArn"]))
        config = iot_job_configuration(self.limit, len(things), self.rate, self.timeout)
        return GroupWatch.start(self.ctx, target, things, config, tags)

    def _watch(self, watches, result, name, started, failed_before, attempted):
        shown, told, last_line, warned = None, set(), 0.0, False
        while True:
            self._tell_failures(watches, told)
            failed = sum(1 for w in watches if w.outcome == "FAILED")
            running = [w for w in watches if not w.outcome]
            elapsed = self.clock() - started
            line = "%s: %d succeeded, %d failed, %d in progress" % (name, len(watches) - failed - len(running),
                                                                    failed, len(running))
            if line != shown or elapsed - last_line >= 30:
                self.say("%s (%ds)" % (line, elapsed))
                shown, last_line = line, elapsed
            if not warned and self.limit.exceeded(failed_before + failed, attempted):
                warned = True
                self.say("%s: more than %s failed; later waves will not start" % (name, self.limit))
            if not running:
                return
            if elapsed > self.timeout:
                result.stopped = "timeout"
                return
            self.sleep(self.poll)
            self._pool(lambda w: w.poll(self.ctx), running)

    def _tell_failures(self, watches, told):
        for watch in watches:
            for thing, reason in sorted(watch.reasons.items()):
                if (watch.group, thing) not in told:
                    told.add((watch.group, thing))
                    self.say("  group %s: core %s failed: %s" % (watch.group, thing, reason))
            if watch.error and (watch.group, "") not in told:
                told.add((watch.group, ""))
                self.say("  group %s failed: %s" % (watch.group, watch.error))
