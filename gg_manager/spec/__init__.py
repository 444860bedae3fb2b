"""greengrass.yaml -> read (bounded) -> render (sandboxed jinja2) -> parse (bounded, with marks)
-> validate -> Spec.

`load_spec` is the one entry point; it never raises for a problem in the file:
it returns the diagnostics, each with a location, and a Spec only when valid.
Diagnostics never show a sensitive value: they are redacted here, and
`LoadResult.sensitive` lists those values for every other output (plans, logs).
"""
import os
from dataclasses import dataclass, field, replace
from typing import FrozenSet, List, Optional

from gg_manager.spec.build import build_group
from gg_manager.spec.diagnostics import Diagnostic, Reporter
from gg_manager.spec.groups import expand_gpu, expand_models, group_views, override_target
from gg_manager.spec.model import TARGETS, Spec
from gg_manager.spec.render import check_env_names, load_variables, render
from gg_manager.spec.rules import run_rules
from gg_manager.spec.schema import load_schema, report_schema_errors
from gg_manager.spec.sensitive import redact
from gg_manager.spec.source import SourceError, read_source
from gg_manager.spec.yaml_marks import parse_yaml

# What a malformed spec may trip in code that assumes the schema held; its schema error stands.
MALFORMED = (TypeError, AttributeError, KeyError, ValueError, IndexError)


@dataclass
class LoadResult:
    spec: Optional[Spec]
    diagnostics: List[Diagnostic]
    sensitive: FrozenSet[str] = field(default_factory=frozenset)

    @property
    def errors(self):
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self):
        return self.spec is not None


def load_spec(path: str, variables: Optional[dict] = None, environ=None, env_names=(), target=None) -> LoadResult:
    """Load `path`. `env_names`: the environment variables the template may read (--env);
    `environ`: where to read them (default os.environ); `target`: "v1" or "v2" for every group,
    whatever the file says (`--target`)."""
    reporter = Reporter(path)
    try:
        text = read_source(path)
    except SourceError as exc:
        reporter.at(1, 1, (), str(exc))
        return LoadResult(None, reporter.items)
    return load_spec_text(text, path, variables, environ, reporter, env_names, target)


def load_spec_text(text, path, variables=None, environ=None, reporter=None, env_names=(), target=None) -> LoadResult:
    if target is not None and target not in TARGETS:
        raise ValueError("target must be one of %s, got %r" % (", ".join(TARGETS), target))
    reporter = reporter or Reporter(path)
    rendered = render(text, path, variables or {}, reporter, environ, check_env_names(env_names))
    spec = None
    if rendered.text is not None:
        spec = _parse_and_check(rendered.text, path, reporter, target)
    return _result(spec, reporter, rendered.sensitive)


def _result(spec, reporter, sensitive):
    diagnostics = [_redacted(d, sensitive) for d in reporter.sorted()]
    return LoadResult(spec if not reporter.errors else None, diagnostics, frozenset(sensitive))


def _redacted(diag, sensitive):
    if not sensitive:
        return diag
    path = tuple(redact(p, sensitive) if isinstance(p, str) else p for p in diag.path)
    return replace(diag, message=redact(diag.message, sensitive), path=path)


def _parse_and_check(text, path, reporter, target=None):
    data = parse_yaml(text, reporter)
    if data is None:
        return None
    if not isinstance(data, dict):
        reporter.error((), "the spec must be a mapping with 'Group' (or 'Groups') at the top")
        return None
    report_schema_errors(data, load_schema(), reporter)
    views = _views(data, reporter)
    if target is not None:
        override_target(views, target)
    spec_dir = os.path.dirname(os.path.abspath(path))
    run_rules(views, reporter, spec_dir)
    if reporter.errors:
        return None
    return Spec(path, tuple(build_group(v, spec_dir, reporter.where) for v in views))


def _views(data, reporter):
    """Group views with shorthands expanded; none when malformed data trips them (the schema
    has reported why)."""
    try:
        views = group_views(data, reporter)
        for view in views:
            expand_gpu(view)
            expand_models(view)
        return views
    except MALFORMED:
        if not reporter.errors:
            raise
        return []


__all__ = ["load_spec", "load_spec_text", "load_variables", "LoadResult", "Spec"]
