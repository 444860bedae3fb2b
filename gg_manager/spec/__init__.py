"""greengrass.yaml -> render (jinja2) -> parse (with marks) -> validate -> Spec.

`load_spec` is the one entry point; it never raises for a problem in the file:
it returns the diagnostics, each with a location, and a Spec only when valid.
"""
import os
from dataclasses import dataclass
from typing import List, Optional

from gg_manager.spec.build import build_group
from gg_manager.spec.diagnostics import Diagnostic, Reporter
from gg_manager.spec.groups import expand_gpu, expand_models, group_views
from gg_manager.spec.model import Spec
from gg_manager.spec.render import load_variables, render
from gg_manager.spec.rules import run_rules
from gg_manager.spec.schema import load_schema, report_schema_errors
from gg_manager.spec.yaml_marks import parse_yaml


@dataclass
class LoadResult:
    spec: Optional[Spec]
    diagnostics: List[Diagnostic]

    @property
    def errors(self):
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self):
        return self.spec is not None


def load_spec(path: str, variables: Optional[dict] = None, environ=None) -> LoadResult:
    reporter = Reporter(path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        reporter.at(1, 1, (), "cannot read spec: %s" % (exc.strerror or exc))
        return LoadResult(None, reporter.items)
    except UnicodeDecodeError as exc:
        reporter.at(1, 1, (), "spec is not UTF-8 text: %s" % exc.reason)
        return LoadResult(None, reporter.items)
    return load_spec_text(text, path, variables, environ, reporter)


def load_spec_text(text, path, variables=None, environ=None, reporter=None) -> LoadResult:
    reporter = reporter or Reporter(path)
    rendered = render(text, path, variables or {}, reporter, environ)
    if rendered is None:
        return LoadResult(None, reporter.sorted())
    data = parse_yaml(rendered, reporter)
    if data is None:
        return LoadResult(None, reporter.sorted())
    if not isinstance(data, dict):
        reporter.error((), "the spec must be a mapping with 'Group' (or 'Groups') at the top")
        return LoadResult(None, reporter.sorted())
    report_schema_errors(data, load_schema(), reporter)
    views = group_views(data, reporter)
    for view in views:
        expand_gpu(view)
        expand_models(view)
    spec_dir = os.path.dirname(os.path.abspath(path))
    run_rules(views, reporter, spec_dir)
    if reporter.errors:
        return LoadResult(None, reporter.sorted())
    spec = Spec(path, tuple(build_group(v, spec_dir) for v in views))
    return LoadResult(spec, reporter.sorted())


__all__ = ["load_spec", "load_spec_text", "load_variables", "LoadResult", "Spec"]
