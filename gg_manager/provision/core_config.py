"""The core device's config/config.json, in the Greengrass Core 1.11 format.

Layout as in the Greengrass V1 developer guide ("Configure the AWS IoT
Greengrass core", GGC v1.11 example): coreThing (file names relative to
/greengrass/certs, kept for cores before 1.7), runtime, managedRespawn, and
crypto with file:// URIs for the IoT certificate, the Secrets Manager key (the
same RSA key) and the root CA. No PKCS#11 section: the key is a file.
"""
import json
import os
import tempfile
from pathlib import Path

from gg_manager.errors import GGError
from gg_manager.provision.gitignore import protect_new_folder

DEVICE_CERTS_DIR = "/greengrass/certs"
KEEP_ALIVE_RANGE = (30, 1200)


def gg_host_for(iot_host, region):
    """The Greengrass endpoint: iotHost with its prefix replaced by greengrass-ats."""
    marker = ".iot."
    if "-ats" + marker in iot_host:
        return "greengrass-ats" + iot_host[iot_host.index(marker):]
    return "greengrass-ats.iot.%s.amazonaws.com" % region


def core_config(thing_arn, iot_host, region, cert_file, key_file, ca_file="root.ca.pem",
                keep_alive=600, use_systemd=True, gg_host=None, certs_dir=DEVICE_CERTS_DIR,
                ggc_daemon_port=8000, extra_core_thing=None):
    """config.json contents for one core, as a dict (see write_config).

    `cert_file`, `key_file`, `ca_file` are bare file names inside `certs_dir`
    on the device (certs.CoreCertPaths gives them). `iot_host` must be the ATS
    data endpoint (describe_endpoint(endpointType='iot:Data-ATS')), which is
    the one Amazon Root CA 1 verifies.
    """
    for label, name in (("cert_file", cert_file), ("key_file", key_file), ("ca_file", ca_file)):
        if not name or "/" in name:
            raise GGError("config.json: %s must be a file name inside %s, got %r"
                          % (label, certs_dir, name))
    if iot_host.endswith((".amazonaws.com", ".amazonaws.com.cn")) and "-ats.iot." not in iot_host:
        raise GGError("config.json: iotHost %s is not an ATS endpoint; use "
                      "describe_endpoint(endpointType='iot:Data-ATS')" % iot_host)
    lo, hi = KEEP_ALIVE_RANGE
    if not (isinstance(keep_alive, int) and lo <= keep_alive <= hi):
        raise GGError("config.json: keepAlive must be %d..%d seconds, got %r" % (lo, hi, keep_alive))
    uri = "file://%s/" % certs_dir.rstrip("/")
    core_thing = {
        "caPath": ca_file,
        "certPath": cert_file,
        "keyPath": key_file,
        "thingArn": thing_arn,
        "iotHost": iot_host,
        "ggHost": gg_host or gg_host_for(iot_host, region),
        "keepAlive": keep_alive,
        "ggDaemonPort": ggc_daemon_port,
        "systemComponentAuthTimeout": 5000,
    }
    core_thing.update(extra_core_thing or {})
    return {
        "coreThing": core_thing,
        "runtime": {
            "maxWorkItemCount": 1024,
            "cgroup": {"useSystemd": "yes" if use_systemd else "no"},
        },
        "managedRespawn": False,
        "crypto": {
            "principals": {
                "SecretsManager": {"privateKeyPath": uri + key_file},
                "IoTCertificate": {
                    "privateKeyPath": uri + key_file,
                    "certificatePath": uri + cert_file,
                },
            },
            "caPath": uri + ca_file,
        },
    }


def config_json_bytes(config):
    """Stable text of the config: same dict, same bytes (for diffs and plans)."""
    return (json.dumps(config, indent=2) + "\n").encode("utf-8")


def write_config(path, config):
    """Write config.json atomically (mode 0644; it holds no secret), creating its folder (a new
    folder inside a git work tree gets a .gitignore of '*' unless git already ignores it)."""
    path = Path(path)
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        protect_new_folder(path.parent, (path.name,))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % path.name, dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(config_json_bytes(config))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return path
