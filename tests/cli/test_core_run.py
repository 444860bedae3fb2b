"""`gg core run` picks its core from the spec or --config: a V2 core device (config.yaml) or a V1 core
(config.json); what it cannot start from is one line on stderr and exit 1, never a traceback."""
import socket
import types

import pytest

from gg_manager.core.pick import Choice, pick
from gg_manager.errors import GGError


def _one_line_error(code, err):
    assert code == 1, err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_without_config_it_runs_the_v2_core_the_spec_targets_and_names_the_config_yaml_to_create(folder):
    code, _, err = folder.gg("core", "run", "--once", "--work-dir", str(folder.root / "core"))
    line = _one_line_error(code, err)
    assert "certs/%s_Core.config.yaml not found: run `gg create` first" % folder.group in line, line


def test_target_v1_runs_the_v1_core_from_its_config_json(folder):
    code, _, err = folder.gg("core", "run", "--once", "--target", "v1", "--work-dir", str(folder.root / "core"))
    line = _one_line_error(code, err)
    assert "config/config.json not found: run `gg create` first" in line, line


def test_an_unknown_group_is_named(folder):
    code, _, err = folder.gg("core", "run", "--group", "nope", "--work-dir", str(folder.root / "core"))
    assert "no group nope in greengrass.yaml" in _one_line_error(code, err)


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_v2_config_whose_endpoint_is_down_is_one_line_before_anything_starts(folder):
    url = "http://127.0.0.1:%d" % _closed_port()
    config = folder.root / "certs" / "core.config.yaml"
    config.write_text("system: {thingName: core-1}\n"
                      "services: {aws.greengrass.Nucleus: {configuration: {awsRegion: us-east-1, "
                      "greengrassDataPlaneEndpoint: '%s'}}}\n" % url)
    work = folder.root / "core"
    code, _, err = folder.gg("core", "run", "--config", str(config), "--work-dir", str(work),
                             drop=("AWS_ENDPOINT_URL",))
    line = _one_line_error(code, err)
    assert "cannot reach %s" % url in line and "gg sandbox start" in line, line
    assert not work.exists()                         # nothing was started or written


def test_a_v2_config_that_is_not_yaml_is_one_line(folder):
    config = folder.root / "certs" / "broken.config.yaml"
    config.write_text("system: [unclosed\n")
    code, _, err = folder.gg("core", "run", "--config", str(config))
    assert "broken.config.yaml is not readable YAML" in _one_line_error(code, err)


FLEET = """\
Groups:
  - Target: v1
    Group: {name: old-store}
    Cores: [{name: old-core, key_path: ./certs, config_path: ./config}]
  - Group: {name: new-store}
    Cores: [{name: new-core, key_path: ./keys}]
"""


def _args(spec, **kw):
    base = dict(config=None, file=str(spec), var=(), values=(), env=(), target=None, group=())
    return types.SimpleNamespace(**dict(base, **kw))


def test_in_a_fleet_spec_the_group_whose_config_gg_wrote_or_group_picks_the_core(tmp_path):
    spec = tmp_path / "greengrass.yaml"
    spec.write_text(FLEET)
    with pytest.raises(GGError, match=r"2 groups \(old-store, new-store\) and gg wrote the config of none of "
                                      r"their cores: pass --group NAME or --config"):
        pick(_args(spec))
    v2_config = tmp_path / "keys" / "new-core.config.yaml"
    v2_config.parent.mkdir()
    v2_config.write_text("system: {thingName: new-core}\n")
    assert pick(_args(spec)) == Choice("v2", str(v2_config), "new-store")
    # both cores' config_path is ./config, so V1's apply writes config/<core>/config.json
    assert pick(_args(spec, group=("old-store",))) == Choice(
        "v1", str(tmp_path / "config" / "old-core" / "config.json"), "old-store")
    assert pick(_args(spec, config="x.yml")) == Choice("v2", "x.yml")             # --config: its kind decides
    assert pick(_args(spec, config="c.json")) == Choice("v1", "c.json")
    assert pick(_args(tmp_path / "absent.yaml")) == Choice("v1", "config/config.json")   # no spec: as before V2
