"""YAML parsing that remembers where every key and value came from.

Returns plain Python data plus `marks`: path tuple -> ((key_line, key_col),
(value_line, value_col)), 1-based, so any later check can point at the text.
"""
import yaml

from gg_manager.spec.diagnostics import Reporter


class _Loader(yaml.SafeLoader):
    """SafeLoader: no arbitrary Python objects from a spec file."""


def parse_yaml(text: str, reporter: Reporter):
    """Parse `text`; on a syntax error report it and return None."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        reporter.at(mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, (),
                    "invalid YAML: " + msg)
        return None
    except yaml.YAMLError as exc:
        reporter.at(1, 1, (), "invalid YAML: %s" % exc)
        return None
    if node is None:
        return {}
    loader = _Loader("")
    return _build(node, (), None, loader, reporter)


def _pos(mark):
    return (mark.line + 1, mark.column + 1)


def _build(node, path, key_mark, loader, reporter):
    reporter.marks[path] = (key_mark or _pos(node.start_mark), _pos(node.start_mark))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                reporter.at(*_pos(key_node.start_mark), path, "a key must be a plain value")
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                reporter.at(*_pos(key_node.start_mark), path + (key,),
                            "duplicate key %r (YAML keeps only one of them)" % key)
            out[key] = _build(value_node, path + (key,), _pos(key_node.start_mark),
                              loader, reporter)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (i,), None, loader, reporter)
                for i, child in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
