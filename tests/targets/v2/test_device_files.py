"""The config.yaml gg writes for a V2 core is the file gg's local V2 core reads (core/v2/device_config.py)."""
import os
import stat
from types import SimpleNamespace

import yaml

from gg_manager.core.v2.device_config import load_device_config
from gg_manager.resources.iot import DesiredCoreDevice
from gg_manager.targets.v2.device_files import config_change, device_config, write_config

SANDBOX = {"data": "127.0.0.1", "port": 18830, "cred": "127.0.0.1:45666", "data_plane": "http://127.0.0.1:45666",
           "local": True}
AWS = {"data": "abc-ats.iot.eu-west-1.amazonaws.com", "port": 8883, "cred": "abc.credentials.iot.eu-west-1.amazonaws.com",
       "data_plane": "", "local": False}


def group(tmp_path):
    certs = str(tmp_path / "certs")
    return SimpleNamespace(core=DesiredCoreDevice("store-1_Core", "store-1", "p", {}, certs),
                           role_alias="gg-store-1-tes-alias", config_file=os.path.join(certs, "store-1_Core.config.yaml"))


def test_against_a_sandbox_the_local_core_reads_what_gg_wrote(tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    g = group(tmp_path)
    change, = config_change(g, "eu-west-1", SANDBOX, key_here=True, current=None, certificate_made_here=False)
    step, = change.steps
    assert step.operation == "local:WriteNucleusConfig"
    write_config(**step.params)
    assert stat.S_IMODE(os.stat(g.config_file).st_mode) == 0o644
    connection, root = load_device_config(g.config_file)
    certs = str(tmp_path / "certs")
    assert (connection.thing_name, connection.region) == ("store-1_Core", "eu-west-1")
    assert connection.endpoint_url == "http://127.0.0.1:45666"          # the sandbox, from the file itself
    assert connection.key_path == os.path.join(certs, "store-1_Core.key")
    assert connection.cert_path == os.path.join(certs, "store-1_Core.cert.pem")
    assert connection.ca_path == os.path.join(certs, "root.ca.pem")
    assert root is None
    # unchanged: no change; and no key on this machine: nothing written
    assert config_change(g, "eu-west-1", SANDBOX, True, open(g.config_file, "rb").read(), False) == []
    assert config_change(group(tmp_path / "ci"), "eu-west-1", SANDBOX, False, None, False) == []


def test_against_aws_the_device_paths_and_endpoints_of_the_account(tmp_path):
    config = device_config(group(tmp_path), "eu-west-1", AWS)
    assert config["system"]["privateKeyPath"] == "/greengrass/v2/store-1_Core.key"
    nucleus = config["services"]["aws.greengrass.Nucleus"]["configuration"]
    assert nucleus["iotDataEndpoint"] == AWS["data"] and nucleus["iotCredEndpoint"] == AWS["cred"]
    assert "greengrassDataPlaneEndpoint" not in nucleus and nucleus["interpolateComponentConfiguration"] is True
    assert "BEGIN" not in yaml.safe_dump(config)
