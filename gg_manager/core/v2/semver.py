"""Semantic versions and NPM-style version requirements, as component recipes use them.

Version("1.2.3-beta.1+build") compares by semver 2.0.0 precedence. Requirement(text)
understands what recipes write in VersionRequirement: `1.2.3`, `=1.2.3`, `>=1.0.0 <2.0.0`,
`^1.2.3`, `~1.2.3`, `1.2.x`, `2.0.*`, `*`, `1.0.0 - 2.0.0` and alternatives joined by `||`.
As in npm, a pre-release version satisfies a range only when a comparator of that range
names a pre-release of the same major.minor.patch.
"""
import functools
import re

_NUM = r"0|[1-9]\d*"
_IDENT = r"[0-9A-Za-z-]+"
_VERSION = re.compile(r"^(%s)\.(%s)\.(%s)(?:-(%s(?:\.%s)*))?(?:\+(%s(?:\.%s)*))?$"
                      % (_NUM, _NUM, _NUM, _IDENT, _IDENT, _IDENT, _IDENT))
_PARTIAL = re.compile(r"^v?(\*|x|X|%s)(?:\.(\*|x|X|%s)(?:\.(\*|x|X|%s)(?:-(%s(?:\.%s)*))?(?:\+[0-9A-Za-z.-]+)?)?)?$"
                      % (_NUM, _NUM, _NUM, _IDENT, _IDENT))
_OPERATOR = re.compile(r"^(<=|>=|<|>|=|~>|~|\^)?\s*(.*)$")


class SemverError(ValueError):
    pass


@functools.total_ordering
class Version:
    __slots__ = ("major", "minor", "patch", "prerelease", "build", "text")

    def __init__(self, text):
        match = _VERSION.match(str(text).strip())
        if not match:
            raise SemverError("%r is not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])" % (text,))
        self.major, self.minor, self.patch = (int(match.group(i)) for i in (1, 2, 3))
        self.prerelease = tuple(match.group(4).split(".")) if match.group(4) else ()
        if any(p.isdigit() and len(p) > 1 and p.startswith("0") for p in self.prerelease):
            raise SemverError("%r: numeric pre-release identifiers must not have leading zeros" % (text,))
        self.build = match.group(5) or ""
        self.text = str(text).strip()

    @classmethod
    def of(cls, major, minor, patch, prerelease=()):
        version = cls("%d.%d.%d" % (major, minor, patch))
        version.prerelease = tuple(prerelease)
        return version

    @property
    def core(self):
        return (self.major, self.minor, self.patch)

    def _key(self):
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return self.core, (1,) if not self.prerelease else (0, pre)

    def __eq__(self, other):
        return isinstance(other, Version) and self._key() == other._key()

    def __lt__(self, other):
        return self._key() < other._key()

    def __hash__(self):
        return hash(self._key())

    def __str__(self):
        return self.text

    def __repr__(self):
        return "Version(%r)" % self.text


class _Comparator:
    def __init__(self, op, version):
        self.op, self.version = op, version

    def test(self, version):
        if self.op == "=":
            return version == self.version
        if self.op == ">":
            return version > self.version
        if self.op == ">=":
            return version >= self.version
        if self.op == "<":
            return version < self.version
        return version <= self.version

    def __repr__(self):
        return "%s%s" % (self.op, ".".join(map(str, self.version.core))
                         + ("-" + ".".join(self.version.prerelease) if self.version.prerelease else ""))


def _partial(text, whole):
    """(major, minor, patch, prerelease) with None for wildcards and missing parts."""
    match = _PARTIAL.match(text)
    if not match:
        raise SemverError("%r: %r is not a version" % (whole, text))
    parts = []
    for group in match.groups()[:3]:
        parts.append(None if group in (None, "*", "x", "X") else int(group))
    for i in (1, 2):  # after a wildcard everything is a wildcard
        if parts[i - 1] is None:
            parts[i] = None
    pre = tuple(match.group(4).split(".")) if match.group(4) and parts[2] is not None else ()
    return parts[0], parts[1], parts[2], pre


def _upper(major, minor):
    """The exclusive upper bound of major.x (minor None) or major.minor.x."""
    if minor is None:
        return Version.of(major + 1, 0, 0, ("0",))
    return Version.of(major, minor + 1, 0, ("0",))


def _x_range(major, minor, patch, pre):
    if major is None:
        return [_Comparator(">=", Version.of(0, 0, 0))]
    if patch is not None:
        return [_Comparator("=", Version.of(major, minor, patch, pre))]
    return [_Comparator(">=", Version.of(major, minor or 0, 0)), _Comparator("<", _upper(major, minor))]


def _tilde(major, minor, patch, pre):
    if major is None:
        return _x_range(None, None, None, ())
    low = Version.of(major, minor or 0, patch or 0, pre)
    return [_Comparator(">=", low), _Comparator("<", _upper(major, minor))]


def _caret(major, minor, patch, pre):
    if major is None:
        return _x_range(None, None, None, ())
    low = Version.of(major, minor or 0, patch or 0, pre)
    if major > 0 or minor is None:
        high = _upper(major, None)
    elif minor > 0 or patch is None:
        high = _upper(0, minor)
    else:
        high = Version.of(0, 0, patch + 1, ("0",))
    return [_Comparator(">=", low), _Comparator("<", high)]


def _primitive(op, major, minor, patch, pre):
    if major is None:
        return [_Comparator("<", Version.of(0, 0, 0, ("0",)))] if op in ("<", ">") else _x_range(None, None, None, ())
    if patch is not None:
        return [_Comparator(op, Version.of(major, minor, patch, pre))]
    if op == ">":
        return [_Comparator(">=", _upper(major, minor))]
    if op == ">=":
        return [_Comparator(">=", Version.of(major, minor or 0, 0))]
    if op == "<":
        return [_Comparator("<", Version.of(major, minor or 0, 0, ("0",)))]
    return [_Comparator("<", _upper(major, minor))]  # <=


def _hyphen(low_text, high_text, whole):
    lmaj, lmin, lpat, lpre = _partial(low_text, whole)
    hmaj, hmin, hpat, hpre = _partial(high_text, whole)
    out = [_Comparator(">=", Version.of(lmaj or 0, lmin or 0, lpat or 0, lpre))]
    if hmaj is None:
        return out
    if hpat is not None:
        return out + [_Comparator("<=", Version.of(hmaj, hmin, hpat, hpre))]
    return out + [_Comparator("<", _upper(hmaj, hmin))]


_BUILDERS = {None: _x_range, "=": _x_range, "~": _tilde, "~>": _tilde, "^": _caret}


def _comparator_set(text, whole):
    text = text.strip()
    hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", text)
    if hyphen:
        return _hyphen(hyphen.group(1), hyphen.group(2), whole)
    # "> =1.0" and ">= 1.0" both mean ">=1.0": glue an operator to the version after it
    tokens = re.sub(r"(<=|>=|<|>|=|~>|~|\^)\s+", r"\1", text).split()
    out = []
    for token in tokens or ["*"]:
        op, rest = _OPERATOR.match(token).groups()
        parts = _partial(rest, whole)
        builder = _BUILDERS.get(op)
        out.extend(builder(*parts) if builder else _primitive(op, *parts))
    return out


class Requirement:
    """An NPM-style range; `satisfied_by(version)`; `str()` gives back the text it was built from."""

    def __init__(self, text):
        self.text = str(text if text is not None else "").strip()
        self.sets = [_comparator_set(alt, self.text) for alt in (self.text.split("||") if self.text else [""])]

    def satisfied_by(self, version):
        if not isinstance(version, Version):
            version = Version(version)
        for comparators in self.sets:
            if all(c.test(version) for c in comparators) and self._prerelease_allowed(comparators, version):
                return True
        return False

    @staticmethod
    def _prerelease_allowed(comparators, version):
        if not version.prerelease:
            return True
        return any(c.version.prerelease and c.version.prerelease != ("0",) and c.version.core == version.core
                   for c in comparators)

    def __str__(self):
        return self.text

    def __repr__(self):
        return "Requirement(%r)" % self.text


def best(versions, requirements):
    """The newest of `versions` that satisfies every Requirement in `requirements`, else None."""
    fitting = [v for v in versions if all(r.satisfied_by(v) for r in requirements)]
    return max(fitting) if fitting else None
