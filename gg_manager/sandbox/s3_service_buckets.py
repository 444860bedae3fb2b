"""Buckets that AWS owns are not the account's: ListBuckets leaves them out.

The Lambda code store (`awslambda-<region>-tasks`, see lambda_code.py) and the
Greengrass V2 component artifact store (`greengrass-components-<region>`, see
v2/artifacts.py) are AWS service buckets: GetFunction's Code.Location and
GetComponentVersionArtifact's URL point into them, but they never show in the
caller's ListBuckets. moto keeps them in the caller's account, so they are
filtered from listings; reading their objects by name still works.
"""
import re

from moto.s3.models import S3Backend

SERVICE_BUCKET = re.compile(r"^(awslambda-[a-z0-9-]+-tasks|greengrass-components-[a-z0-9-]+)$")


def install():
    original = S3Backend.list_buckets
    if getattr(original, "_gg_sandbox", False):
        return

    def list_buckets(self, *args, **kwargs):
        return [b for b in original(self, *args, **kwargs) if not SERVICE_BUCKET.match(b.name)]

    list_buckets._gg_sandbox = True
    S3Backend.list_buckets = list_buckets
