"""Lambda runtimes under Greengrass V2: one that AWS Lambda still lets you create.

Greengrass V2 imports a Lambda component from a published function version, so
the function has to exist in AWS Lambda first, and AWS Lambda refuses to create
functions on runtimes past their "block function create" date (python3.8
since 2025-02-28). python3.9 is deprecated (no security patches since
2025-12-15) but, as of this writing, still accepted: a warning, not an error.
Greengrass itself adds no restriction: it runs any runtime Lambda supports.
"""
import re
from typing import Optional, Tuple

DEFAULT_RUNTIME = "python3.11"
# runtimes AWS Lambda no longer creates functions on, with when it stopped
BLOCKED = {
    "python2.7": "years ago",
    "python3.6": "years ago",
    "python3.7": "in 2024",
    "python3.8": "on 2025-02-28",
}
# deprecated (unpatched) but still accepted by CreateFunction, with the deprecation date
DEPRECATED = {"python3.9": "2025-12-15"}
_PYTHON = re.compile(r"^python3\.(\d+)$")


def runtime_problem(runtime: Optional[str]) -> Optional[Tuple[str, str]]:
    """(severity, message) when `runtime` is a problem under Greengrass V2, else None.

    severity is "error" (AWS Lambda would refuse the function) or "warning".
    `runtime` None means the spec did not say: the V2 default applies.
    """
    if runtime is None:
        return None
    if runtime in BLOCKED:
        return ("error", "runtime %s cannot be used with Target v2: AWS Lambda stopped accepting "
                "new %s functions %s, and Greengrass V2 imports each Lambda from a published "
                "function version. Write 'runtime: %s' (the bundled Lambdas run on it), or "
                "'Target: v1' to keep this group on Greengrass V1"
                % (runtime, runtime, BLOCKED[runtime], DEFAULT_RUNTIME))
    if runtime in DEPRECATED:
        return ("warning", "runtime %s is deprecated by AWS Lambda since %s (no security patches) "
                "and will soon be refused for new functions; prefer 'runtime: %s'"
                % (runtime, DEPRECATED[runtime], DEFAULT_RUNTIME))
    if not _PYTHON.match(runtime):
        return ("error", "runtime %r is not supported by gg: use a Python 3 runtime AWS Lambda "
                "offers, such as %s" % (runtime, DEFAULT_RUNTIME))
    return None


def runtime_for_v2(runtime: Optional[str]) -> str:
    """The runtime a Lambda gets under V2 (the default when the spec names none)."""
    return runtime or DEFAULT_RUNTIME
