"""Lambda rules: the package holds the handler; sizes make sense; references are complete."""
import ast
import os
import re

from gg_manager.spec.repository import is_inside
from gg_manager.spec.rules.packages import outside_repository
from gg_manager.spec.rules.python2 import python2_hint

REQUIREMENT_RE = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?"
    r"(\s*(==|>=|<=|~=|!=|<|>)\s*[A-Za-z0-9.*+!_-]+(\s*,\s*(==|>=|<=|~=|!=|<|>)\s*[A-Za-z0-9.*+!_-]+)*)?$")
MB_LOOKING = 2048          # KB: below this, MemorySize was probably written in MB
MAX_PLAUSIBLE_KB = 16 * 1024 * 1024
MAX_HANDLER_BYTES = 10 * 1024 * 1024


def check_lambdas(view, reporter, spec_dir):
    for item in view.items("Lambdas"):
        data = item.data
        has_handler, has_package = "handler" in data, "package" in data
        if has_handler != has_package:
            missing = "package" if has_handler else "handler"
            reporter.error(item.path, "Lambda %r needs both 'handler' and 'package' (or neither, to "
                           "use an existing Lambda); %r is missing" % (data.get("name"), missing))
        elif has_handler and isinstance(data.get("handler"), str) and isinstance(data.get("package"), str):
            _check_handler(item, reporter, spec_dir)
        if not has_package and "requirements" in data:
            reporter.error(item.path + ("requirements",), "requirements apply only to a Lambda gg "
                           "packages (one with 'package')")
        for i, req in enumerate(data.get("requirements") or []):
            if isinstance(req, str) and not REQUIREMENT_RE.match(req.strip()):
                reporter.error(item.path + ("requirements", i), "not a requirement specifier: %r "
                               "(e.g. 'requests==2.31.0')" % req)
        _check_memory(item, reporter)


def _check_memory(item, reporter):
    config = item.data.get("greengrassConfig") or {}
    memory = config.get("MemorySize")
    if not isinstance(memory, int) or isinstance(memory, bool):
        return
    path = item.path + ("greengrassConfig", "MemorySize")
    if memory < MB_LOOKING:
        reporter.warning(path, "MemorySize is in KB: %d KB looks like a value in MB; did you mean %d "
                         "(%d MB)?" % (memory, memory * 1024, memory))
    elif memory > MAX_PLAUSIBLE_KB:
        reporter.warning(path, "MemorySize %d KB is over 16 GB; MemorySize is in KB, not bytes" % memory)


def _check_handler(item, reporter, spec_dir):
    data = item.data
    if outside_repository(data["package"], spec_dir, "package"):
        return  # the package rules report it; nothing outside the repository is read
    package = os.path.normpath(os.path.join(spec_dir, data["package"]))
    if not os.path.isdir(package):
        reporter.error(item.path + ("package",), "package folder %r does not exist" % data["package"])
        return
    module, _, function = data["handler"].rpartition(".")
    rel = module.replace(".", os.sep)
    candidates = [os.path.join(package, rel + ".py"), os.path.join(package, rel, "__init__.py")]
    source = next((c for c in candidates if os.path.isfile(c) and is_inside(c, package)), None)
    hpath = item.path + ("handler",)
    if source is None:
        reporter.error(hpath, "handler module %r not found in %s (looked for %s)"
                       % (module, data["package"], " and ".join(os.path.relpath(c, spec_dir)
                                                               for c in candidates)))
        return
    try:
        with open(source, "rb") as f:
            tree = ast.parse(f.read(MAX_HANDLER_BYTES), filename=source)
    except SyntaxError as exc:
        _report_syntax_error(item, exc, source, reporter, spec_dir)
        return
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        reporter.error(hpath, "%s cannot be parsed as Python: %s"
                       % (os.path.relpath(source, spec_dir), exc.__class__.__name__))
        return
    if function not in _top_level_names(tree):
        reporter.error(hpath, "function %r is not defined at the top level of %s"
                       % (function, os.path.relpath(source, spec_dir)))


def _report_syntax_error(item, exc, source, reporter, spec_dir):
    shown = os.path.relpath(source, spec_dir)
    hint = python2_hint(exc)
    if hint is None:
        reporter.error(item.path + ("handler",), "%s has a syntax error at line %s: %s"
                       % (shown, exc.lineno, exc.msg))
        return
    where = os.path.normpath(os.path.join(os.path.dirname(reporter.file), shown))
    reporter.in_file(where, exc.lineno or 1, exc.offset or 1, item.path, hint)


def _top_level_names(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names
