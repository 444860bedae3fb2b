"""Which folders of a spec's repository are never packed into a Lambda zip, and why.

Every core's key_path and config_path and every device's key_path hold gg's keys,
certificates and config.json; they are never packed, even when a Lambda's package
is the whole repository (`package: .`). Pass `never_packed(spec)` as `exclude_dirs`
to gg_manager.package.lambda_zip.build_lambda_zip.
"""
import os

DEFAULT_KEY_PATH = "./certs"
DEFAULT_CONFIG_PATH = "./config"


def _folders(entries, spec_dir):
    out, seen = [], set()
    for rel, reason in entries:
        if not isinstance(rel, str) or not rel:
            continue
        path = os.path.normpath(os.path.join(spec_dir, rel))
        if path not in seen:
            seen.add(path)
            out.append((path, reason))
    return tuple(out)


def never_packed(spec):
    """((absolute folder, reason), ...) for a loaded Spec."""
    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    entries = []
    for group in spec.groups:
        core = group.core
        entries.append((core.key_path, "key folder of core %s" % core.name))
        entries.append((core.config_path, "config folder of core %s" % core.name))
        entries.extend((d.key_path, "key folder of device %s" % d.name) for d in group.devices)
    return _folders(entries, spec_dir)


def never_packed_in_views(views, spec_dir):
    """The same for group views (while validating, before a Spec exists)."""
    entries = []
    for view in views:
        for item in view.items("Cores"):
            name = item.data.get("name")
            entries.append((item.data.get("key_path", DEFAULT_KEY_PATH), "key folder of core %s" % name))
            entries.append((item.data.get("config_path", DEFAULT_CONFIG_PATH),
                            "config folder of core %s" % name))
        for item in view.items("Devices"):
            entries.append((item.data.get("key_path", DEFAULT_KEY_PATH),
                            "key folder of device %s" % item.data.get("name")))
    return _folders(entries, spec_dir)
