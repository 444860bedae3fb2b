"""`gg feedback pull` on records an attacker wrote (a compromised device can push anything to the bucket).

Through the CLI against the sandbox, checked the way a user would: what lands on
disk (and where), what index.csv holds for a spreadsheet, gg's output and exit code.
"""
import csv
import json
import os

from gg_manager.cli import main

JPEG = b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9"


def gg(capsys, *args):
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def bucket_with(sandbox_env, objects):
    s3 = sandbox_env.boto3_client("s3")
    bucket = sandbox_env.unique_name("fb")
    s3.create_bucket(Bucket=bucket)
    for key, body in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body if isinstance(body, bytes) else json.dumps(body).encode())
    return bucket


def frame(objects, stem, record, image=JPEG):
    objects["store-1/%s.jpg" % stem] = image
    objects["store-1/%s.json" % stem] = record


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(d, n), folder) for d, _, names in os.walk(folder) for n in names)


HOSTILE_LABELS = ["..", ".", "/abs", "a/../../b", "x\x00y", "A" * 3000, "=cmd|' /C calc'!A0", "-rf", ".hidden",
                  "+SUM(1,2)", "@SUM(1)", "\tTAB", "\r=1+1", "  =2+2", "猫", "\u202egnp.exe"]


def test_hostile_labels_stay_inside_the_folder_and_the_index_cannot_run_formulas(sandbox_env, tmp_path, capsys):
    objects = {}
    for i, label in enumerate(HOSTILE_LABELS):
        frame(objects, "f%02d" % i, {"top": [{"label": label, "score": 0.4}], "timestamp": 1700000000 + i,
                                     "filepath": "=HYPERLINK(\"http://x\")" if i == 0 else "/frames/x.jpg"})
    bucket = bucket_with(sandbox_env, objects)
    work = tmp_path / "work"
    work.mkdir()
    before = files_under(str(tmp_path))
    code, out = gg(capsys, "feedback", "pull", "s3://%s/store-1" % bucket, str(work / "label"))
    assert code == 0, out
    assert "pulled %d frame(s)" % len(HOSTILE_LABELS) in out and "Traceback" not in out
    outside = [f for f in files_under(str(tmp_path)) if f not in before and not f.startswith("work/label/")]
    assert outside == []
    folders = sorted(os.listdir(str(work / "label")))
    assert "index.csv" in folders
    folders.remove("index.csv")
    assert len(folders) == len(HOSTILE_LABELS)                  # each label its own folder, none merged away
    for name in folders:
        assert os.path.isdir(str(work / "label" / name)) and name not in (".", "..")
        assert not name.startswith((".", "-")) and "/" not in name and "\x00" not in name
        assert len(name.encode()) <= 100 and os.listdir(str(work / "label" / name))
    assert "猫" in folders
    with open(str(work / "label" / "index.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(HOSTILE_LABELS)
    for row in rows:
        for cell in row.values():
            assert not cell.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")) and not cell.startswith(("\t", "\r"))
    by_file = dict((r["file"].split("/")[-1], r) for r in rows)
    assert by_file["f06.jpg"]["predicted"] == "'=cmd|' /C calc'!A0"     # kept for the reader, inert for the sheet
    assert by_file["f00.jpg"]["source"].startswith("'=HYPERLINK")
    assert by_file["f14.jpg"]["predicted"] == "猫" and by_file["f00.jpg"]["score"] == "0.4"


def test_bad_records_are_one_line_each_and_the_rest_is_pulled(sandbox_env, tmp_path, capsys):
    objects = {}
    frame(objects, "good-1", {"top": [{"label": "red", "score": 0.3}], "timestamp": 1700000000})
    frame(objects, "good-2", {"prediction": [[1, 0.45, 0, 0, 1, 1]], "labels": ["car"], "timestamp": 1700000001})
    bad = {
        "not-json": (b"{not json", "its record is not valid JSON"),
        "deep": (b"[" * 100000 + b"]" * 100000, "its record is not valid JSON"),
        "a-list": ([1, 2], "its record is a JSON list, not an object"),
        "no-fields": ({"timestamp": 1}, "neither 'top' (classification) nor 'prediction'"),
        "top-string": ({"top": "red"}, "'top' must be a non-empty list of objects"),
        "label-object": ({"top": [{"label": {"a": 1}}]}, "the predicted label must be a string or a number"),
        "score-text": ({"top": [{"label": "red", "score": "high"}]}, "the score must be a number"),
        "when-text": ({"top": [{"label": "red"}], "timestamp": "yesterday"}, "'timestamp' must be a number"),
        "path-number": ({"top": [{"label": "red"}], "filepath": 7}, "'filepath' must be a string"),
        "rows-bad": ({"prediction": ["car"]}, "'prediction' rows must be [class, score, ...] lists"),
    }
    for stem, (record, _) in bad.items():
        frame(objects, stem, record)
    objects["store-1/.hidden.jpg"], objects["store-1/.hidden.json"] = JPEG, {"top": [{"label": "red"}]}
    objects["store-1/tab\there.jpg"], objects["store-1/tab\there.json"] = JPEG, {"top": [{"label": "red"}]}
    objects["store-1/orphan.jpg"] = JPEG
    bucket = bucket_with(sandbox_env, objects)
    code, out = gg(capsys, "feedback", "pull", "s3://%s/store-1" % bucket, str(tmp_path / "label"))
    assert code == 1 and "Traceback" not in out
    lines = out.strip().splitlines()
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert len(skipped) == len(bad) + 3
    for stem, (_, reason) in bad.items():
        line = "skipped s3://%s/store-1/%s.jpg: " % (bucket, stem)
        assert any(s.startswith(line) and reason in s for s in skipped), (stem, out)
    assert any(".hidden.jpg: the image key's file name is not plain" in s for s in skipped)
    assert any("store-1/tab\\there.jpg: the image key's file name is not plain" in s for s in skipped)
    assert any("orphan.jpg: no .json record next to it" in s for s in skipped)
    assert "pulled 2 frame(s)" in out
    assert lines[-1] == "error: %d of %d kept frame(s) skipped (see above); the other 2 are in %s" % (
        len(bad) + 3, len(bad) + 5, tmp_path / "label")
    assert files_under(str(tmp_path / "label")) == ["car/good-2.jpg", "index.csv", "red/good-1.jpg"]
