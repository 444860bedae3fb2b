"""gg's artifact bucket (models, rollout input files): created and tagged as gg's when missing."""
from gg_manager.aws.session import error_code

MISSING = ("404", "NoSuchBucket", "NotFound")


def create_managed_bucket(ctx, bucket):
    """Create `bucket` in the context's region (tolerating a concurrent creator) and tag it as gg's."""
    from gg_manager.resources import names
    s3 = ctx.client("s3")
    kwargs = {"Bucket": bucket}
    if ctx.region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    try:
        s3.create_bucket(**kwargs)
    except Exception as exc:
        if error_code(exc) != "BucketAlreadyOwnedByYou":
            raise
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [
        {"Key": names.MANAGED_BY, "Value": names.MANAGED_VALUE}]})


def ensure_managed_bucket(ctx, bucket):
    """`bucket`, created first if it does not exist; True when it was created now."""
    try:
        ctx.client("s3").head_bucket(Bucket=bucket)
        return False
    except Exception as exc:
        if error_code(exc) not in MISSING:
            raise
    create_managed_bucket(ctx, bucket)
    return True
