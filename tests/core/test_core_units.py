"""The local core's parts without a sandbox: topic rules, routing, shadows, paths, the IPC with the real SDK."""
import base64
import json
import os
import subprocess
import sys
import textwrap

import pytest

from gg_manager.core import lambdas
from gg_manager.core.artifacts import ArtifactError, parse_s3_uri, s3_location
from gg_manager.core.v1.config import load_config, parse_thing_arn
from gg_manager.core.ipc_server import IPCServer, encode_client_context
from gg_manager.core.paths import lambda_environment, map_resources, rewrite_value
from gg_manager.core.router import Router, topic_matches
from gg_manager.core.shadow import ShadowStore
from gg_manager.errors import GGError


@pytest.mark.parametrize("flt,topic,ok", [
    ("a/b", "a/b", True), ("a/+", "a/b", True), ("a/+", "a/b/c", False), ("a/#", "a/b/c", True),
    ("a/#", "a", True), ("#", "x/y", True), ("+/b", "a/b", True), ("+", "$aws/x", False),
    ("#", "$aws/things/t/shadow/update", False), ("$aws/things/+/shadow/#", "$aws/things/t/shadow/get", True),
    ("/request/classify/+", "/request/classify/box", True), ("a/b", "a/c", False), ("a/+/c", "a/b", False),
])
def test_topic_matches_follows_mqtt_rules(flt, topic, ok):
    assert topic_matches(flt, topic) is ok


def test_router_delivers_once_per_target_and_skips_unknown_targets():
    got = []
    fn = "arn:aws:lambda:us-east-1:1:function:f:live"
    subs = [{"Source": "cloud", "Subject": "in/#", "Target": fn},
            {"Source": "cloud", "Subject": "in/+", "Target": fn},
            {"Source": "cloud", "Subject": "in/+", "Target": "cloud"},
            {"Source": "cloud", "Subject": "in/+", "Target": "arn:aws:iot:us-east-1:1:thing/dev"}]
    router = Router(subs, [fn], {"lambda": lambda *a: got.append(("lambda",) + a),
                                 "cloud": lambda *a: got.append(("cloud",) + a),
                                 "shadow": lambda *a: got.append(("shadow",) + a)})
    router.route("cloud", "in/x", b"1")
    assert got == [("lambda", fn, "cloud", "in/x", b"1"), ("cloud", "in/x", b"1")]
    assert router.cloud_subjects() == ["in/#", "in/+"]
    assert router.route("other", "in/x", b"") == []


def test_shadow_update_get_delete_with_delta_and_version(tmp_path):
    store = ShadowStore(str(tmp_path / "s.json"))
    base = "$aws/things/t1/shadow/"
    out = store.handle(base + "update", json.dumps({"state": {"desired": {"a": 1}, "reported": {"a": 0}},
                                                      "clientToken": "c1"}).encode())
    topics = [t for t, _ in out]
    assert topics == [base + "update/accepted", base + "update/documents", base + "update/delta"]
    assert json.loads(out[0][1])["clientToken"] == "c1"
    assert json.loads(out[2][1])["state"] == {"a": 1}
    got = json.loads(store.handle(base + "get", b"")[0][1])
    assert got["version"] == 1 and got["state"]["delta"] == {"a": 1}
    conflict = store.handle(base + "update", json.dumps({"state": {"reported": {"a": 1}}, "version": 7}).encode())
    assert conflict[0][0] == base + "update/rejected" and json.loads(conflict[0][1])["code"] == 409
    store.handle(base + "update", json.dumps({"state": {"reported": {"a": 1}}}).encode())
    again = ShadowStore(str(tmp_path / "s.json"))  # persisted
    assert "delta" not in json.loads(again.handle(base + "get", b"")[0][1])["state"]
    assert again.handle(base + "delete", b"")[0][0] == base + "delete/accepted"
    missing = again.handle(base + "get", b"")
    assert missing[0][0] == base + "get/rejected" and json.loads(missing[0][1])["code"] == 404
    assert store.handle(base + "update", b"not json")[0][0] == base + "update/rejected"


def test_paths_map_models_volumes_devices_and_rewrite_only_granted_env(tmp_path):
    work = str(tmp_path / "w")
    existing = tmp_path / "frames"
    resources = [
        {"Id": "m", "ResourceDataContainer": {"S3MachineLearningModelResourceData": {
            "S3Uri": "s3://b/k", "DestinationPath": "/ml/od/"}}},
        {"Id": "v", "ResourceDataContainer": {"LocalVolumeResourceData": {
            "SourcePath": str(existing), "DestinationPath": "/frames"}}},
        {"Id": "bad", "ResourceDataContainer": {"LocalVolumeResourceData": {
            "SourcePath": "/proc/not-creatable", "DestinationPath": "/data"}}},
        {"Id": "gpu", "ResourceDataContainer": {"LocalDeviceResourceData": {"SourcePath": "/dev/nvidia0"}}},
    ]
    mapped = map_resources(resources, work)
    assert mapped["m"].local == os.path.join(work, "ml", "m") and mapped["m"].destination == "/ml/od"
    assert mapped["v"].local == str(existing)
    assert mapped["bad"].local == os.path.join(work, "volumes", "bad")
    assert mapped["gpu"].local == "/dev/nvidia0"
    fn = {"FunctionConfiguration": {"Environment": {
        "Variables": {"MODEL_PATH": "/ml/od", "F": "/frames/x.jpg", "D": "/data/y", "OTHER": "/ml/odd"},
        "ResourceAccessPolicies": [{"ResourceId": "m"}, {"ResourceId": "v"}, {"ResourceId": "gpu"}]}}}
    env = lambda_environment(fn, mapped)
    assert env["MODEL_PATH"] == os.path.join(work, "ml", "m")
    assert env["F"] == str(existing) + "/x.jpg"
    assert env["D"] == "/data/y"  # not granted: left alone
    assert env["OTHER"] == "/ml/odd"
    assert json.loads(env["GG_PATH_MAP"]) == {"/ml/od": mapped["m"].local, "/frames": str(existing)}
    assert rewrite_value("/a/b", {"/a": "/x", "/a/b": "/y"}) == "/y"


def test_s3_urls_and_uris():
    assert s3_location("https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/fn-1.zip?X-Amz=1") == (
        "awslambda-us-east-1-tasks", "fn-1.zip")
    assert s3_location("https://s3.eu-west-1.amazonaws.com/bucket/a/b.zip") == ("bucket", "a/b.zip")
    assert s3_location("https://example.com/x") is None
    assert parse_s3_uri("s3://b/k/m.tar.gz") == ("b", "k/m.tar.gz")
    with pytest.raises(ArtifactError):
        parse_s3_uri("https://b/k")


def test_config_reads_thing_arn_and_refuses_bad_files(tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    path = tmp_path / "config" / "config.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"coreThing": {"thingArn": "arn:aws:iot:eu-west-1:123456789012:thing/c1",
                                              "iotHost": "x-ats.iot.eu-west-1.amazonaws.com",
                                              "caPath": "root.ca.pem", "certPath": "c.pem", "keyPath": "c.key"}}))
    config = load_config(str(path))
    assert (config.region, config.account, config.thing_name) == ("eu-west-1", "123456789012", "c1")
    assert config.ca_path == str(tmp_path / "certs" / "root.ca.pem")
    assert config.sandbox is None and config.endpoint_url is None
    with pytest.raises(GGError, match="not found"):
        load_config(str(tmp_path / "nope.json"))
    with pytest.raises(GGError, match="not an IoT thing ARN"):
        parse_thing_arn("arn:aws:lambda:x")


def test_cli_reports_a_missing_config_in_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gg_manager.cli", "core", "run", "--config",
                             str(tmp_path / "config.json"), "--work-dir", str(tmp_path / "w")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: %s not found: run `gg create` first, or pass --config" % (tmp_path / "config.json")]


def test_real_greengrasssdk_publish_and_invoke_over_the_ipc(tmp_path):
    """A process with the shims on its path: the unmodified SDK's publish reaches the router service,
    and a RequestResponse invoke is answered by a work item another client posts back."""
    routed = []
    server = IPCServer(services={lambdas.ROUTER_ARN: lambda p, c, t: routed.append((p, c, t)) or b""}).start()
    target = "arn:aws:lambda:us-east-1:123456789012:function:t:live"
    server.set_functions([target])
    token = server.new_token()
    script = textwrap.dedent("""
        import json, greengrasssdk
        greengrasssdk.client("iot-data").publish(topic="a/b", payload=b"hi", queueFullPolicy="AllOrException")
        r = greengrasssdk.client("lambda").invoke(FunctionName=%r, Payload=json.dumps({"q": 1}))
        print(r["Payload"].read().decode(), r["FunctionError"])
    """ % target)
    env = dict(os.environ, PYTHONPATH=lambdas.SHIMS, MY_FUNCTION_ARN="arn:aws:lambda:us-east-1:1:function:me:1",
               ROUTER_FUNCTION_ARN=lambdas.ROUTER_ARN, AWS_CONTAINER_AUTHORIZATION_TOKEN=token,
               GG_IPC_PORT=str(server.port))
    try:
        proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        item = server.next_work(target, timeout=20)
        assert item is not None and json.loads(item.payload) == {"q": 1}
        server.post_result(item.invocation_id, b'{"answer": 42}')
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert out.strip() == '{"answer": 42}'
        payload, context, kind = routed[0]
        assert payload == b"hi" and kind == "Event"
        assert context == {"custom": {"source": "arn:aws:lambda:us-east-1:1:function:me:1", "subject": "a/b",
                                      "queueFullPolicy": "AllOrError"}}
    finally:
        server.stop()


def test_ipc_refuses_requests_without_a_token():
    import urllib.error
    import urllib.request

    server = IPCServer().start()
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen("http://127.0.0.1:%d/2016-11-01/functions/x/work" % server.port, timeout=5)
        assert err.value.code == 401
    finally:
        server.stop()


def test_client_context_round_trip():
    raw = encode_client_context({"subject": "s", "source": "cloud"})
    assert json.loads(base64.b64decode(raw)) == {"custom": {"subject": "s", "source": "cloud"}}


def test_runtime_shims_run_on_the_lambda_pythons():
    """The shims load inside Lambda processes: python3.7 at the oldest, like lambdas/."""
    vermin = os.path.join(os.path.dirname(sys.executable), "vermin")
    if not os.path.exists(vermin):
        pytest.skip("vermin is not installed")
    result = subprocess.run([vermin, "-t=3.7-", "--no-tips", "--violations", lambdas.SHIMS],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gg_lists_the_core_command():
    result = subprocess.run([sys.executable, "-m", "gg_manager.cli", "core", "run", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--work-dir" in result.stdout and "gg core run --once" in result.stdout
