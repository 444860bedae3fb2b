"""Frames the inference Lambda kept for retraining (FEEDBACK_DIR): to S3 from the device, back for labelling.

On the device (or the local core's volume folder), `gg feedback push` uploads each
kept frame with its prediction record and can delete what was uploaded; on the
training machine `gg feedback pull` lays them out by predicted label with an
index.csv, ready for a person to check the labels and retrain.
"""
import csv
import hashlib
import io
import json
import math
import os
import re

import botocore.exceptions

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
    """(image path, record path) pairs, oldest first; a frame whose record is missing is skipped,
    and so is anything that is not a regular file (a link in the folder would upload its target)."""
    if not os.path.isdir(folder):
        raise GGError("feedback folder %s does not exist" % folder)
    pairs = []
    for name in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(name)
        if ext.lower() in IMAGE_EXTS and not name.startswith("."):
            image, record = os.path.join(folder, name), os.path.join(folder, stem + ".json")
            if all(os.path.isfile(p) and not os.path.islink(p) for p in (image, record)):
                pairs.append((image, record))
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


class BadRecord(Exception):
    """One kept frame that cannot be pulled; the message says why, and the others go on."""


MAX_RECORD_BYTES = 1 << 20
MAX_FOLDER_BYTES = 100
MAX_TEXT_CHARS = 4096
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_FORMULA_START = ("=", "+", "-", "@")


def label_folder(label):
    """A predicted label as one safe folder name: no separator, NUL, '.', '..', hidden or option-like name.

    Letters, digits (any script), '-', '_' and '.' are kept, anything else becomes
    '_'; leading dots and dashes become '_'; a name over MAX_FOLDER_BYTES is cut and
    given a hash of the whole label so different long labels stay apart.
    """
    text = "".join(c if (c.isalnum() and c.isprintable()) or c in "-_." else "_" for c in label)
    text = re.sub(r"^[.-]+", lambda m: "_" * len(m.group(0)), text)
    if len(text.encode("utf-8")) > MAX_FOLDER_BYTES:
        digest = hashlib.sha256(label.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        text = "%s-%s" % (text.encode("utf-8")[:MAX_FOLDER_BYTES - 11].decode("utf-8", "ignore"), digest)
    return text or "unknown"


def csv_cell(value):
    """A cell a spreadsheet shows as text: formula-like strings get a leading ' (OWASP CSV injection)."""
    if not isinstance(value, str):
        return value
    if value.startswith(("\t", "\r")) or value.lstrip(" \t\r\n").startswith(_FORMULA_START):
        return "'" + value
    return value


def shown(text):
    """Key text safe to print on a terminal: control characters escaped, long keys shortened."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= 200 else text[:197] + "..."


def _read_record(s3, bucket, key):
    try:
        raw = s3.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_RECORD_BYTES + 1)
    except botocore.exceptions.ClientError as err:
        raise BadRecord("its record could not be read (%s)" % err.response.get("Error", {}).get("Code", "error"))
    if len(raw) > MAX_RECORD_BYTES:
        raise BadRecord("its record is over %d bytes" % MAX_RECORD_BYTES)
    try:
        record = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRecord("its record is not valid JSON")
    if not isinstance(record, dict):
        raise BadRecord("its record is a JSON %s, not an object" % type(record).__name__)
    return record


def _number(value, what):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadRecord("%s must be a number" % what)
    return value


def _text(value, what):
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS:
        raise BadRecord("%s must be a string of at most %d characters" % (what, MAX_TEXT_CHARS))
    return value


def _first_prediction(record):
    """(label, score) of the best class (classification 'top') or the best box (detection 'prediction')."""
    top = record.get("top")
    if top is not None:
        if not isinstance(top, list) or not top or not isinstance(top[0], dict):
            raise BadRecord("'top' must be a non-empty list of objects")
        first = top[0]
        return first.get("label", first.get("index")), first.get("score")
    rows = record.get("prediction")
    if not isinstance(rows, list):
        raise BadRecord("its record has neither 'top' (classification) nor 'prediction' (detection)")
    if not rows:
        return "unknown", None
    if not isinstance(rows[0], list) or len(rows[0]) < 2:
        raise BadRecord("'prediction' rows must be [class, score, ...] lists")
    labels = record.get("labels")
    return (labels[0] if isinstance(labels, list) and labels else rows[0][0]), rows[0][1]


def record_fields(record):
    """(label, score, captured, source) of a record, checked, or BadRecord."""
    label, score = _first_prediction(record)
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    if isinstance(label, bool) or not isinstance(label, (str, int)):
        raise BadRecord("the predicted label must be a string or a number")
    label = _text(str(label), "the predicted label")
    score = _number(score if score is not None else record.get("best_score"), "the score")
    return label, score, _number(record.get("timestamp"), "'timestamp'"), _text(record.get("filepath"), "'filepath'")


def _target(dest, label, key, written):
    """dest/<label folder>/<image name>, checked to stay inside dest; BadRecord when it cannot."""
    name = key.rsplit("/", 1)[-1]
    if not _PLAIN_NAME.match(name):
        raise BadRecord("the image key's file name is not plain (letters, digits, '.', '_', '-'; not hidden)")
    folder = os.path.join(dest, label_folder(label))
    target = os.path.join(folder, name)
    if target in written:
        raise BadRecord("another key in this prefix has the same file name and label")
    for path in (folder, target):
        if os.path.islink(path):
            raise BadRecord("%s is a symbolic link; not writing through it" % path)
    root = os.path.realpath(dest)
    if os.path.commonpath([root, os.path.realpath(target)]) != root:
        raise BadRecord("%s would be outside %s" % (target, dest))
    return folder, target


def _pull_one(s3, bucket, key, record_key, dest, written):
    if record_key is None:
        raise BadRecord("no .json record next to it")
    label, score, captured, source = record_fields(_read_record(s3, bucket, record_key))
    folder, target = _target(dest, label, key, written)
    os.makedirs(folder, exist_ok=True)
    try:
        s3.download_file(bucket, key, target)
    except botocore.exceptions.ClientError as err:
        raise BadRecord("the image could not be downloaded (%s)" % err.response.get("Error", {}).get("Code", "error"))
    written.add(target)
    return {"file": os.path.relpath(target, dest), "predicted": label, "score": "" if score is None else score,
            "captured": "" if captured is None else captured, "source": source}


def _write_index(dest, rows):
    with open(os.path.join(dest, "index.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, ["file", "predicted", "score", "captured", "source"])
        writer.writeheader()
        writer.writerows(dict((k, csv_cell(v)) for k, v in row.items()) for row in rows)


def pull(ctx, uri, dest, out=None):
    """Download kept frames into dest/<predicted label>/ with index.csv; a bad record is one line, not a stop."""
    out = out or io.StringIO()
    bucket, prefix = parse_s3_uri(uri)
    s3 = ctx.client("s3")
    keys = [o["Key"] for o in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix=prefix)]
    records = dict((k[:-5], k) for k in keys if k.endswith(".json"))
    images = [k for k in sorted(keys) if os.path.splitext(k)[1].lower() in IMAGE_EXTS]
    os.makedirs(dest, exist_ok=True)
    rows, skipped, written = [], 0, set()
    for key in images:
        try:
            rows.append(_pull_one(s3, bucket, key, records.get(os.path.splitext(key)[0]), dest, written))
        except BadRecord as err:
            skipped += 1
            out.write("skipped s3://%s/%s: %s\n" % (bucket, shown(key), err))
    _write_index(dest, rows)
    out.write("pulled %d frame(s) into %s, by predicted label; see %s\n" % (
        len(rows), dest, os.path.join(dest, "index.csv")))
    if skipped:
        raise GGError("%d of %d kept frame(s) skipped (see above); the other %d are in %s" % (
            skipped, len(images), len(rows), dest))
    return rows
