"""Semantic versions and npm-style version requirements, as Greengrass recipes use them (no moto).

Versions: MAJOR.MINOR.PATCH with an optional -prerelease and +build.
Requirements: comparators (`=`, `>`, `>=`, `<`, `<=`), caret (`^1.2.3`), tilde
(`~1.2`), x-ranges (`1.x`, `1.2`, `*`), hyphen ranges (`1.0.0 - 2.0.0`),
space-separated comparators (all must hold) and `||` alternatives. A prerelease
version satisfies a requirement only if one of its comparators names a
prerelease of the same MAJOR.MINOR.PATCH (npm's rule).
"""
import re

VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                     r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$")
PARTIAL = re.compile(r"^[=v]*(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)"
                     r"(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?)?)?$")
COMPARATOR = re.compile(r"^(<=|>=|<|>|=|\^|~>?)?\s*(.*)$")


class VersionError(ValueError):
    pass


class Version:
    __slots__ = ("major", "minor", "patch", "pre", "text")

    def __init__(self, text):
        match = VERSION.match(str(text).strip())
        if not match:
            raise VersionError("%r is not a semantic version (MAJOR.MINOR.PATCH)" % text)
        self.major, self.minor, self.patch = (int(g) for g in match.groups()[:3])
        self.pre = tuple(int(p) if p.isdigit() else p for p in match.group(4).split(".")) if match.group(4) else ()
        self.text = str(text).strip()

    def key(self):
        # a release sorts after its prereleases; numeric identifiers sort before alphanumeric ones
        pre = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    def core(self):
        return (self.major, self.minor, self.patch)

    def __lt__(self, other):
        return self.key() < other.key()

    def __eq__(self, other):
        return isinstance(other, Version) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def __repr__(self):
        return self.text


def is_version(text):
    return bool(VERSION.match(str(text).strip()))


def _bound(major, minor, patch, pre=""):
    return Version("%d.%d.%d%s" % (major, minor, patch, "-" + pre if pre else ""))


def _partial(text):
    match = PARTIAL.match(text)
    if not match:
        raise VersionError("%r is not a version" % text)
    parts = [None if p is None or p in "*xX" else int(p) for p in match.groups()[:3]]
    return parts, match.group(4) or ""


def _caret_high(major, minor, patch):
    if major or minor is None:
        return _bound(major + 1, 0, 0, "0")
    if minor or patch is None:
        return _bound(0, minor + 1, 0, "0")
    return _bound(0, 0, patch + 1, "0")


def _range_of(op, major, minor, patch, pre):
    """`^`, `~` or a bare/`=` partial version -> comparators."""
    low = _bound(major, minor or 0, patch or 0, pre)
    if op == "^":
        return [(">=", low), ("<", _caret_high(major, minor, patch))]
    if minor is None:
        return [(">=", low), ("<", _bound(major + 1, 0, 0, "0"))]
    if op in ("~", "~>") or patch is None:
        return [(">=", low), ("<", _bound(major, minor + 1, 0, "0"))]
    return [("=", low)]


def _comparators(op, text):
    """One comparator string -> [(op, Version)] with x-ranges, tilde and caret expanded."""
    (major, minor, patch), pre = _partial(text)
    if major is None:
        return [] if op in ("", "=", ">=", "<=", "^", "~", "~>") else [("<", _bound(0, 0, 0, "0"))]
    if op in ("^", "~", "~>", "", "="):
        return _range_of(op, major, minor, patch, pre)
    if patch is not None:
        return [(op, _bound(major, minor, patch, pre))]
    upper = _bound(major + 1, 0, 0, "0") if minor is None else _bound(major, minor + 1, 0, "0")
    lower = _bound(major, minor or 0, 0)
    below = lower if minor is not None else _bound(major, 0, 0, "0")
    return {">": [(">=", upper)], ">=": [(">=", lower)], "<": [("<", below)], "<=": [("<", upper)]}[op]


def _alternative(text):
    text = text.strip()
    hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", text)
    if hyphen:
        low = [c for c in _comparators(">=", hyphen.group(1)) if c[0] != "<"]
        (major, minor, patch), pre = _partial(hyphen.group(2))
        high = _comparators("<=", hyphen.group(2)) if patch is not None or major is None else _comparators(
            "<", "%d.%d.0" % (major + (minor is None), (minor + 1) if minor is not None else 0))
        return low + high
    found = []
    tokens = re.findall(r"(?:<=|>=|<|>|=|\^|~>?)?\s*[^\s<>=^~]+", text)
    if re.sub(r"\s", "", "".join(tokens)) != re.sub(r"\s", "", text):
        raise VersionError("%r is not a version requirement" % text)
    for token in tokens:
        op, rest = COMPARATOR.match(token.strip()).groups()
        found.extend(_comparators(op or "", rest.strip()))
    return found


class Requirement:
    def __init__(self, text):
        self.text = str(text)
        if not self.text.strip():
            raise VersionError("an empty version requirement")
        self.alternatives = [_alternative(part) for part in self.text.split("||")]

    def allows(self, version):
        version = version if isinstance(version, Version) else Version(version)
        return any(_holds(comparators, version) for comparators in self.alternatives)

    def __repr__(self):
        return self.text


def _holds(comparators, version):
    for op, bound in comparators:
        if not {"=": version == bound, ">": bound < version, ">=": not version < bound,
                "<": version < bound, "<=": not bound < version}[op]:
            return False
    if version.pre:  # npm: a prerelease only matches a comparator with a prerelease of the same core
        return any(bound.pre and bound.core() == version.core() for _, bound in comparators)
    return True


def requirement(text):
    return Requirement(text)
