"""Component versions: immutable semver, content-addressed by a digest gg stamps on each version.

A component version can never change, so gg never rewrites one: the content of
a version (the CreateComponentVersion request without its version number) is
hashed, and

- identical content reuses the version that already carries that digest (no
  write at all);
- new content gets the next patch version after the highest existing one
  (1.0.0 first), so versions read as a history: 1.0.0, 1.0.1, 1.0.2, ...

How discovery tells versions apart cheaply: every version gg creates carries
the digest twice,

- as the tag `gg:content-sha256` (CreateComponentVersion `tags`), which
  DescribeComponent returns for one version; this works for both kinds of
  component, including those imported from a Lambda function, whose recipe
  AWS writes (the lambdaFunction source has no description field);
- in the recipe's ComponentDescription for components gg writes itself
  (models), which ListComponents returns for each component's latest version:
  one paged list call proves that no model changed, with no per-component read.

The digest is over canonical JSON (sorted keys, no whitespace), so the order in
which a spec lists things does not churn versions. Versions are allocated for
all wanted contents of a component at once, in digest order, so one plan that
needs two new contents of the same component (two groups configuring a shared
Lambda differently) gets two distinct, reproducible versions.
"""
import hashlib
import json
import re
from typing import Dict, Iterable, Mapping, Optional

DIGEST_TAG = "gg:content-sha256"
FIRST_VERSION = "1.0.0"
_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_DESCRIPTION_DIGEST = re.compile(r"\bsha256:([0-9a-f]{64})\b")


def content_digest(content) -> str:
    """Hex SHA-256 of a JSON-ready value in canonical form."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_version(text: str):
    """(major, minor, patch) of a plain semantic version; ValueError for anything else."""
    match = _VERSION.match(text or "")
    if not match:
        raise ValueError("%r is not a MAJOR.MINOR.PATCH version" % (text,))
    return tuple(int(g) for g in match.groups())


def next_patch(versions: Iterable[str]) -> str:
    """The patch after the highest plain semver in `versions` (others ignored); 1.0.0 if none."""
    parsed = []
    for v in versions:
        try:
            parsed.append(parse_version(v))
        except ValueError:
            continue
    if not parsed:
        return FIRST_VERSION
    major, minor, patch = max(parsed)
    return "%d.%d.%d" % (major, minor, patch + 1)


def allocate_versions(existing: Mapping[str, Optional[str]], wanted: Iterable[str]) -> Dict[str, str]:
    """digest -> version for every wanted digest of one component.

    `existing` maps each version AWS has to the digest it carries (None when it
    carries none, e.g. a version made outside gg: never reused, never reissued).
    """
    by_digest = {}
    for version, digest in sorted(existing.items(), key=lambda kv: _sort_key(kv[0])):
        if digest and digest not in by_digest:
            by_digest[digest] = version
    taken = list(existing)
    out = {}
    for digest in sorted(set(wanted)):
        if digest in by_digest:
            out[digest] = by_digest[digest]
        else:
            version = next_patch(taken)
            taken.append(version)
            out[digest] = version
    return out


def _sort_key(version):
    try:
        return (0, parse_version(version))
    except ValueError:
        return (1, (0, 0, 0))


def describe(what: str, digest: str) -> str:
    """A recipe ComponentDescription that carries the digest: '<what> (gg, sha256:<hex>)'."""
    return "%s (gg, sha256:%s)" % (what, digest)


def digest_in_description(description: Optional[str]) -> Optional[str]:
    """The digest `describe` put in a description, or None."""
    match = _DESCRIPTION_DIGEST.search(description or "")
    return match.group(1) if match else None


def digest_in_tags(tags: Optional[Mapping[str, str]]) -> Optional[str]:
    value = (tags or {}).get(DIGEST_TAG)
    return value if value and re.fullmatch(r"[0-9a-f]{64}", value) else None
