"""`gg model push DIR`: pack a model folder, upload it content-addressed, say what to put in the spec."""
from gg_manager.aws.buckets import ensure_managed_bucket
from gg_manager.aws.session import error_code
from gg_manager.package.model_tarball import model_digest, model_s3_key, model_source_bytes
from gg_manager.resources import names


def push_model(ctx, path, name, bucket=None):
    """Upload `path` (a folder or a .tar.gz) unless that exact content is there; return (uri, uploaded, size)."""
    data = model_source_bytes(path)
    digest = model_digest(data)
    bucket = bucket or names.default_artifact_bucket(ctx.account, ctx.region)
    key = model_s3_key(name, digest)
    ensure_managed_bucket(ctx, bucket)
    s3 = ctx.client("s3")
    try:
        s3.head_object(Bucket=bucket, Key=key)
        uploaded = False
    except Exception as exc:
        if error_code(exc) not in ("404", "NoSuchKey", "NotFound"):
            raise
        s3.put_object(Bucket=bucket, Key=key, Body=data, Metadata={"sha256": digest},
                      Tagging="%s=%s" % (names.MANAGED_BY, names.MANAGED_VALUE))
        uploaded = True
    return "s3://%s/%s" % (bucket, key), uploaded, len(data)
