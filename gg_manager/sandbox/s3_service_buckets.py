"""Buckets that AWS owns are not the account's: ListBuckets leaves them out.

The Lambda code store (`awslambda-<region>-tasks`, see lambda_code.py) is an
AWS service bucket: GetFunction's Code.Location points into it, but it never
shows in the caller's ListBuckets. moto keeps it in the caller's account, so it
is filtered from listings; reading its objects by name still works.
"""
import re

from moto.s3.models import S3Backend

SERVICE_BUCKET = re.compile(r"^awslambda-[a-z0-9-]+-tasks$")


def install():
    original = S3Backend.list_buckets
    if getattr(original, "_gg_sandbox", False):
        return

    def list_buckets(self, *args, **kwargs):
        return [b for b in original(self, *args, **kwargs) if not SERVICE_BUCKET.match(b.name)]

    list_buckets._gg_sandbox = True
    S3Backend.list_buckets = list_buckets
