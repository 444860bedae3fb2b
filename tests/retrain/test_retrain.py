"""The retraining loop: gg model push, and kept frames from the device to a labelling folder."""
import csv
import importlib.util
import os

from gg_manager.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gg(capsys, *args):
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_model_push_uploads_once_and_prints_the_spec_line(sandbox_env, tmp_path, capsys):
    model = tmp_path / "boxes-v2"
    model.mkdir()
    (model / "model-shapes.json").write_text('[{"shape": [1, 3, 32, 32]}]')
    (model / "image-classification-0001.params").write_bytes(os.urandom(2048))
    name = sandbox_env.unique_name("m")
    code, out = gg(capsys, "model", "push", str(model), "--name", name)
    assert code == 0, out
    assert out.startswith("uploaded s3://gg-artifacts-123456789012-us-east-1/gg-models/%s/" % name)
    source = [l for l in out.splitlines() if l.strip().startswith("Source: ")][0].split("Source: ")[1]
    assert "  - Id: %s\n    DestinationPath: /ml/%s\n" % (name, name) in out
    bucket, key = source[5:].split("/", 1)
    assert sandbox_env.boto3_client("s3").head_object(Bucket=bucket, Key=key)["ContentLength"] > 2048
    code, again = gg(capsys, "model", "push", str(model), "--name", name)
    assert code == 0 and again.startswith("already there: " + source)
    (model / "labels.txt").write_text("red\ngreen\n")           # retrained: new content, new key
    code, third = gg(capsys, "model", "push", str(model), "--name", name)
    assert third.startswith("uploaded ") and source not in third


def _feedback_store():
    path = os.path.join(ROOT, "lambdas", "inference", "feedback.py")
    spec = importlib.util.spec_from_file_location("lambda_feedback", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FeedbackStore


def test_feedback_push_then_pull_by_label(sandbox_env, tmp_path, capsys):
    store = _feedback_store()(str(tmp_path / "device"))
    for label, score in (("red", 0.41), ("blue", 0.38), ("red", 0.52)):
        store.add(b"\xff\xd8jpeg-bytes\xff\xd9", "jpeg", {"top": [{"label": label, "score": score}],
                                                          "timestamp": 1700000000, "filepath": "/frames/x.jpg"})
    s3 = sandbox_env.boto3_client("s3")
    bucket = sandbox_env.unique_name("fb")
    s3.create_bucket(Bucket=bucket)
    code, out = gg(capsys, "feedback", "push", str(tmp_path / "device"), "s3://%s/store-1" % bucket, "--delete")
    assert code == 0, out
    assert "pushed 3 frame(s)" in out
    assert os.listdir(tmp_path / "device") == []
    assert len(s3.list_objects_v2(Bucket=bucket, Prefix="store-1/")["Contents"]) == 6
    code, out = gg(capsys, "feedback", "pull", "s3://%s/store-1" % bucket, str(tmp_path / "label"))
    assert code == 0 and "pulled 3 frame(s)" in out
    assert sorted(os.listdir(tmp_path / "label")) == ["blue", "index.csv", "red"]
    assert len(os.listdir(tmp_path / "label" / "red")) == 2
    with open(tmp_path / "label" / "index.csv") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["predicted"] for r in rows) == ["blue", "red", "red"]
    assert {r["score"] for r in rows} == {"0.41", "0.38", "0.52"}


def test_feedback_push_missing_folder_is_one_line(sandbox_env, tmp_path, capsys):
    code, out = gg(capsys, "feedback", "push", str(tmp_path / "nope"), "s3://b/p")
    assert code == 1 and out.strip() == "error: feedback folder %s does not exist" % (tmp_path / "nope")
