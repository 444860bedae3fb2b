"""Run a plan's steps, and only those: the executor knows no resource type.

Order: the changes of stage "first" (shared, in plan order), then each group's changes
(groups in parallel, a group's own changes in order), then stage "last" (shared: what
must wait until the groups stopped using it) and gg's bookkeeping, only when every group
succeeded. A failed step stops its group; the other groups go on. Refs are resolved from
the outputs of the steps that ran; local operations go to the handlers registered for
them (`local:GenerateKey` -> a function; one marked `with_context` gets the AWS context first,
for local work that reads AWS), AWS ones to botocore (plan/operations.py).
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict

import jmespath

from gg_manager.aws.errors import describe_error, error_code, is_transient
from gg_manager.aws.session import MAX_WORKERS
from gg_manager.plan import operations
from gg_manager.plan.model import Ref, Text

RETRY_ATTEMPTS = 8
DONE_WORDS = {"create": "created", "update": "updated", "delete": "deleted", "deploy": "started"}


class StepFailed(Exception):
    def __init__(self, step, message, transient):
        super().__init__(message)
        self.step, self.transient = step, transient


@dataclass
class Outcome:
    failures: Dict[str, StepFailed] = field(default_factory=dict)   # "" (shared) or group -> failure
    outputs: Dict[str, dict] = field(default_factory=dict)          # step id -> {output: value}
    done: Dict[str, list] = field(default_factory=dict)             # step id -> "already done" code

    @property
    def ok(self):
        return not self.failures

    def value(self, ref):
        return self.outputs[ref.step_id][ref.output]


class Executor:
    """`handlers`: {"local:Name": function(params) -> dict of outputs}."""

    def __init__(self, ctx, handlers: Dict[str, Callable], out, pool_size=MAX_WORKERS, sleep=time.sleep,
                 call=operations.call):
        self.ctx, self.handlers, self.out, self.pool_size = ctx, dict(handlers), out, pool_size
        self.sleep, self._call = sleep, call
        self._lock = threading.Lock()

    def run(self, plan) -> Outcome:
        outcome = Outcome()
        missing = sorted({s.operation for s in plan.steps() if s.is_local and s.operation not in self.handlers})
        if missing:
            raise ValueError("no handler registered for %s" % ", ".join(missing))
        staged = plan.staged()
        first = [c for c in staged if c.stage == "first"]
        last = [c for c in staged if c.stage == "last"]
        groups = {}
        for change in staged:
            if change.stage == "group":
                groups.setdefault(change.group, []).append(change)
        if not self._run_changes("", first, outcome):
            return outcome
        with ThreadPoolExecutor(max_workers=max(1, min(self.pool_size, len(groups)))) as pool:
            list(pool.map(lambda g: self._run_changes(g, groups[g], outcome), sorted(groups)))
        if not outcome.failures:
            self._run_changes("", last, outcome)
        return outcome

    def _run_changes(self, scope, changes, outcome):
        for change in changes:
            try:
                done = [self._run_step(step, outcome) for step in change.steps]
            except StepFailed as exc:
                with self._lock:
                    outcome.failures[scope] = exc
                return False
            self._say(change, all(done))
        return True

    def _run_step(self, step, outcome):
        """Run one step; True when AWS said its work was already done."""
        try:
            params = resolve(step.params, outcome)
        except KeyError as exc:
            raise StepFailed(step, "%s (step %s): needs %s, which no step produced" % (
                step.operation, step.id, exc), False)
        for attempt in range(RETRY_ATTEMPTS):
            try:
                answer = self._invoke(step, params)
                break
            except Exception as exc:  # an AWS or local error: reported as a value, never a traceback
                code = error_code(exc)
                if code and code in step.done_if:
                    with self._lock:
                        outcome.done[step.id] = code
                    return True
                if code and code in step.retry_if and attempt < RETRY_ATTEMPTS - 1:
                    self.sleep(2 + attempt)
                    continue
                raise StepFailed(step, "%s (step %s): %s" % (step.operation, step.id, describe_error(exc)),
                                 is_transient(exc))
        values = {name: jmespath.search(path, answer) for name, path in step.outputs.items()}
        with self._lock:
            outcome.outputs[step.id] = values
        return False

    def _invoke(self, step, params):
        if step.is_local:
            handler = self.handlers[step.operation]
            if getattr(handler, "with_context", False):    # a local step that reads AWS (a model archive)
                return handler(self.ctx, **params) or {}
            return handler(**params) or {}
        return self._call(self.ctx, step.operation, params)

    def _say(self, change, already):
        where = "group %s" % change.group if change.group else "shared"
        if already:
            what = "%s %s: already %s" % (change.kind, change.name,
                                          "gone" if change.action == "delete" else "done")
        else:
            what = "%s %s %s" % (DONE_WORDS[change.action], change.kind, change.name)
        with self._lock:
            self.out.write("%s: %s\n" % (where, what))
            self.out.flush()


def resolve(value, outcome):
    """Parameters with every Ref and Text replaced by the values the earlier steps produced."""
    if isinstance(value, Ref):
        return outcome.value(value)
    if isinstance(value, Text):
        return "".join(str(resolve(p, outcome)) for p in value.parts)
    if isinstance(value, dict):
        return {k: resolve(v, outcome) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(v, outcome) for v in value]
    return value
