"""What a new revision changes on the device: components to add, update (restart), keep and remove.

A component is updated when its spec's fingerprint changed (version, interpolated lifecycle,
dependencies) or when it is BROKEN (a new deployment is its chance to recover), and so is
every running component with a HARD dependency on an updated one, as the nucleus restarts
HARD dependents. Components no longer in the revision are removed only after the new ones
are up.
"""
from dataclasses import dataclass, field
from typing import List

from . import states as st


@dataclass
class Plan:
    add: List[str] = field(default_factory=list)
    update: List[str] = field(default_factory=list)
    keep: List[str] = field(default_factory=list)
    remove: List[str] = field(default_factory=list)

    @property
    def changed(self):
        return self.add + self.update

    def describe(self):
        parts = ["%s %s" % (k, ", ".join(v)) for k, v in (("add", self.add), ("update", self.update),
                                                          ("remove", self.remove), ("keep", self.keep)) if v]
        return "; ".join(parts) or "nothing to do"


def install_unchanged(old, new):
    """True when a restart may skip Install: same version, same Install step and Setenv."""
    def part(spec):
        return {str(k).lower(): v for k, v in spec.lifecycle.items() if str(k).lower() in ("install", "setenv")}
    return old.version == new.version and part(old) == part(new)


def _with_hard_dependents(updated, running, specs, order):
    """updated plus every running component that has a HARD dependency on one of them, transitively."""
    updated = set(updated)
    grew = True
    while grew:
        grew = False
        for name in order:
            if name in running and name not in updated and any(
                    dep in updated and kind == "HARD" for dep, kind in specs[name].dependencies.items()):
                updated.add(name)
                grew = True
    return updated


def make_plan(running, specs, order):
    """running: {name: (state, reason, spec)}; specs: the new {name: ComponentSpec}; order: start order."""
    plan = Plan(remove=sorted(n for n in running if n not in specs))
    plan.add = [n for n in order if n not in running]
    changed = {n for n in order if n in running and (
        running[n][0] == st.BROKEN or running[n][2].fingerprint() != specs[n].fingerprint())}
    updated = _with_hard_dependents(changed, running, specs, order)
    plan.update = [n for n in order if n in updated]
    plan.keep = [n for n in order if n in running and n not in updated]
    return plan
