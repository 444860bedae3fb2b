"""Frames the inference Lambda kept for retraining (FEEDBACK_DIR): to S3 from the device, back for labelling.

On the device (or the local core's volume folder), `gg feedback push` uploads each
kept frame with its prediction record and can delete what was uploaded; on the
training machine `gg feedback pull` lays them out by predicted label with an
index.csv, ready for a person to check the labels and retrain.
"""
import csv
import json
import os

from gg_manager.aws.session import paginate
from gg_manager.errors import GGError

IMAGE_EXTS = (".jpg", ".jpeg", ".png")


def parse_s3_uri(uri):
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        if uri.startswith("s3://") and uri[5:]:
            return uri[5:], ""
        raise GGError("expected s3://BUCKET/PREFIX, got %r" % uri)
    bucket, prefix = uri[5:].split("/", 1)
    return bucket, prefix.rstrip("/") + "/" if prefix else ""


def kept_frames(folder):
    """(image path, record path) pairs, oldest first; a frame whose record is missing is skipped."""
    if not os.path.isdir(folder):
        raise GGError("feedback folder %s does not exist" % folder)
    pairs = []
    for name in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(name)
        if ext.lower() in IMAGE_EXTS and not name.startswith("."):
            record = os.path.join(folder, stem + ".json")
            if os.path.exists(record):
                pairs.append((os.path.join(folder, name), record))
    return pairs


def push(ctx, folder, uri, delete=False, out=None):
    bucket, prefix = parse_s3_uri(uri)
    s3 = ctx.client("s3")
    count = 0
    for image, record in kept_frames(folder):
        for path in (image, record):
            s3.upload_file(path, bucket, prefix + os.path.basename(path))
        if delete:
            os.remove(image)
            os.remove(record)
        count += 1
    if out:
        out.write("pushed %d frame(s) from %s to s3://%s/%s%s\n" % (
            count, folder, bucket, prefix, " (deleted locally)" if delete else ""))
    return count


def _top_label(record):
    top = record.get("top") or []
    if top and isinstance(top[0], dict):
        return str(top[0].get("label", top[0].get("index", "unknown"))), top[0].get("score")
    return "unknown", None


def pull(ctx, uri, dest, out=None):
    bucket, prefix = parse_s3_uri(uri)
    s3 = ctx.client("s3")
    keys = [o["Key"] for o in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix=prefix)]
    records = {k[:-5]: k for k in keys if k.endswith(".json")}
    rows = []
    for key in sorted(keys):
        stem, ext = os.path.splitext(key)
        if ext.lower() not in IMAGE_EXTS or stem not in records:
            continue
        record = json.loads(s3.get_object(Bucket=bucket, Key=records[stem])["Body"].read())
        label, score = _top_label(record)
        folder = os.path.join(dest, _safe(label))
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, os.path.basename(key))
        s3.download_file(bucket, key, target)
        rows.append({"file": os.path.relpath(target, dest), "predicted": label,
                     "score": "" if score is None else score, "captured": record.get("timestamp", ""),
                     "source": record.get("filepath", "")})
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, "index.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, ["file", "predicted", "score", "captured", "source"])
        writer.writeheader()
        writer.writerows(rows)
    if out:
        out.write("pulled %d frame(s) into %s, by predicted label; see %s\n" % (
            len(rows), dest, os.path.join(dest, "index.csv")))
    return rows


def _safe(label):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in label) or "unknown"
