"""Wave sizes and the failure limit: parsing and splitting, no AWS.

`--waves 1,10%,50%,100%` lists *cumulative* sizes: a count N means "the first N groups
have been deployed once this wave is done", P% means "up to P% of the fleet" (rounded
down). Groups are taken in name order, so the same fleet always splits the same way.
A wave that would add no group is dropped, and a list that stops short of the whole
fleet gets a last wave with the rest.
"""
import re
from dataclasses import dataclass

from gg_manager.errors import GGError

DEFAULT_WAVES = "1,10%,50%,100%"
_ITEM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


@dataclass(frozen=True)
class Size:
    value: float
    percent: bool

    def resolve(self, fleet):
        if self.percent:
            return min(fleet, int(fleet * self.value // 100))
        return min(fleet, int(self.value))

    def __str__(self):
        return ("%g%%" % self.value) if self.percent else "%d" % self.value


def parse_size(text, what):
    match = _ITEM.match(text or "")
    if not match:
        raise GGError("%s: %r is neither a count (5) nor a percentage (10%%)" % (what, text))
    value, percent = float(match.group(1)), bool(match.group(2))
    if percent and value > 100:
        raise GGError("%s: %s is more than 100%%" % (what, text.strip()))
    if not percent and value != int(value):
        raise GGError("%s: a count must be a whole number, not %s" % (what, text.strip()))
    return Size(value, percent)


def parse_waves(text):
    items = [t for t in (text or "").split(",")]
    sizes = [parse_size(t, "--waves") for t in items]
    for kind in (True, False):  # within one kind, the cumulative sizes must grow
        same = [s.value for s in sizes if s.percent is kind]
        if any(b <= a for a, b in zip(same, same[1:])):
            raise GGError("--waves are cumulative and must grow: %s" % text)
    if any(s.value <= 0 for s in sizes):
        raise GGError("--waves: every wave must be more than 0: %s" % text)
    return sizes


def split(names, sizes):
    """Groups (sorted by name) cut into waves at the cumulative sizes; [[names], ...]."""
    ordered = sorted(names)
    waves, done = [], 0
    for size in list(sizes) + [Size(100, True)]:
        upto = max(done, size.resolve(len(ordered)))
        if upto > done:
            waves.append(ordered[done:upto])
            done = upto
    return waves


@dataclass(frozen=True)
class FailureLimit:
    """--max-failures N or P%: the rollout halts once the failed groups, counted over every
    wave so far, are more than N, or more than P% of the groups of the waves started so far."""
    size: Size

    def exceeded(self, failed, attempted):
        if self.size.percent:
            return failed > 0 and failed * 100.0 > self.size.value * max(attempted, 1)
        return failed > self.size.value

    def __str__(self):
        return str(self.size)


def parse_limit(text):
    return FailureLimit(parse_size(text, "--max-failures"))
