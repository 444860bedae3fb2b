"""`gg validate` as a user meets it: json output, no network, the schema itself."""
import socket

import jsonschema

from gg_manager.spec.schema import load_schema


def test_json_format(validate, base):
    run = validate(base.replace("Target: cloud", "Target: clod"), "--format", "json")
    assert run.code == 1
    report = run.json()
    assert report["valid"] is False
    problem = report["problems"][0]
    assert problem["path"] == "Subscriptions[0].Target"
    assert problem["line"] == 28 and problem["column"] == 13
    assert problem["severity"] == "error"
    ok = validate(base, "--format", "json")
    assert ok.code == 0 and ok.json()["groups"] == ["g1"]


def test_validate_makes_no_network_call(validate, base, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("validate tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    assert validate(base).code == 0


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(load_schema())
    for name in ("image-classification", "object-detection", "ml-feedback"):
        jsonschema.Draft202012Validator.check_schema(load_schema("connectors/%s.schema.json" % name))
