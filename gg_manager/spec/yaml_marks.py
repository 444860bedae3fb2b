"""YAML parsing that remembers where every key and value came from, with bounds.

Returns plain Python data plus `marks`: path tuple -> ((key_line, key_col),
(value_line, value_col)), 1-based, so any later check can point at the text.

A spec is untrusted input, so the loader is bounded and plain:
- nesting at most MAX_DEPTH levels, at most MAX_ALIASES aliases, at most
  MAX_VALUES values after aliases and merge keys are expanded (a 548-byte
  "billion laughs" stops here at once), no alias inside the node it names;
- only the core types: strings, integers, floats, true/false, null, lists and
  mappings. Unquoted dates stay strings (`2001-01-01` is the text 2001-01-01, as
  in YAML 1.2, which has no timestamp type); any other tag (`!!binary`,
  `!!timestamp`, `!!set`, `!custom`) is a located error.
Every problem is a located diagnostic, never an exception.
"""
import sys

import yaml
from yaml.composer import ComposerError

from gg_manager.spec.diagnostics import Reporter

MAX_DEPTH = 100
MAX_ALIASES = 1000
MAX_VALUES = 200_000

_CORE = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null"))
TIMESTAMP_TAG = _CORE + "timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps, composing within depth, alias and size bounds."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._pairs = 0
        self._open_anchors = set()

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise ComposerError(None, None, "more than %d aliases in one spec" % MAX_ALIASES,
                                    event.start_mark)
            if event.anchor in self._open_anchors:
                raise ComposerError(None, None, "alias *%s refers to a node that contains it"
                                    % event.anchor, event.start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ComposerError(None, None, "nesting deeper than %d levels" % MAX_DEPTH,
                                event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open_anchors.discard(anchor)

    def compose_mapping_node(self, anchor):
        node = super().compose_mapping_node(anchor)
        merged = 0
        for key_node, value_node in node.value:
            if key_node.tag == _CORE + "merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                merged += sum(len(s.value) for s in sources if isinstance(s, yaml.MappingNode))
        if self._pairs + merged > MAX_VALUES:
            raise ComposerError(None, None, "merge keys expand to more than %d values" % MAX_VALUES,
                                node.start_mark)
        explicit = {id(k) for k, _ in node.value if k.tag != _CORE + "merge"}
        self.flatten_mapping(node)  # merged sources were flattened when composed: one level only
        node.value = _drop_overridden(node.value, explicit)
        self._pairs += len(node.value)
        return node


def _drop_overridden(pairs, explicit):
    """Merged pairs whose key comes again later: YAML's merge says the later one wins, so the
    earlier is dropped (two explicit keys stay, to be reported as duplicates)."""
    seen, kept = set(), []
    for key_node, value_node in reversed(pairs):
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
        if id(key_node) not in explicit and key in seen:
            continue
        seen.add(key)
        kept.append((key_node, value_node))
    kept.reverse()
    return kept


def _expanded_size(node, memo, shared):
    """How many values `node` stands for once aliases are expanded (capped past MAX_VALUES);
    nodes reached a second time (through an alias) go into `shared`."""
    known = memo.get(id(node))
    if known is not None:
        shared.add(id(node))
        return known
    total = 1
    if isinstance(node, yaml.MappingNode):
        children = [v for _, v in node.value]
        total += len(node.value)
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = ()
    for child in children:
        total += _expanded_size(child, memo, shared)
        if total > MAX_VALUES:
            break
    memo[id(node)] = total
    return total


def _where_too_big(node, memo, shared, used=0):
    """The mark of the node, in document order, whose aliases take the expansion past
    MAX_VALUES."""
    children = [v for _, v in node.value] if isinstance(node, yaml.MappingNode) else \
        node.value if isinstance(node, yaml.SequenceNode) else ()
    used += 1
    for child in children:
        size = memo.get(id(child), 1)
        if used + size > MAX_VALUES:
            if id(child) in shared:
                return node.start_mark
            return _where_too_big(child, memo, shared, used) if size > 1 else child.start_mark
        used += size
    return node.start_mark


def parse_yaml(text: str, reporter: Reporter):
    """Parse `text`; on a syntax error or a bound report it and return None."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        reporter.at(mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, (),
                    "invalid YAML: " + msg)
        return None
    except yaml.YAMLError as exc:
        reporter.at(1, 1, (), "invalid YAML: %s" % exc)
        return None
    finally:
        loader.dispose()
    if node is None:
        return {}
    memo, shared = {}, set()
    if _expanded_size(node, memo, shared) > MAX_VALUES:
        reporter.at(*_pos(_where_too_big(node, memo, shared)), (), "the document expands to more than "
                    "%d values (aliases or merge keys repeated too often)" % MAX_VALUES)
        return None
    return _Builder(loader, reporter).build(node, (), None)


def _clip(text, limit=40):
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _pos(mark):
    return (mark.line + 1, mark.column + 1)


class _Builder:
    """Plain data from composed nodes (their expanded size was checked before)."""

    def __init__(self, loader, reporter):
        self.loader, self.reporter = loader, reporter

    def build(self, node, path, key_mark):
        self.reporter.marks[path] = (key_mark or _pos(node.start_mark), _pos(node.start_mark))
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, _CORE + "map", path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, _CORE + "seq", path)
            return [self.build(child, path + (i,), None) for i, child in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node, path):
        out = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in out:
                self.reporter.at(*_pos(key_node.start_mark), path + (key,),
                                 "duplicate key %r (YAML keeps only one of them)" % key)
            out[key] = self.build(value_node, path + (key,), _pos(key_node.start_mark))
        return out

    def _key(self, key_node, path):
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag in SCALAR_TAGS:
            key = self._construct(key_node, path)
            if key is not None and not isinstance(key, str):
                key = str(key)
            if isinstance(key, str):
                return key
        self.reporter.at(*_pos(key_node.start_mark), path, "a key must be a plain value")
        return None

    def _scalar(self, node, path):
        if not self._check_tag(node, None, path):
            return node.value
        return self._construct(node, path)

    def _construct(self, node, path):
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as exc:
            reason = str(exc.args[0] if exc.args else exc)
            if "Exceeds the limit" in reason:
                reason = "an integer of more than %d digits" % sys.get_int_max_str_digits()
            self.reporter.at(*_pos(node.start_mark), path, "cannot read %r: %s"
                             % (_clip(node.value), reason))
            return node.value

    def _check_tag(self, node, wanted, path):
        ok = node.tag == wanted if wanted else node.tag in SCALAR_TAGS
        if not ok:
            self.reporter.at(*_pos(node.start_mark), path, "unsupported YAML tag %s (a spec holds "
                             "strings, numbers, true/false, null, lists and mappings)"
                             % node.tag.replace(_CORE, "!!"))
        return ok
