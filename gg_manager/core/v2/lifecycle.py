"""A component's (interpolated) Lifecycle section as steps the runner can execute.

Step names and keys are case-insensitive, as in the nucleus: Install, Run, Startup, Shutdown,
Recover; a step is a script string or {Script, Skipif, Timeout, RequiresPrivilege, Setenv}.
Setenv at the Lifecycle level applies to every step, a step's own Setenv overrides it.
Default timeouts: install and startup 120 s, shutdown 15 s, recover 60 s, run none.
Skipif: `onpath CMD` or `exists PATH`, `!` negates; anything else is an invalid step.
"""
import os
import re
import shutil
from dataclasses import dataclass, field
from typing import Dict, Optional

DEFAULT_TIMEOUTS = {"install": 120, "startup": 120, "shutdown": 15, "recover": 60, "run": None}
KNOWN_STEPS = ("install", "run", "startup", "shutdown", "recover")
_SKIPIF = re.compile(r"^(exists|onpath) +(.+)$")


class InvalidStep(ValueError):
    pass


@dataclass
class Step:
    name: str
    script: str
    timeout: Optional[float]
    skipif: Optional[str] = None
    requires_privilege: bool = False
    setenv: Dict[str, str] = field(default_factory=dict)

    def should_skip(self, path_env=None):
        """True when skipif says so; InvalidStep when skipif is not `[!](exists|onpath) ARG`."""
        if self.skipif is None:
            return False
        expr = str(self.skipif).strip()
        negate = expr.startswith("!")
        match = _SKIPIF.match(expr[1:].strip() if negate else expr)
        if not match:
            raise InvalidStep("%s: skipif %r is not 'exists PATH' or 'onpath COMMAND'" % (self.name, self.skipif))
        kind, arg = match.group(1), match.group(2).strip()
        if kind == "onpath":
            found = shutil.which(arg, path=path_env) is not None
        else:
            found = os.path.exists(os.path.expanduser(arg))
        return found != negate


def _fold(mapping):
    return {str(k).lower(): v for k, v in (mapping or {}).items()} if isinstance(mapping, dict) else {}


def _truthy(value):
    return value is True or str(value).lower() == "true"


def _env(mapping):
    return {str(k): "" if v is None else _text(v) for k, v in (mapping or {}).items()} if isinstance(mapping, dict) else {}


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _timeout(name, raw):
    if raw is None:
        return DEFAULT_TIMEOUTS.get(name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidStep("%s: timeout %r is not a number of seconds" % (name, raw)) from None
    if value <= 0:
        raise InvalidStep("%s: timeout must be > 0 seconds" % name)
    return value


class Lifecycle:
    """steps: {name: Step}; setenv: the Lifecycle-level environment."""

    def __init__(self, section):
        folded = _fold(section)
        self.setenv = _env(folded.get("setenv"))
        self.steps = {}
        self.invalid = {}
        for name in KNOWN_STEPS:
            raw = folded.get(name)
            if raw is None:
                continue
            try:
                self.steps[name] = self._step(name, raw)
            except InvalidStep as exc:
                self.invalid[name] = str(exc)
        self.unknown = sorted(k for k in folded if k not in KNOWN_STEPS + ("setenv",))

    @staticmethod
    def _step(name, raw):
        if not isinstance(raw, dict):
            return Step(name, _text(raw), DEFAULT_TIMEOUTS.get(name))
        body = _fold(raw)
        script = body.get("script")
        if script is None or isinstance(script, (dict, list)):
            raise InvalidStep("%s: the step has no Script" % name)
        return Step(name, _text(script), _timeout(name, body.get("timeout")), body.get("skipif"),
                    _truthy(body.get("requiresprivilege")), _env(body.get("setenv")))

    def get(self, name):
        """The Step, None when the recipe has none; InvalidStep when the recipe's step is malformed."""
        if name in self.invalid:
            raise InvalidStep(self.invalid[name])
        return self.steps.get(name)

    def environment(self, step):
        env = dict(self.setenv)
        env.update(step.setenv if step else {})
        return env
