"""The core device's config.json, written on this machine as a plan step (never to AWS).

Where: `<config_path>/config.json` of each core. When several cores of a spec share one
config_path (a fleet whose cores do not set it), each core's file goes to
`<config_path>/<core name>/config.json`, so no core's file overwrites another's; the plan
says so. A core's config.json is written when its key is on this machine (or this apply
makes it), so a CI runner without keys writes none.
"""
import os
from collections import Counter
from typing import Dict

from gg_manager.plan.model import Change
from gg_manager.provision import certs
from gg_manager.provision.core_config import config_json_bytes, core_config, write_config


def config_files(spec, spec_dir) -> Dict[str, tuple]:
    """{group name: (config.json path, note)} for every group of the spec."""
    dirs = {g.name: os.path.normpath(os.path.join(spec_dir, g.core.config_path)) for g in spec.groups}
    shared = Counter(dirs.values())
    out = {}
    for group in spec.groups:
        folder = dirs[group.name]
        if shared[folder] > 1:
            note = ("%d cores share config_path %s: each core's config.json goes to %s/<core>/config.json "
                    "(set config_path per core to choose)" % (shared[folder], group.core.config_path, folder))
            out[group.name] = (os.path.join(folder, group.core.name, "config.json"), note)
        else:
            out[group.name] = (os.path.join(folder, "config.json"), "")
    return out


def gg_host(ctx):
    """On a custom endpoint (the sandbox) the Greengrass host and the IoT data host are that
    endpoint's host (a sandbox's DescribeEndpoint makes up a new name on every call)."""
    if ctx.endpoint_url:
        from urllib.parse import urlparse
        return urlparse(ctx.endpoint_url).hostname
    return None


def device_config(group, region, iot_host, gg_host_name):
    paths = certs.core_cert_paths(group.core.certs_dir, group.core.thing)
    return core_config(group.thing_arn, iot_host, region, paths.cert_file, paths.key_file, paths.ca_file,
                       gg_host=gg_host_name)


def local_state(group):
    """(key here?, current config.json bytes or None) for one desired group."""
    key = certs.core_cert_paths(group.core.certs_dir, group.core.thing).key
    try:
        with open(group.config_file, "rb") as f:
            current = f.read()
    except OSError:
        current = None
    return key.exists(), current


def device_config_change(group, region, iot_host, key_here, current, certificate_made_here):
    """[the change writing config.json] when the core's key is (or will be) here and the file differs."""
    if not (key_here or certificate_made_here) or not iot_host:
        return []
    config = device_config(group, region, iot_host, group.gg_host)
    if current == config_json_bytes(config):
        return []
    change = Change("update" if current is not None else "create", "device config", group.config_file,
                    fields=[f for f in ["certificates in %s" % group.core.certs_dir, group.config_note] if f],
                    after=config)
    change.add("local:WriteDeviceConfig", {"path": group.config_file, "config": config})
    return [change]


def write_device_config(path, config):
    """local:WriteDeviceConfig: config.json, atomically (it holds no secret)."""
    write_config(path, config)
    return {}


def delete_file(path):
    """local:DeleteFile: a file gg wrote (by its exact name)."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    return {}


LOCAL_HANDLERS = {"local:WriteDeviceConfig": write_device_config, "local:DeleteFile": delete_file}
