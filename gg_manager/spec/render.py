"""Render greengrass.yaml as a jinja2 template before parsing.

Variables: `--values FILE` (YAML mappings, later files win), then `--var k=v`
(win over files). Environment variables reach the template only when named on
the command line with `--env NAME`, as `env.NAME`; the spec itself cannot widen
that (a pull request could otherwise add itself to an allow-list). Values from
the environment, and anything passed through `| sensitive`, are sensitive: they
come back in `RenderResult.sensitive` for redaction. Undefined variables are
errors, so one spec can serve dev, staging and production without silent blanks.
The template runs sandboxed (template_sandbox.py).
"""
import os
import re
from dataclasses import dataclass
from typing import FrozenSet, Optional

import jinja2

from gg_manager.errors import GGError
from gg_manager.spec.diagnostics import Reporter
from gg_manager.spec.sensitive import SensitiveStr
from gg_manager.spec.template_sandbox import SpecSandbox, TemplateLimit, render_bounded

ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_NAMES = ("env",)


@dataclass(frozen=True)
class RenderResult:
    text: Optional[str]
    sensitive: FrozenSet[str]


def load_variables(var_args=(), values_files=()) -> dict:
    """Merge --values files then --var key=value pairs; bad input raises GGError."""
    from gg_manager.spec.source import load_values_file
    variables = {}
    for path in values_files:
        variables.update(load_values_file(path))
    for item in var_args:
        if "=" not in item:
            raise GGError("--var %r: expected key=value" % item)
        key, value = item.split("=", 1)
        variables[key.strip()] = value
    reserved = [k for k in variables if k in RESERVED_NAMES]
    if reserved:
        raise GGError("the template variable name %r is reserved (environment variables are "
                      "env.NAME, allowed with --env NAME)" % reserved[0])
    return variables


def check_env_names(names) -> tuple:
    """The --env names, checked; a bad one raises GGError."""
    for name in names:
        if not ENV_NAME_RE.match(name or ""):
            raise GGError("--env %r: expected an environment variable name (letters, digits, '_')"
                          % (name,))
    return tuple(names)


class AllowedEnv(dict):
    """`env` in a template: only the allowed, set variables; any other name is undefined with
    a hint saying how to allow it."""

    def __init__(self, values, allowed, undefined):
        super().__init__(values)
        self._allowed, self._undefined = frozenset(allowed), undefined

    def __missing__(self, name):
        if name in self._allowed:
            hint = "environment variable %s is not set" % name
        else:
            hint = ("environment variable %s is not passed to templates: allow it with --env %s "
                    "(its value is then treated as sensitive)" % (name, name))
        return self._undefined(hint=hint, name=name)


def _env_values(env_names, environ):
    source = os.environ if environ is None else environ
    return {n: SensitiveStr(source[n]) for n in env_names if n in source}


def _template_line(exc, name):
    """The template line an exception was raised at, from jinja's rewritten traceback."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line or 1


def render(text: str, name: str, variables: dict, reporter: Reporter, environ=None,
           env_names=()) -> RenderResult:
    """Render `text`; report template errors at their line (text None then)."""
    sandbox = SpecSandbox()
    values = _env_values(env_names, environ)
    sandbox.sensitive_values.update(str(v) for v in values.values())
    context = dict(variables)
    context["env"] = AllowedEnv(values, env_names, sandbox.undefined)
    rendered = None
    try:
        rendered = render_bounded(sandbox, text, name, context)
    except jinja2.TemplateSyntaxError as exc:
        reporter.at(exc.lineno or 1, 1, (), "template error: %s" % exc.message)
    except jinja2.UndefinedError as exc:
        reporter.at(_template_line(exc, name), 1, (),
                    "template error: %s%s" % (exc.message, _undefined_help(exc.message)))
    except jinja2.exceptions.SecurityError as exc:
        reporter.at(_template_line(exc, name), 1, (),
                    "template error: %s (spec templates run sandboxed: no private attributes, "
                    "no Python internals)" % exc)
    except jinja2.TemplateNotFound as exc:
        reporter.at(_template_line(exc, name), 1, (), "template error: %s" % exc.message)
    except (TemplateLimit, MemoryError, RecursionError) as exc:
        reporter.at(_template_line(exc, name), 1, (), "template error: %s" % (
            exc if isinstance(exc, TemplateLimit) else "the template needs too much memory or "
                                                       "recursion"))
    except Exception as exc:  # a filter or expression failing at render time
        reporter.at(_template_line(exc, name), 1, (), "template error: %s" % exc)
    return RenderResult(rendered, frozenset(v for v in sandbox.sensitive_values if v))


def _undefined_help(message):
    if "environment variable" in (message or ""):
        return ""
    return " (pass it with --var or --values)"
