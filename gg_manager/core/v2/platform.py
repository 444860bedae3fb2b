"""This device's platform, and which recipe manifest and lifecycle section apply to it.

The rules are the nucleus's: the first manifest whose every Platform attribute is satisfied
wins (no Platform, `*` or a missing value = wildcard; `/regex/` matches the whole label;
`all`/`any` are wildcards for os and architecture; other labels must begin with a letter or
digit and match exactly). A `name` in Platform is the platform's friendly name (CreateComponentVersion's
componentPlatforms[].name, which the sandbox writes into a Lambda component's Platform), not an attribute. A manifest without its own Lifecycle takes the recipe's global
Lifecycle filtered by the manifest's Selections (plus `all`).
"""
import logging
import platform as _platform
import re
import sys

log = logging.getLogger("gg.core.v2.platform")

ALL = "all"
WILDCARD = "*"
FRIENDLY_NAME = "name"
_SIMPLE_LABEL = re.compile(r"^[a-zA-Z0-9]")
_ARM_DETAILS = ("armv6l", "armv7l", "armv8l", "armv6b", "armv7b", "armv8b")


def detect():
    """{"os", "architecture"[, "architecture.detail"]} named as the nucleus names them."""
    system = sys.platform
    os_name = "windows" if system.startswith("win") else "darwin" if system == "darwin" else (
        "linux" if system.startswith("linux") else "unknown")
    machine = _platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "i386": "x86", "i686": "x86", "x86": "x86",
            "aarch64": "aarch64", "arm64": "aarch64"}.get(machine, "arm" if "arm" in machine else "unknown")
    out = {"os": os_name, "architecture": arch}
    if machine in _ARM_DETAILS:
        out["architecture.detail"] = machine
    return out


def attribute_satisfied(name, label, template):
    if template is None or template == WILDCARD:
        return True
    template = str(template)
    if not label:
        return False
    if len(template) >= 2 and template.startswith("/") and template.endswith("/"):
        try:
            return re.fullmatch(template[1:-1], label) is not None
        except re.error:
            return False
    if name in ("os", "architecture") and template in ("all", "any"):
        return True
    if not _SIMPLE_LABEL.match(template):
        return False  # reserved for future use by the nucleus
    return template == label


def manifest_matches(requirement, device):
    if not requirement:
        return True
    return all(attribute_satisfied(k, device.get(k), v) for k, v in requirement.items() if k != FRIENDLY_NAME)


def best_manifest(manifests, device):
    """The first manifest whose Platform the device satisfies, else None."""
    return next((m for m in manifests if manifest_matches(m.platform, device)), None)


def filter_selections(source, keywords, selectors):
    """The lifecycle map with selector levels resolved (the nucleus's filterPlatform); None if nothing is left."""
    if not isinstance(source, dict):
        return source
    if any(k in keywords for k in source):
        chosen = next((source[s] for s in (selectors or []) if source.get(s) is not None), None)
        if chosen is None:
            chosen = source.get(ALL)
        ignored = [k for k in source if k not in keywords]
        if ignored:
            log.error("lifecycle section mixes selector and non-selector keys; ignored: %s", ", ".join(ignored))
        return filter_selections(chosen, keywords, selectors) if chosen is not None else None
    out = {}
    for key, value in source.items():
        filtered = filter_selections(value, keywords, selectors)
        if filtered is not None:
            out[key] = filtered
    return out
