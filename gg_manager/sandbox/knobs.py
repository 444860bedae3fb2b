"""Fault and latency knobs of the sandbox, the per-operation call counter and the ordered call log.

Pure Python (no moto): the server consults one `Knobs` object before every AWS
call; `gg sandbox start` flags set it, `POST /_sandbox/faults` changes it at run
time. Operations are named `service:Operation` (e.g. `greengrass:CreateGroup`);
a rule may name the bare operation (`CreateGroup`) to match any service.
"""
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

FAIL_MODES = ("once", "always")
# operations that only read; every other call counts as a write for fail_nth_write
READ_PREFIXES = ("Get", "List", "Describe", "Head")
LOG_LIMIT = 1_000_000  # calls kept in the ordered log between resets


class KnobError(ValueError):
    """A knob value that cannot be used (reported to the caller, never a traceback)."""


def parse_fail_operation(spec):
    """'CreateFunctionDefinitionVersion[:once|:always]' -> (name, mode); default mode 'always'."""
    spec = (spec or "").strip()
    head, sep, tail = spec.rpartition(":")
    name, mode = (head, tail) if sep and tail in FAIL_MODES else (spec, "always")
    if not name or not all(part.replace("-", "").isalnum() for part in name.split(":")):
        raise KnobError("--fail-operation wants OPERATION[:once|:always], got %r" % spec)
    return name, mode


@dataclass
class Decision:
    """What to do with one call: nothing, throttle it, or fail it."""

    kind: str = ""  # "", "throttle" or "fail"
    message: str = ""


@dataclass
class Knobs:
    latency_ms: float = 0.0
    throttle_rate: float = 0.0
    throttle_every: int = 0
    fail_operations: dict = field(default_factory=dict)  # name -> "once" | "always"
    fail_nth_write: int = 0      # the Nth mutating call after arming fails once (fault tests)
    fail_write_operation: str = ""   # count only this operation's calls for fail_nth_write
    seed: int = None
    calls: Counter = field(default_factory=Counter)
    log: list = field(default_factory=list)   # "service:Operation" in the order served
    _seen: int = 0
    _writes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self):
        self._random = random.Random(self.seed)
        self.validate()

    def validate(self):
        if self.latency_ms < 0:
            raise KnobError("latency_ms must be >= 0")
        if not 0.0 <= self.throttle_rate <= 1.0:
            raise KnobError("throttle_rate must be between 0 and 1")
        if self.throttle_every < 0:
            raise KnobError("throttle_every must be >= 0")
        if self.fail_nth_write < 0:
            raise KnobError("fail_nth_write must be >= 0")
        for name, mode in self.fail_operations.items():
            if mode not in FAIL_MODES:
                raise KnobError("fail mode of %s must be once or always, got %r" % (name, mode))

    # -- what the server calls -------------------------------------------------
    def on_call(self, service, operation):
        """Count the call, sleep the added latency, and say whether to fault it."""
        key = "%s:%s" % (service, operation)
        with self._lock:
            self.calls[key] += 1
            if len(self.log) < LOG_LIMIT:
                self.log.append(key)
            latency = self.latency_ms
            decision = self._decide(key, operation)
        if latency:
            time.sleep(latency / 1000.0)
        return decision

    def _decide(self, key, operation):
        for name in (key, operation):
            mode = self.fail_operations.get(name)
            if mode:
                if mode == "once":
                    del self.fail_operations[name]
                return Decision("fail", "Injected failure of %s (sandbox --fail-operation %s:%s)" % (key, name, mode))
        if self.fail_nth_write and not operation.startswith(READ_PREFIXES) and \
                self.fail_write_operation in ("", operation, key):
            self._writes += 1
            if self._writes == self.fail_nth_write:
                self.fail_nth_write = 0
                return Decision("fail_final", "Injected failure of %s (sandbox fail_nth_write %d)"
                                % (key, self._writes))
        self._seen += 1
        if self.throttle_every and self._seen % self.throttle_every == 0:
            return Decision("throttle", "Rate exceeded (sandbox --throttle-every %d)" % self.throttle_every)
        if self.throttle_rate and self._random.random() < self.throttle_rate:
            return Decision("throttle", "Rate exceeded (sandbox --throttle-rate %g)" % self.throttle_rate)
        return Decision()

    # -- what the /_sandbox endpoints call -------------------------------------
    def snapshot(self):
        with self._lock:
            return {
                "latency_ms": self.latency_ms,
                "throttle_rate": self.throttle_rate,
                "throttle_every": self.throttle_every,
                "fail_operations": dict(self.fail_operations),
                "fail_nth_write": self.fail_nth_write,
                "fail_write_operation": self.fail_write_operation,
            }

    def update(self, changes):
        """Apply a partial update (the JSON body of POST /_sandbox/faults); 'reset': true clears all first."""
        allowed = {"latency_ms", "throttle_rate", "throttle_every", "fail_operations", "fail_nth_write",
                   "fail_write_operation", "reset"}
        unknown = set(changes) - allowed
        if unknown:
            raise KnobError("unknown knob(s): %s" % ", ".join(sorted(unknown)))
        with self._lock:
            old = self.snapshot_unlocked()
            try:
                if changes.get("reset"):
                    self.latency_ms, self.throttle_rate, self.throttle_every = 0.0, 0.0, 0
                    self.fail_operations = {}
                    self.fail_nth_write, self.fail_write_operation = 0, ""
                if "latency_ms" in changes:
                    self.latency_ms = float(changes["latency_ms"])
                if "throttle_rate" in changes:
                    self.throttle_rate = float(changes["throttle_rate"])
                if "throttle_every" in changes:
                    self.throttle_every = int(changes["throttle_every"])
                    self._seen = 0
                if "fail_operations" in changes:
                    self.fail_operations = _fail_map(changes["fail_operations"])
                if "fail_write_operation" in changes:
                    self.fail_write_operation = str(changes["fail_write_operation"] or "")
                if "fail_nth_write" in changes:
                    self.fail_nth_write, self._writes = int(changes["fail_nth_write"]), 0
                self.validate()
            except (TypeError, ValueError) as exc:
                (self.latency_ms, self.throttle_rate, self.throttle_every, self.fail_operations,
                 self.fail_nth_write) = old
                raise KnobError(str(exc)) from None
        return self.snapshot()

    def snapshot_unlocked(self):
        return (self.latency_ms, self.throttle_rate, self.throttle_every, dict(self.fail_operations),
                self.fail_nth_write)

    def call_counts(self, reset=False):
        """{"service:Operation": n}; reset=True also empties the ordered log."""
        with self._lock:
            counts = dict(self.calls)
            if reset:
                self.calls.clear()
                self.log.clear()
        return counts

    def call_log(self, reset=False):
        """["service:Operation", ...] in the order served since the last reset."""
        with self._lock:
            log = list(self.log)
            if reset:
                self.calls.clear()
                self.log.clear()
        return log


def _fail_map(value):
    """Accept {"Op": "once"}, ["Op:once", "Op2"] or "Op:once"."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return dict(parse_fail_operation(item) for item in value)
    raise KnobError("fail_operations must be a list of OP[:once|:always] or a map OP -> mode")


# The knob flags shared by `gg sandbox start` (click) and the server process (argparse):
# (flag, type, default, metavar, help, repeatable).
KNOB_FLAGS = (
    ("--latency-ms", float, 0.0, "MS", "added latency per AWS call, in milliseconds", False),
    ("--throttle-rate", float, 0.0, "SHARE", "share of calls (0..1) answered with ThrottlingException", False),
    ("--throttle-every", int, 0, "N", "answer every Nth call with ThrottlingException", False),
    ("--fail-operation", str, None, "OP[:once|:always]",
     "fail the named operation (e.g. CreateFunctionDefinitionVersion, greengrass:CreateDeployment for V1 only, "
     "greengrassv2:CreateDeployment for V2 only, CreateDeployment for both) with the service's 500 error; "
     "repeatable", True),
    ("--auto-complete-after", float, None, "SECONDS",
     "V1 deployments and V2 job executions succeed by themselves after SECONDS (default: wait for a core)", False),
    ("--seed", int, None, "N", "random seed for --throttle-rate", False),
)


def add_knob_arguments(parser):
    """The knob flags on an argparse parser (the server process)."""
    for flag, kind, default, metavar, text, repeatable in KNOB_FLAGS:
        if repeatable:
            parser.add_argument(flag, action="append", default=[], metavar=metavar, help=text)
        else:
            parser.add_argument(flag, type=kind, default=default, metavar=metavar, help=text)
