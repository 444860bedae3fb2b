"""Render greengrass.yaml as a jinja2 template before parsing.

Variables: `--values FILE` (YAML mappings, later files win), then `--var k=v`
(win over files); environment variables as `env.NAME`. Undefined variables are
errors, so one spec can serve dev, staging and production without silent blanks.
"""
import os

import jinja2
import yaml

from gg_manager.spec.diagnostics import Reporter
from gg_manager.errors import GGError


def load_variables(var_args=(), values_files=()) -> dict:
    """Merge --values files then --var key=value pairs; bad input raises GGError."""
    variables = {}
    for path in values_files:
        try:
            with open(path) as f:
                data = yaml.safe_load(f) or {}
        except OSError as exc:
            raise GGError("cannot read values file %s: %s" % (path, exc.strerror))
        except yaml.YAMLError as exc:
            raise GGError("values file %s is not valid YAML: %s" % (path, exc))
        if not isinstance(data, dict):
            raise GGError("values file %s must hold a mapping of names to values" % path)
        variables.update(data)
    for item in var_args:
        if "=" not in item:
            raise GGError("--var %r: expected key=value" % item)
        key, value = item.split("=", 1)
        variables[key.strip()] = value
    return variables


class _OneTemplate(jinja2.BaseLoader):
    """Serves the spec text under its own file name, so errors carry that name's lines."""

    def __init__(self, name, text):
        self.name, self.text = name, text

    def get_source(self, environment, template):
        return self.text, self.name, lambda: True


def _template_line(exc, name):
    """The template line an exception was raised at, from jinja's rewritten traceback."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line or 1


def render(text: str, name: str, variables: dict, reporter: Reporter, environ=None):
    """Render `text`; report template errors at their line and return None."""
    env = jinja2.Environment(loader=_OneTemplate(name, text), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    context = dict(variables)
    context.setdefault("env", dict(os.environ if environ is None else environ))
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        reporter.at(exc.lineno or 1, 1, (), "template error: %s" % exc.message)
    except jinja2.UndefinedError as exc:
        reporter.at(_template_line(exc, name), 1, (),
                    "template error: %s (pass it with --var, --values or the environment)"
                    % exc.message)
    except Exception as exc:  # a filter or expression failing at render time
        reporter.at(_template_line(exc, name), 1, (), "template error: %s" % exc)
    return None
