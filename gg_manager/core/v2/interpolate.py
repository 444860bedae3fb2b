"""Recipe placeholders, replaced the way the nucleus replaces them.

Same component: {artifacts:path}, {artifacts:decompressedPath}, {work:path}, {kernel:rootPath},
{iot:thingName}, {configuration:/json/pointer}. Another component that is a direct
dependency: {NAME:artifacts:path}, {NAME:artifacts:decompressedPath}, {NAME:work:path},
{NAME:configuration:/pointer}. Configuration values are inserted as text (a map or list as
compact JSON with sorted keys); a placeholder that cannot be resolved (unknown namespace or
key, missing value, not a dependency) is left as it is, with a log line.

Like the nucleus, same-component placeholders are found in the original text, then
cross-component ones in the result, so a configuration value inserted by the first pass
may carry a {dependency:...} placeholder that the second pass resolves.
"""
import json
import logging
import re

from .configuration import MISSING, ConfigurationError, lookup

log = logging.getLogger("gg.core.v2.interpolate")

SAME = re.compile(r"\{([.\w-]+):([^:}]*)\}", re.ASCII)
CROSS = re.compile(r"\{([.\w-]+):([.\w-]+):([^:}]*)\}", re.ASCII)


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(value)


class Interpolator:
    """context: what the placeholders name.

    system(name, namespace, key) -> str or None   (artifacts/work/kernel/iot values of a component)
    configurations: {name: plain configuration}   (every component of the deployment)
    """

    def __init__(self, system, configurations):
        self.system = system
        self.configurations = configurations

    def _value(self, component, namespace, key):
        if namespace == "configuration":
            config = self.configurations.get(component)
            found = MISSING if config is None else _safe_lookup(config, key)
            if found is MISSING:
                log.error("%s: no configuration value at %r", component, key)
                return None
            return as_text(found)
        value = self.system(component, namespace, key)
        if value is None:
            log.error("%s: cannot interpolate {%s:%s} (unknown namespace or key)", component, namespace, key)
        return value

    def text(self, value, component, dependencies):
        out = value
        for match in SAME.finditer(value):
            replacement = self._value(component, match.group(1), match.group(2))
            if replacement is not None:
                out = out.replace(match.group(0), replacement)
        result = out
        for match in CROSS.finditer(out):
            target, namespace, key = match.groups()
            if target not in dependencies:
                log.error("%s: %s names %s, which is not a direct dependency", component, match.group(0), target)
                continue
            replacement = self._value(target, namespace, key)
            if replacement is not None:
                result = result.replace(match.group(0), replacement)
        return result

    def value(self, value, component, dependencies):
        """Interpolate every string in a nested map/list."""
        if isinstance(value, str):
            return self.text(value, component, dependencies)
        if isinstance(value, dict):
            return {k: self.value(v, component, dependencies) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, component, dependencies) for v in value]
        return value


def _safe_lookup(config, pointer):
    try:
        return lookup(config, pointer)
    except ConfigurationError:
        return MISSING
