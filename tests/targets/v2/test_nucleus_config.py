"""config.yaml: what the nucleus reads to start as this core, written beside the keys."""
import os
import stat

import pytest
import yaml

from gg_manager.errors import GGError
from gg_manager.targets.v2.nucleus_config import (config_yaml_bytes, nucleus_config,
                                                  write_nucleus_config)
from gg_manager.targets.v2.public_components import NUCLEUS_VERSION

DATA = "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com"
CRED = "c1d2e3f4g5h6i7.credentials.iot.eu-west-1.amazonaws.com"


def config(**kw):
    args = dict(thing="edge_Core", region="eu-west-1", role_alias="gg-edge-tes-alias",
                data_endpoint=DATA, cred_endpoint=CRED, cert_file="edge_Core.cert.pem",
                key_file="edge_Core.key")
    args.update(kw)
    return nucleus_config(**args)


def test_layout_the_nucleus_reads():
    assert config() == {
        "system": {"certificateFilePath": "/greengrass/v2/edge_Core.cert.pem",
                   "privateKeyPath": "/greengrass/v2/edge_Core.key",
                   "rootCaPath": "/greengrass/v2/root.ca.pem",
                   "rootpath": "/greengrass/v2", "thingName": "edge_Core"},
        "services": {"aws.greengrass.Nucleus": {
            "componentType": "NUCLEUS", "version": NUCLEUS_VERSION,
            "configuration": {"awsRegion": "eu-west-1", "iotRoleAlias": "gg-edge-tes-alias",
                              "iotDataEndpoint": DATA, "iotCredEndpoint": CRED,
                              "mqtt": {"port": 8883}, "interpolateComponentConfiguration": True}}},
    }


def test_a_core_on_this_machine_reads_its_files_beside_the_config():
    cfg = config(device_paths=False, data_endpoint="127.0.0.1", cred_endpoint="127.0.0.1:4566", mqtt_port=1883,
                 data_plane_endpoint="http://127.0.0.1:4566")
    assert cfg["system"] == {"certificateFilePath": "edge_Core.cert.pem", "privateKeyPath": "edge_Core.key",
                             "rootCaPath": "root.ca.pem", "thingName": "edge_Core"}
    nucleus = cfg["services"]["aws.greengrass.Nucleus"]["configuration"]
    assert nucleus["mqtt"] == {"port": 1883} and nucleus["interpolateComponentConfiguration"] is True


def test_options():
    cfg = config(root="/opt/gg/", mqtt_port=443, data_plane_endpoint="http://127.0.0.1:5000")
    assert cfg["system"]["rootpath"] == "/opt/gg"
    assert cfg["system"]["privateKeyPath"] == "/opt/gg/edge_Core.key"
    nucleus = cfg["services"]["aws.greengrass.Nucleus"]["configuration"]
    assert nucleus["mqtt"] == {"port": 443}
    assert nucleus["greengrassDataPlaneEndpoint"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize("kw,match", [
    ({"data_endpoint": "a1b2.iot.eu-west-1.amazonaws.com"}, "not an ATS endpoint"),
    ({"cred_endpoint": DATA}, "not a credentials endpoint"),
    ({"cert_file": "../etc/cert.pem"}, "file name"),
    ({"root": "greengrass"}, "absolute"),
    ({"mqtt_port": 1883}, "8883 or 443"),
    ({"cred_endpoint": ""}, "both"),
])
def test_bad_values_are_clear_errors(kw, match):
    with pytest.raises(GGError, match=match):
        config(**kw)


def test_written_as_yaml_0644_in_a_private_folder(tmp_path):
    path = tmp_path / "certs" / "config.yaml"
    write_nucleus_config(path, config())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert yaml.safe_load(path.read_text()) == config()
    assert "BEGIN" not in path.read_text()            # no key material in it
    write_nucleus_config(path, config(thing="other"))  # rewritten in place
    assert yaml.safe_load(path.read_text())["system"]["thingName"] == "other"
    assert config_yaml_bytes(config()) == config_yaml_bytes(config())
