"""The plan as a value: Changes a person reads, each owning the typed Steps that carry it out.

A Step is one call: an AWS operation named as AWS names it (`greengrass:CreateGroup`,
`iot:AttachPolicy`), or one of a few local operations (`local:GenerateKey`), with its
parameters. A parameter may be a `Ref` to a value an earlier step produces (the group
id CreateGroup returns) or a `Text` joining strings and Refs; `outputs` names what a
step produces (a JMESPath into its answer). `done_if` lists the error codes that mean
"already done" (a create that finds the thing, a delete that finds it gone).

The executor runs exactly these steps and nothing else; the renderers print exactly
these steps. Ids ("3.2": change 3, step 2) are given when the plan is complete.
"""
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, List, Optional, Union

SYMBOL = {"create": "+", "update": "~", "delete": "-", "deploy": "!"}
STAGES = ("first", "group", "last")
LOCAL_SERVICE = "local"


@dataclass(frozen=True)
class Ref:
    """The value `output` of step `step` (the Step while building, its id once numbered)."""
    step: Any
    output: str

    @property
    def step_id(self) -> str:
        return self.step if isinstance(self.step, str) else self.step.id

    def to_json(self):
        return {"ref": self.step_id, "output": self.output}


@dataclass(frozen=True)
class Text:
    """A string made of literal parts and Refs, joined when the Refs are known."""
    parts: tuple

    def to_json(self):
        return {"text": [encode(p) for p in self.parts]}


class Step:
    def __init__(self, operation: str, params: Optional[dict] = None, outputs: Optional[dict] = None,
                 done_if=(), retry_if=()):
        service, sep, name = operation.partition(":")
        if not sep or not service or not name or not name[0].isupper():
            raise ValueError("an operation is 'service:Operation', got %r" % operation)
        if outputs and done_if:
            raise ValueError("%s: a step whose outputs later steps use cannot be skipped as done" % operation)
        self.operation = operation
        self.params = dict(params or {})
        self.outputs = dict(outputs or {})
        self.done_if = tuple(sorted(done_if))
        self.retry_if = tuple(sorted(retry_if))
        self.id = ""

    @property
    def service(self) -> str:
        return self.operation.split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.operation.split(":", 1)[1]

    @property
    def is_local(self) -> bool:
        return self.service == LOCAL_SERVICE

    def ref(self, output: str) -> Ref:
        if output not in self.outputs:
            raise KeyError("%s produces no %r (it produces %s)" % (self.operation, output, sorted(self.outputs)))
        return Ref(self, output)

    def refs(self):
        return list(_refs(self.params))

    def to_json(self):
        return {"id": self.id, "operation": self.operation, "params": encode(self.params),
                "outputs": dict(self.outputs), "done_if": list(self.done_if),
                "retry_if": list(self.retry_if)}

    def __repr__(self):
        return "Step(%s %s)" % (self.id or "?", self.operation)


@dataclass
class Change:
    action: str                      # create | update | delete | deploy
    kind: str                        # what a person calls it: "lambda", "function definition", ...
    name: str
    _: KW_ONLY
    group: str = ""                  # "" for resources shared by the spec's groups
    fields: List[str] = field(default_factory=list)   # human lines: what differs
    cause: str = "spec"              # spec: the spec asks for it; drift: AWS was changed outside gg
    before: Any = None               # structured values (JSON): what AWS holds ...
    after: Any = None                # ... and what the spec asks for
    steps: List[Step] = field(default_factory=list)
    stage: str = ""                  # first | group | last; "" derives it (see Plan.add)

    def add(self, operation, params=None, outputs=None, done_if=(), retry_if=()) -> Step:
        step = Step(operation, params, outputs, done_if, retry_if)
        self.steps.append(step)
        return step

    def to_json(self):
        return {"action": self.action, "kind": self.kind, "name": self.name, "group": self.group,
                "fields": list(self.fields), "cause": self.cause, "before": encode(self.before),
                "after": encode(self.after), "stage": self.stage,
                "steps": [s.to_json() for s in self.steps]}


@dataclass
class Note:
    """Something the plan deliberately leaves alone, and why (e.g. 'not made by gg')."""
    kind: str
    name: str
    reason: str
    group: str = ""

    def to_json(self):
        return {"kind": self.kind, "name": self.name, "reason": self.reason, "group": self.group}


@dataclass
class Plan:
    spec_file: str
    account: str
    region: str
    target: str = "v1"
    mode: str = "apply"              # apply | destroy
    groups: List[str] = field(default_factory=list)
    changes: List[Change] = field(default_factory=list)
    bookkeeping: List[Change] = field(default_factory=list)   # gg's own records, not the user's resources
    notes: List[Note] = field(default_factory=list)
    deploy_needed: List[str] = field(default_factory=list)
    fingerprint: str = ""

    def add(self, change: Change) -> Change:
        if not change.steps:
            raise ValueError("change %s %s %s has no step: a plan shows only what runs"
                             % (change.action, change.kind, change.name))
        if not change.stage:
            change.stage = "group" if change.group else ("last" if change.action == "delete" else "first")
        if change.stage not in STAGES or (change.stage == "group") != bool(change.group):
            raise ValueError("change %s %s: stage %r does not fit group %r"
                             % (change.kind, change.name, change.stage, change.group))
        self.changes.append(change)
        return change

    def record(self, change: Change) -> Change:
        """gg's own bookkeeping (runs last, after every group succeeded)."""
        change.stage = "last"
        if not change.steps:
            raise ValueError("bookkeeping %s has no step" % change.name)
        self.bookkeeping.append(change)
        return change

    @property
    def empty(self) -> bool:
        return not self.changes

    def all_changes(self):
        return list(self.changes) + list(self.bookkeeping)

    def steps(self):
        return [s for c in self.all_changes() for s in c.steps]

    def number(self, check=None):
        """Give every step its id; check each Ref points at an earlier step's output, and each
        operation with `check(operation)` (plan/operations.check: botocore knows it)."""
        for i, change in enumerate(self.all_changes(), 1):
            for j, step in enumerate(change.steps, 1):
                step.id = "%d.%d" % (i, j)
                if check:
                    check(step.operation)
        seen = {}
        for change in self.staged():
            for step in change.steps:
                for ref in step.refs():
                    _check_ref(step, change, ref, seen)
                seen[step.id] = (step, change)
        return self

    def staged(self):
        """Changes in the order they run: shared first, then groups, then shared last."""
        order = {"first": 0, "group": 1, "last": 2}
        return sorted(self.all_changes(), key=lambda c: order[c.stage])

    def counts(self):
        out = {"create": 0, "update": 0, "delete": 0, "deploy": 0}
        for c in self.changes:
            out[c.action] += 1
        return out

    def to_json(self):
        return {"format": FORMAT_VERSION, "target": self.target, "mode": self.mode, "spec": self.spec_file,
                "account": self.account, "region": self.region, "groups": list(self.groups),
                "fingerprint": self.fingerprint, "summary": self.counts(),
                "deploy_needed": list(self.deploy_needed),
                "changes": [c.to_json() for c in self.changes],
                "bookkeeping": [c.to_json() for c in self.bookkeeping],
                "notes": [n.to_json() for n in self.notes]}


FORMAT_VERSION = 2


def _check_ref(step, change, ref, seen):
    """A Ref must name an output of a step that runs before: a shared one, or one of the same group
    (groups run in parallel)."""
    producer, made_by = seen.get(ref.step_id, (None, None))
    if producer is None or ref.output not in producer.outputs:
        raise ValueError("step %s (%s) uses %s.%s, which no earlier step produces"
                         % (step.id, step.operation, ref.step_id, ref.output))
    if change.stage == "group" and made_by.stage == "group" and made_by.group != change.group:
        raise ValueError("step %s of group %s uses %s of group %s: groups run in parallel"
                         % (step.id, change.group, ref.step_id, made_by.group))


def encode(value):
    """Plain JSON for a parameter value: Refs and Texts as {"ref"...}/{"text"...}, bytes refused."""
    if isinstance(value, (Ref, Text)):
        return value.to_json()
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        raise TypeError("a plan holds no bytes; produce them in a local step and pass a Ref")
    return value


def _refs(value):
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Text):
        for part in value.parts:
            yield from _refs(part)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _refs(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _refs(v)


def has_refs(value) -> bool:
    """True when `value` holds a Ref anywhere (it is known only once the plan runs)."""
    return any(True for _ in _refs(value))


Value = Union[str, Ref, Text]
