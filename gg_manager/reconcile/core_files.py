"""The files a core device needs, written where the spec says (certs/, config/), never to AWS."""
import os

from gg_manager.provision import certs
from gg_manager.provision.core_config import config_json_bytes, core_config, write_config


def write_core_configs(ctx, desired, iot_host, out):
    """config/config.json for every group whose core key and certificate are on this machine."""
    written = []
    for group in desired.groups:
        paths = certs.core_cert_paths(group.certs_dir, group.core_name)
        if not (os.path.exists(paths.key) and os.path.exists(paths.cert)):
            continue
        config = core_config(group.thing_arn, iot_host, ctx.region, paths.cert_file, paths.key_file,
                             paths.ca_file, gg_host=_gg_host(ctx, iot_host))
        target = os.path.join(group.config_dir, "config.json")
        try:
            with open(target, "rb") as f:
                if f.read() == config_json_bytes(config):
                    continue
        except OSError:
            pass
        write_config(target, config)
        written.append(target)
        out.write("group %s: wrote %s (certificates in %s)\n" % (group.name, target, group.certs_dir))
    return written


def _gg_host(ctx, iot_host):
    """On a custom endpoint (the sandbox) the Greengrass host is that endpoint's host."""
    if ctx.endpoint_url:
        from urllib.parse import urlparse
        return urlparse(ctx.endpoint_url).hostname
    return None
