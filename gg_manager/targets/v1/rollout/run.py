"""The wave loop: one bulk deployment per wave, waited for, halting when failures pass the limit.

A group *fails* when its deployment reports Failure, when the bulk deployment made no
deployment for it (an invalid record, an unreadable input file), or when it is still
not finished after --timeout seconds (the bulk deployment is then stopped). Failures
are counted over every wave so far; once they exceed the limit the current bulk
deployment is stopped (no new deployment starts; those already on a core finish and
are reported) and later waves never start.
"""
import time
from dataclasses import asdict, dataclass, field
from typing import List

from gg_manager.targets.v1.rollout.bulk import IN_FLIGHT, Bulk, ensure_bucket
from gg_manager.targets.v1.rollout.role import ensure_role
from gg_manager.targets.v1.rollout.waves import split


@dataclass
class WaveResult:
    wave: int
    groups: List[str]
    bulk_deployment_id: str = ""
    bulk_status: str = ""
    succeeded: List[str] = field(default_factory=list)
    failed: List[dict] = field(default_factory=list)    # {"group", "error"}
    seconds: float = 0.0
    stopped: str = ""                                    # why the bulk deployment was stopped

    def describe(self):
        return "bulk deployment %s, %s" % (self.bulk_deployment_id, self.bulk_status)


@dataclass
class Report:
    action: str
    max_failures: str
    waves: List[WaveResult] = field(default_factory=list)
    halted: bool = False
    halt_reason: str = ""
    not_started: List[str] = field(default_factory=list)
    skipped: List[dict] = field(default_factory=list)    # {"group", "reason"}
    seconds: float = 0.0

    @property
    def failed(self):
        return [f for w in self.waves for f in w.failed]

    @property
    def succeeded(self):
        return [g for w in self.waves for g in w.succeeded]

    def to_dict(self):
        data = asdict(self)
        data.update(ok=not self.halted, succeeded_count=len(self.succeeded), failed_count=len(self.failed))
        return data


class Rollout:
    def __init__(self, ctx, targets, sizes, limit, timeout, poll=5.0, out=None, action="rollout",
                 clock=time.monotonic, sleep=time.sleep):
        self.ctx, self.targets, self.sizes, self.limit = ctx, targets, sizes, limit
        self.timeout, self.poll, self.out, self.action = timeout, poll, out, action
        self.clock, self.sleep = clock, sleep
        self.report = Report(action, str(limit))

    def say(self, text):
        if self.out is not None:
            self.out.write(text + "\n")
            self.out.flush()

    def waves(self):
        """The waves of the whole selection (so a rollback keeps the rollout's waves), each
        holding only the groups with something to deploy."""
        deployable = {t.group: t for t in self.targets if t.version}
        waves = [[deployable[n] for n in wave if n in deployable]
                 for wave in split([t.group for t in self.targets], self.sizes)]
        return [w for w in waves if w]

    def run(self):
        started = self.clock()
        self._report_skipped()
        waves = self.waves()
        if not waves:
            self.say("nothing to %s" % ("roll back" if self.action == "rollback" else "roll out"))
            return self.report
        self._announce(waves)
        self.prepare()
        attempted = failed_before = 0
        for number, wave in enumerate(waves, 1):
            attempted += len(wave)
            result = self.run_wave(number, len(waves), wave, failed_before, attempted)
            self.report.waves.append(result)
            failed_before += len(result.failed)
            if self.limit.exceeded(failed_before, attempted):
                self.report.halted = True
                self.report.halt_reason = "%d of %d group%s failed by wave %d (max failures %s)" % (
                    failed_before, attempted, "" if attempted == 1 else "s", number, self.limit)
                self.report.not_started = [t.group for w in waves[number:] for t in w]
                break
        self.report.seconds = round(self.clock() - started, 3)
        return self.report

    def _report_skipped(self):
        self.report.skipped = [{"group": t.group, "reason": t.skipped} for t in self.targets if not t.version]
        by_reason = {}
        for item in self.report.skipped:
            by_reason.setdefault(item["reason"], []).append(item["group"])
        for reason, groups in sorted(by_reason.items()):
            self.say("skipped %d group%s (%s): %s" % (len(groups), "" if len(groups) == 1 else "s", reason,
                                                     ", ".join(groups)))

    def _announce(self, waves):
        sizes, total = [], 0
        for wave in waves:
            total += len(wave)
            sizes.append(str(total))
        self.say("%s of %d group%s in %d wave%s (cumulative %s), halting when more than %s fail" % (
            self.action, total, "" if total == 1 else "s", len(waves), "" if len(waves) == 1 else "s",
            ", ".join(sizes), self.limit))

    def stop_and_wait(self, bulk, polls=30):
        """Stop the bulk deployment and wait until AWS says it is over (Stopping is not): the
        next wave's bulk deployment cannot start before."""
        if not bulk.finished:
            bulk.stop()
        for _ in range(polls):
            if bulk.poll() in ("Completed", "Stopped", "Failed"):
                return
            self.sleep(self.poll)

    def prepare(self):
        """What every wave needs: the bucket of the input files and the execution role."""
        self.bucket = ensure_bucket(self.ctx)
        self.role_arn = ensure_role(self.ctx, self.out)

    def run_wave(self, number, count, wave, failed_before, attempted):
        label = "%s-wave-%d-of-%d" % (self.action, number, count)
        bulk = Bulk(self.ctx, self.bucket, self.role_arn, wave, label)
        result = WaveResult(number, [t.group for t in wave])
        started = self.clock()
        result.bulk_deployment_id = bulk.start()
        self.say("wave %d/%d: %d group%s, bulk deployment %s" % (
            number, count, len(wave), "" if len(wave) == 1 else "s", bulk.bulk_id))
        try:
            self._watch(bulk, result, "wave %d/%d" % (number, count), started, failed_before, attempted)
        finally:
            bulk.clean_up()
        result.bulk_status = bulk.status
        result.seconds = round(self.clock() - started, 3)
        self._tally(wave, bulk, result)
        return result

    def _watch(self, bulk, result, name, started, failed_before, attempted):
        """Poll until the wave settles, times out (stopped) or passes the failure limit (stopped)."""
        shown, told, last_line = None, set(), 0.0
        while True:
            self.sleep(self.poll)
            bulk.poll()
            elapsed = self.clock() - started
            for group, outcome in sorted(bulk.outcomes.items()):
                if outcome.status == "Failure" and group not in told:
                    told.add(group)
                    self.say("  group %s failed: %s" % (group, outcome.error or "(no details)"))
            counts = bulk.counts()
            line = "%s: %d succeeded, %d failed, %d in progress" % (
                name, counts["Success"], counts["Failure"], counts["running"])
            if line != shown or elapsed - last_line >= 30:
                self.say("%s (%ds, bulk %s)" % (line, elapsed, bulk.status))
                shown, last_line = line, elapsed
            if bulk.settled():
                return
            if elapsed > self.timeout:
                result.stopped = "timeout"
                self.stop_and_wait(bulk)
                return
            if not result.stopped and self.limit.exceeded(failed_before + counts["Failure"], attempted):
                result.stopped = "failures"
                self.say("%s: more than %s failed; stopping bulk deployment %s" % (name, self.limit, bulk.bulk_id))
                bulk.stop()

    def _tally(self, wave, bulk, result):
        for target in wave:
            outcome = bulk.outcomes[target.group]
            if outcome.status == "Success":
                result.succeeded.append(target.group)
            elif outcome.status == "Failure":
                result.failed.append({"group": target.group, "error": outcome.error or "Failure"})
            elif outcome.status in IN_FLIGHT:
                result.failed.append({"group": target.group, "error": "still %s after %ds (timeout)" % (
                    outcome.status, self.timeout)})
            else:
                why = "no deployment was created (bulk deployment %s%s)" % (
                    bulk.status or "?", ": " + bulk.error if bulk.error else "")
                result.failed.append({"group": target.group, "error": why})
