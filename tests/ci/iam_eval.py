"""A small evaluator of IAM identity policies: the features examples/ci's policies use, as the IAM User
Guide's policy evaluation logic describes them (no PyPI simulator is maintained that evaluates
condition keys and permissions boundaries offline; AWS's own SimulatePrincipalPolicy needs an account).

Covered: Effect Allow/Deny (an explicit Deny wins; nothing allowed is denied), Action/NotAction
(case-insensitive, `*`/`?` wildcards), Resource/NotResource (wildcards, policy variables such as
`${aws:PrincipalAccount}`), Condition with String(Not)Equals, String(Not)Like, Arn(Not)Equals,
Arn(Not)Like, Bool, Null and the IfExists forms (several values: any; several keys and operators:
all; a key missing from the request: no match, except for negated operators and IfExists), and a
permissions boundary (a request must be allowed by the identity policies and by the boundary).
Not covered (the policies here use none of them): resource-based policies, SCPs, session policies,
ForAllValues/ForAnyValue, numeric and date operators.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, Optional

_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class Request:
    action: str                                   # "iam:CreateRole"
    resource: str                                 # an ARN, or "*" for actions with no resource
    context: Dict[str, str] = field(default_factory=dict)   # condition keys the request carries

    def key(self, name) -> Optional[str]:
        wanted = name.lower()
        return next((v for k, v in self.context.items() if k.lower() == wanted), None)


def _listed(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _glob(pattern, value, ignore_case=False):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _substitute(text, request):
    """Policy variables from the request's context; None when one is missing (nothing then matches)."""
    missing = []

    def value(found):
        got = request.key(found.group(1))
        if got is None:
            missing.append(found.group(1))
            return ""
        return got
    out = _VARIABLE.sub(value, text)
    return None if missing else out


def _matches_any(patterns, value, request, ignore_case=False, arn=False):
    for pattern in patterns:
        pattern = _substitute(pattern, request)
        if pattern is None:
            continue
        if arn and pattern != "*" and _arn_like(pattern, value):
            return True
        if (not arn or pattern == "*") and _glob(pattern, value, ignore_case):
            return True
    return False


def _arn_like(pattern, value):
    """ARN matching: each of the six colon-separated parts on its own (wildcards stay in their part)."""
    parts, values = pattern.split(":", 5), value.split(":", 5)
    return len(parts) == len(values) == 6 and all(_glob(p, v) for p, v in zip(parts, values))


OPERATORS = {
    "StringEquals": lambda p, v: p == v,
    "StringLike": lambda p, v: _glob(p, v),
    "ArnEquals": lambda p, v: p == v,
    "ArnLike": _arn_like,
    "Bool": lambda p, v: str(p).lower() == str(v).lower(),
}
NEGATED = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals",
           "ArnNotLike": "ArnLike"}


def _condition_holds(operator, key, expected, request):
    if_exists = operator.endswith("IfExists")
    base = operator[:-len("IfExists")] if if_exists else operator
    actual = request.key(key)
    if base == "Null":
        return any(str(e).lower() == ("true" if actual is None else "false") for e in _listed(expected))
    if actual is None:
        return if_exists or base in NEGATED
    positive = NEGATED.get(base, base)
    if positive not in OPERATORS:
        raise ValueError("condition operator %s is not evaluated here" % operator)
    hit = False
    for pattern in _listed(expected):
        pattern = _substitute(str(pattern), request)
        if pattern is not None and OPERATORS[positive](pattern, actual):
            hit = True
    return not hit if base in NEGATED else hit


def statement_applies(statement, request) -> bool:
    if "Action" in statement:
        if not _matches_any(_listed(statement["Action"]), request.action, request, ignore_case=True):
            return False
    elif _matches_any(_listed(statement.get("NotAction")), request.action, request, ignore_case=True):
        return False
    if "Resource" in statement:
        if not _matches_any(_listed(statement["Resource"]), request.resource, request, arn=True):
            return False
    elif _matches_any(_listed(statement.get("NotResource")), request.resource, request, arn=True):
        return False
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, expected in keys.items():
            if not _condition_holds(operator, key, expected, request):
                return False
    return True


def _statements(policy):
    found = policy.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def decision(policies, request, boundary=None) -> str:
    """"allowed", "denied" (an explicit Deny) or "not allowed" (no Allow: the implicit deny)."""
    every = [s for p in policies for s in _statements(p)] + (_statements(boundary) if boundary else [])
    if any(s["Effect"] == "Deny" and statement_applies(s, request) for s in every):
        return "denied"
    allowed = any(s["Effect"] == "Allow" and statement_applies(s, request) for p in policies for s in _statements(p))
    if allowed and boundary is not None:
        allowed = any(s["Effect"] == "Allow" and statement_applies(s, request) for s in _statements(boundary))
    return "allowed" if allowed else "not allowed"


def allowed_actions(policy):
    """Every action an Allow statement names (wildcards as written)."""
    return sorted({a for s in _statements(policy) if s["Effect"] == "Allow" for a in _listed(s.get("Action"))})
