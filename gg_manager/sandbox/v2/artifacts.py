"""Component artifacts: S3 artifacts checked and digested, `greengrass:` artifacts stored, download URLs.

- An `s3://bucket/key` artifact must exist in the sandbox's S3 when the component
  is created (AWS: ValidationException "Specified artifact resource cannot be
  accessed"); its SHA-256 digest is added to the stored recipe (Digest, Algorithm).
- `greengrass:NAME` artifacts (a Lambda component's `lambda-artifact.zip`) live in
  an AWS-owned bucket of the sandbox's S3, `greengrass-components-<region>`, left
  out of ListBuckets like the Lambda code bucket.
- GetComponentVersionArtifact answers a presigned S3 URL on the sandbox's own
  endpoint (the host the caller used), which a plain HTTP GET downloads.
"""
import base64
import hashlib
import re
import threading

from . import recipes
from .errors import not_found, validation

S3_URI = re.compile(r"^s3://([^/]+)/(.+)$")
URL_EXPIRES = 3600
_CLIENTS = {}
_LOCK = threading.Lock()


def service_bucket(region):
    return "greengrass-components-%s" % region


def _s3(account):
    from moto.s3.models import s3_backends

    return s3_backends[account]["aws"]


def read_s3(account, bucket, key):
    """The object's bytes, or None when the bucket or key does not exist."""
    try:
        obj = _s3(account).get_object(bucket, key)
    except Exception:  # noqa: BLE001 - moto raises MissingBucket/MissingKey; both mean "cannot be accessed"
        return None
    return None if obj is None else obj.value


def digest(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def check_s3_artifacts(account, recipe):
    """Every s3:// artifact must exist: add its Digest/Algorithm, or raise AWS's ValidationException."""
    problems = {}
    for artifact in recipes.artifacts(recipe):
        uri = recipes.key(artifact, "Uri")
        if uri.startswith("docker:"):
            continue
        match = S3_URI.match(uri)
        if not match:
            problems[uri] = "Unsupported artifact URI scheme; use s3://bucket/key or docker:"
            continue
        data = read_s3(account, *match.groups())
        if data is None:
            problems[uri] = "Specified artifact resource cannot be accessed"
            continue
        if not recipes.key(artifact, "Digest"):
            artifact["Digest"], artifact["Algorithm"] = digest(data), "SHA-256"
    if problems:
        listed = ", ".join("%s = %s" % item for item in problems.items())
        raise validation("Invalid Input: Encountered following errors in Artifacts: {%s}" % listed,
                         fields=[{"name": uri, "message": msg} for uri, msg in problems.items()])


def store(account, region, name, version, filename, data):
    """Keep a `greengrass:` artifact; returns (bucket, key)."""
    s3 = _s3(account)
    bucket = service_bucket(region)
    if bucket not in s3.buckets:
        s3.create_bucket(bucket, region)
    key = "%s/%s/%s/%s" % (account, name, version, filename)
    s3.put_object(bucket, key, data)
    return bucket, key


def locate(component, artifact_name):
    """(bucket, key) of a component version's artifact named `artifact_name`, or ResourceNotFoundException."""
    account = component.arn.split(":")[4]
    for artifact in recipes.artifacts(component.recipe):
        uri = recipes.key(artifact, "Uri") or ""
        if uri == "greengrass:" + artifact_name:
            region = component.arn.split(":")[3]
            return service_bucket(region), "%s/%s/%s/%s" % (account, component.name, component.version,
                                                            artifact_name)
        match = S3_URI.match(uri)
        if match and artifact_name in (match.group(2), match.group(2).rsplit("/", 1)[-1]):
            return match.groups()
    raise not_found("Artifact %s of component %s version %s does not exist."
                    % (artifact_name, component.name, component.version), component.arn, "ARTIFACT")


def presigned_url(host_url, region, bucket, key):
    """A presigned GetObject URL on the sandbox's endpoint."""
    import botocore.session
    from botocore.config import Config

    with _LOCK:
        client = _CLIENTS.get((host_url, region))
        if client is None:
            client = botocore.session.get_session().create_client(
                "s3", region_name=region, endpoint_url=host_url, aws_access_key_id="testing",
                aws_secret_access_key="testing",
                config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
            _CLIENTS[(host_url, region)] = client
    return client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=URL_EXPIRES)
