"""A plan's fingerprint: the same digest as the JSON of the whole state (saved plans keep matching)."""
import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

from gg_manager.plan.digest import state_digest


@dataclass
class Leaf:
    name: str
    document: Optional[dict] = None
    tags: tuple = ()


@dataclass
class Group:
    name: str
    leaves: Dict[str, Leaf] = field(default_factory=dict)
    members: List[str] = field(default_factory=list)
    when: Optional[datetime.datetime] = None
    seen: frozenset = frozenset()


@dataclass
class State:
    groups: Dict[str, Group]
    shared: Dict[int, str] = field(default_factory=dict)
    empty: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def _whole(state):
    return hashlib.sha256(json.dumps(asdict(state), sort_keys=True, default=str).encode()).hexdigest()


def _state(**changes):
    group = Group("g1", {"b": Leaf("b", {"Statement": [{"Effect": "Allow", "Action": ["iot:Connect"]}]}, ("x", 1)),
                         "a": Leaf("a")}, ["core-ü", "core2"], datetime.datetime(2026, 1, 2, 3, 4, 5), frozenset({"k"}))
    values = dict(groups={"g2": Group("g2"), "g1": group}, shared={2: "two", 1: "one"}, notes=[Leaf("n")])
    values.update(changes)
    return State(**values)


def test_the_digest_is_the_whole_states_json_digest():
    assert state_digest(_state()) == _whole(_state())
    assert state_digest(State({})) == _whole(State({}))


def test_any_change_below_changes_the_digest():
    changed = _state()
    changed.groups["g1"].leaves["b"].document["Statement"][0]["Action"].append("iot:Publish")
    assert state_digest(changed) != state_digest(_state())
    assert state_digest(changed) == _whole(changed)
    assert state_digest(_state(notes=[])) != state_digest(_state())
