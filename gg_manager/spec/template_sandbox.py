"""The jinja2 environment a spec renders in: sandboxed, bounded, and tracking sensitive values.

A spec comes from pull requests, so its template is untrusted code:
- `ImmutableSandboxedEnvironment`: no attribute starting with '_' (so no
  `cycler.__init__.__globals__`), no internal attributes of functions, frames or
  generators, no mutation of lists and dicts handed in; `{% include %}`,
  `{% import %}` and `{% extends %}` cannot read any file.
- Bounds: an integer argument of a call or filter is at most MAX_INT_ARGUMENT; every
  value going into or coming out of an operator (`*`, `+`, `%`, `**`, `~`), a call,
  a filter or the output is at most MAX_VALUE_LEN items (characters of strings plus
  elements of lists and mappings, shared parts counted each time they appear, as
  printing them would); the rendered text is at most MAX_OUTPUT_CHARS, and the
  render at most RENDER_SECONDS (a timer in the main thread, checked between Python
  steps; elsewhere the caller's own timeout applies). `lipsum` is not offered.
- Taint: a value derived from a SensitiveStr (an allowed environment variable, or
  anything through `| sensitive`) by a call, filter, operator or subscript stays
  sensitive; whatever sensitive text reaches the output is recorded in
  `environment.sensitive_values`.
"""
import contextlib
import functools
import re
import signal
import threading
import time

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, inspect_format_method

from gg_manager.spec.sensitive import SensitiveStr, is_sensitive

MAX_INT_ARGUMENT = 1_000_000
MAX_VALUE_LEN = 1_000_000
MAX_OUTPUT_CHARS = 4 * 1024 * 1024
RENDER_SECONDS = 10.0
_MAX_POWER_BITS = 100_000
# a width or precision of five digits or more in a %-format or str.format spec
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(\d{5,}|\*)|%[-+ #0]*\d*\.(\d{5,}|\*)|\{[^{}]*:[^{}]*\d{5,}[^{}]*\}")


class TemplateLimit(Exception):
    """A template went past one of the sandbox's bounds."""


class NoIncludes(jinja2.BaseLoader):
    """Every name is missing: a spec template cannot include, import or extend a file."""

    def get_source(self, environment, template):
        raise jinja2.TemplateNotFound(template, "a spec template cannot include, import or "
                                                "extend other files (%r)" % template)


def _contains_sensitive(value, depth=0):
    if is_sensitive(value):
        return True
    if depth > 4:
        return False
    if isinstance(value, dict):
        return any(_contains_sensitive(k, depth + 1) or _contains_sensitive(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_contains_sensitive(v, depth + 1) for v in value)
    return False


def _number(value):
    text = str(value)
    return text if len(text) <= 20 else "a %d-digit number" % len(text)


def _check_int(value, what):
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT_ARGUMENT:
        raise TemplateLimit("%s %s is larger than a template may use (%d)"
                            % (what, _number(value), MAX_INT_ARGUMENT))


def _check_size(*values):
    """Raise TemplateLimit when `values` together would print as more than MAX_VALUE_LEN items."""
    stack, total = list(values), 0
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            total += len(value)
            stack.extend(value)
        elif isinstance(value, dict):
            total += len(value)
            stack.extend(value.keys())
            stack.extend(value.values())
        else:
            total += 1
        if total > MAX_VALUE_LEN:
            raise TemplateLimit("a value of more than %d items is larger than a template may "
                                "build" % MAX_VALUE_LEN)
    return values[0] if len(values) == 1 else values


def _check_format(text):
    if isinstance(text, str) and _WIDE_FORMAT.search(text):
        raise TemplateLimit("a format width or precision of 10000 or more (or '*') is not allowed "
                            "in a template")


class _BoundedConcat(CodeGenerator):
    """`a ~ b` calls environment.concat_values, so concatenation is bounded and tainted too."""

    def visit_Concat(self, node, frame):
        self.write("environment.concat_values((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class SpecSandbox(ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment with size bounds and sensitive-value tracking."""

    intercepted_binops = frozenset(["*", "%", "**", "+"])
    code_generator_class = _BoundedConcat

    def __init__(self):
        super().__init__(loader=NoIncludes(), undefined=jinja2.StrictUndefined,
                         keep_trailing_newline=True, autoescape=False, finalize=self._finalize)
        self.sensitive_values = set()
        self.globals.pop("lipsum", None)
        self.filters = {name: self._bounded_filter(name, f) for name, f in self.filters.items()}
        self.filters["sensitive"] = self._mark_sensitive

    # -- taint -------------------------------------------------------------------------------
    def _taint(self, result, depth=0):
        """`result` of an operation on sensitive input: sensitive itself."""
        if isinstance(result, str):
            return SensitiveStr(result)
        if isinstance(result, (list, tuple)) and depth < 4:
            return type(result)(self._taint(v, depth + 1) for v in result)
        if isinstance(result, dict) and depth < 4:
            return {k: self._taint(v, depth + 1) for k, v in result.items()}
        if isinstance(result, (int, float)) and not isinstance(result, bool):
            self.sensitive_values.add(str(result))
        return result

    def _record(self, value, depth=0):
        if is_sensitive(value):
            self.sensitive_values.add(str(value))
        elif depth < 4 and isinstance(value, dict):
            for k, v in value.items():
                self._record(k, depth + 1)
                self._record(v, depth + 1)
        elif depth < 4 and isinstance(value, (list, tuple, set, frozenset)):
            for v in value:
                self._record(v, depth + 1)

    def _finalize(self, value):
        _check_size(value)
        self._record(value)
        return value

    def concat_values(self, values):
        _check_size(*values)
        result = _check_size("".join(str(v) for v in values))
        return self._taint(result) if _contains_sensitive(values) else result

    def _mark_sensitive(self, value):
        if isinstance(value, str):
            self.sensitive_values.add(str(value))
            return SensitiveStr(value)
        if value is not None and not isinstance(value, bool):
            self.sensitive_values.add(str(value))
        return value

    # -- bounded operations ----------------------------------------------------------------------
    def _bounded_filter(self, name, func):
        skip = 1 + (1 if getattr(func, "jinja_pass_arg", None) is not None else 0)

        @functools.wraps(func)
        def bounded(*args, **kwargs):
            _check_size(*args[skip - 1:], *kwargs.values())
            for arg in list(args[skip:]) + list(kwargs.values()):
                _check_int(arg, "argument")
            if name == "format" and len(args) >= skip:
                _check_format(args[skip - 1])
            result = _check_size(func(*args, **kwargs))
            return self._taint(result) if _contains_sensitive(args + tuple(kwargs.values())) \
                else result
        return bounded

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's signature)
        fmt = inspect_format_method(__obj)
        _check_size(*args, *kwargs.values(), getattr(__obj, "__self__", None))
        if fmt is not None:
            _check_format(fmt)
        else:
            for arg in list(args) + list(kwargs.values()):
                _check_int(arg, "argument")
        result = _check_size(super().call(__context, __obj, *args, **kwargs))
        inputs = args + tuple(kwargs.values()) + (getattr(__obj, "__self__", None),)
        return __self._taint(result) if _contains_sensitive(inputs) else result

    def call_binop(self, context, operator, left, right):
        _check_size(left, right)
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) \
                        and len(seq) * count > MAX_VALUE_LEN:
                    raise TemplateLimit("repeating %d items %d times is larger than a template may "
                                        "build (%d)" % (len(seq), count, MAX_VALUE_LEN))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and abs(right) * max(abs(left).bit_length(), 1) > _MAX_POWER_BITS:
            raise TemplateLimit("%s ** %s is larger than a template may compute"
                                % (_number(left), _number(right)))
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
        result = _check_size(super().call_binop(context, operator, left, right))
        return self._taint(result) if _contains_sensitive((left, right)) else result

    def getitem(self, obj, argument):
        value = super().getitem(obj, argument)
        return self._taint(value) if is_sensitive(obj) else value


@contextlib.contextmanager
def deadline(seconds):
    """Raise TemplateLimit in the main thread after `seconds`.

    An interval timer already running (a test runner's watchdog) is suspended and
    re-armed with its remaining time afterwards; when it would fire first, it is left
    alone and bounds the render itself.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    outer_left, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield
        return
    started = time.monotonic()

    def expire(signum, frame):
        raise TemplateLimit("rendering took longer than %g s" % seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            left = max(outer_left - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)


def render_bounded(environment, text, name, context):
    """Compile and render `text` (named `name` for error lines), output size bounded."""
    code = environment.compile(text, name=name, filename=name)
    template = environment.template_class.from_code(environment, code,
                                                    environment.make_globals(None), None)
    out, size = [], 0
    with deadline(RENDER_SECONDS):
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateLimit("the rendered spec is larger than %d MiB"
                                    % (MAX_OUTPUT_CHARS // (1024 * 1024)))
            out.append(chunk)
    return "".join(out)
