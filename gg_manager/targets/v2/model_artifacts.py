"""The model ZIPs gg uploads for Greengrass V2 (which unpacks only ZIP artifacts), made at apply time.

local:PackModelZip: a local folder or tarball, packed again and refused if it changed since
the plan was made. local:RepackModel: an S3 (or SageMaker) model archive, downloaded and
refused if its ETag is not the one planned; a tar.gz becomes the same files as a ZIP
(package/model_zip.py: no absolute paths, no '..', no links), a ZIP is taken as it is.
"""
import io
import zipfile
from pathlib import PurePosixPath

from gg_manager.errors import GGError
from gg_manager.package.model_zip import model_zip, model_zip_from_tarball, zip_digest

MAX_MODEL_BYTES = 4 * 1024 ** 3


def pack_model_zip(path, digest):
    data = model_zip(path)
    if zip_digest(data) != digest:
        raise GGError("model %s changed since the plan was made; plan again" % path)
    return {"body": data}


def repack_model(ctx, source, etag):
    """local:RepackModel (runs with the AWS context: it reads the model's archive from S3)."""
    bucket, _, key = source[len("s3://"):].partition("/")
    answer = ctx.client("s3").get_object(Bucket=bucket, Key=key)
    if answer.get("ETag", "").strip('"') != etag:
        raise GGError("model %s changed since the plan was made; plan again" % source)
    if int(answer.get("ContentLength") or 0) > MAX_MODEL_BYTES:
        raise GGError("model %s is larger than %d bytes" % (source, MAX_MODEL_BYTES))
    data = answer["Body"].read()
    if source.endswith(".zip"):
        return {"body": checked_zip(data, source)}
    return {"body": model_zip_from_tarball(data)}


def checked_zip(data, source):
    """A model ZIP taken as it is, once no entry is absolute or climbs out with '..' (a device unpacks it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise GGError("model %s is not a readable ZIP: %s" % (source, exc))
    for name in names:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or "\\" in name:
            raise GGError("model %s: unsafe path %s in the ZIP" % (source, name))
    return data


repack_model.with_context = True

LOCAL_HANDLERS = {"local:PackModelZip": pack_model_zip, "local:RepackModel": repack_model}
