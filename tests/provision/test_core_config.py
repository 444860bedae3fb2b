"""config.json follows the Greengrass Core 1.11 format exactly."""
import json
import os
import stat

import pytest

from gg_manager.errors import GGError
from gg_manager.provision.core_config import core_config, gg_host_for, write_config

ARN = "arn:aws:iot:eu-west-1:123456789012:thing/GG_Object_Detection_Core"
HOST = "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com"


def test_matches_the_documented_1_11_layout():
    cfg = core_config(ARN, HOST, "eu-west-1", "GG_Object_Detection_Core.cert.pem",
                      "GG_Object_Detection_Core.key")
    assert cfg == {
        "coreThing": {
            "caPath": "root.ca.pem",
            "certPath": "GG_Object_Detection_Core.cert.pem",
            "keyPath": "GG_Object_Detection_Core.key",
            "thingArn": ARN,
            "iotHost": HOST,
            "ggHost": "greengrass-ats.iot.eu-west-1.amazonaws.com",
            "keepAlive": 600,
            "ggDaemonPort": 8000,
            "systemComponentAuthTimeout": 5000,
        },
        "runtime": {"maxWorkItemCount": 1024, "cgroup": {"useSystemd": "yes"}},
        "managedRespawn": False,
        "crypto": {
            "principals": {
                "SecretsManager": {
                    "privateKeyPath": "file:///greengrass/certs/GG_Object_Detection_Core.key"},
                "IoTCertificate": {
                    "privateKeyPath": "file:///greengrass/certs/GG_Object_Detection_Core.key",
                    "certificatePath":
                        "file:///greengrass/certs/GG_Object_Detection_Core.cert.pem",
                },
            },
            "caPath": "file:///greengrass/certs/root.ca.pem",
        },
    }
    assert "PKCS11" not in cfg["crypto"]


def test_options():
    cfg = core_config(ARN, HOST, "eu-west-1", "c.pem", "c.key", ca_file="ca.pem", keep_alive=30,
                      use_systemd=False, certs_dir="/opt/gg/certs/")
    assert cfg["coreThing"]["keepAlive"] == 30
    assert cfg["runtime"]["cgroup"]["useSystemd"] == "no"
    assert cfg["crypto"]["caPath"] == "file:///opt/gg/certs/ca.pem"
    assert cfg["coreThing"]["caPath"] == "ca.pem"


def test_gg_host_follows_the_partition():
    assert gg_host_for("abc-ats.iot.cn-north-1.amazonaws.com.cn", "cn-north-1") == \
        "greengrass-ats.iot.cn-north-1.amazonaws.com.cn"
    assert gg_host_for("localhost", "us-east-1") == "greengrass-ats.iot.us-east-1.amazonaws.com"
    assert core_config(ARN, "localhost", "us-east-1", "c", "k", gg_host="localhost")[
        "coreThing"]["ggHost"] == "localhost"


@pytest.mark.parametrize("kwargs,message", [
    (dict(iot_host="abc.iot.eu-west-1.amazonaws.com"), "not an ATS endpoint"),
    (dict(keep_alive=29), "keepAlive"),
    (dict(keep_alive=1201), "keepAlive"),
    (dict(cert_file="/abs/c.pem"), "cert_file"),
    (dict(key_file=""), "key_file"),
])
def test_refuses_invalid_values(kwargs, message):
    args = dict(thing_arn=ARN, iot_host=HOST, region="eu-west-1", cert_file="c.pem",
                key_file="c.key")
    args.update(kwargs)
    with pytest.raises(GGError, match=message):
        core_config(**args)


def test_write_config(tmp_path):
    cfg = core_config(ARN, HOST, "eu-west-1", "c.pem", "c.key")
    path = write_config(tmp_path / "config" / "config.json", cfg)
    assert json.loads(path.read_text()) == cfg
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    first = path.read_bytes()
    write_config(path, cfg)
    assert path.read_bytes() == first
    assert os.listdir(tmp_path / "config") == ["config.json"]
