"""gg's artifact bucket outside a plan (rollout input files, `gg model push`): created and tagged as
gg's when missing, and tagged again when an earlier tagging failed (it is gg's by its name)."""
from gg_manager.aws.errors import error_code, missing
from gg_manager.resources import names

MISSING = ("404", "NoSuchBucket", "NotFound")


def create_managed_bucket(ctx, bucket):
    """Create `bucket` in the context's region (tolerating a concurrent creator) and tag it as gg's."""
    s3 = ctx.client("s3")
    kwargs = {"Bucket": bucket}
    if ctx.region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    try:
        s3.create_bucket(**kwargs)
    except Exception as exc:
        if error_code(exc) != "BucketAlreadyOwnedByYou":
            raise
    _tag(s3, bucket, {})


def _tag(s3, bucket, tags):
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": names.tag_list(dict(tags, **names.tags()))})


def ensure_managed_bucket(ctx, bucket):
    """`bucket`, created first if it does not exist; True when it was created now."""
    s3 = ctx.client("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception as exc:
        if error_code(exc) not in MISSING:
            raise
        create_managed_bucket(ctx, bucket)
        return True
    tags = names.tag_map((missing(s3.get_bucket_tagging, Bucket=bucket) or {}).get("TagSet"))
    if not names.is_managed(tags) and bucket == names.default_artifact_bucket(ctx.account, ctx.region):
        _tag(s3, bucket, tags)
    return False
