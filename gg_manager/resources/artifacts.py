"""S3 artifacts: gg's bucket, the model objects it uploads, and SageMaker model sources.

The artifact bucket (gg-artifacts-ACCOUNT-REGION unless the spec names one) is shared by
every app of the account: it is created when missing, tagged gg:managed-by=gg (again, if
an earlier tagging failed and the bucket is gg's by name), and only `gg remove --all`
deletes it, once no app uses it. Model objects are content-addressed
(gg-models/<model id>/<sha256>.tar.gz): an upload happens only when that content is not there.
"""
import hashlib
import json
from dataclasses import dataclass, field
from typing import Optional

from gg_manager.aws.errors import NOT_FOUND, exists, gone, missing
from gg_manager.errors import GGError
from gg_manager.package.model_tarball import model_digest, model_source_bytes
from gg_manager.plan.model import Change
from gg_manager.plan.operations import read
from gg_manager.resources import names

GONE = gone("s3")
MANAGED_OBJECT_TAGGING = "%s=%s" % (names.MANAGED_BY, names.MANAGED_VALUE)
# SageMaker answers a missing training job with ValidationException ("Requested resource not found").
SAGEMAKER_NOT_FOUND = NOT_FOUND | {"ValidationException"}


@dataclass
class ActualBucket:
    name: str
    tags: dict = field(default_factory=dict)

    @property
    def managed(self):
        return names.is_managed(self.tags)


@dataclass
class DesiredModel:
    resource_id: str
    bucket: str
    key: str
    path: str
    digest: str

    @property
    def uri(self):
        return "s3://%s/%s" % (self.bucket, self.key)


def desired_model(model_id, path, bucket) -> DesiredModel:
    from gg_manager.package.model_tarball import model_s3_key
    digest = model_digest(model_source_bytes(path))
    return DesiredModel(model_id, bucket, model_s3_key(model_id, digest), path, digest)


def discover_bucket(ctx, name) -> Optional[ActualBucket]:
    if missing(read, ctx, "s3:HeadBucket", Bucket=name) is None:
        return None
    tagging = missing(read, ctx, "s3:GetBucketTagging", Bucket=name) or {}   # NoSuchTagSet: no tags
    return ActualBucket(name, names.tag_map(tagging.get("TagSet")))


def object_exists(ctx, bucket, key) -> bool:
    return missing(read, ctx, "s3:HeadObject", Bucket=bucket, Key=key) is not None


def bucket_changes(name, actual: Optional[ActualBucket], account, region):
    """Create the bucket, or tag it as gg's when it is gg's by name and lost (or never got) the tag."""
    tagging = {"TagSet": names.tag_list(dict((actual.tags if actual else {}), **names.tags()))}
    if actual is None:
        change = Change("create", "s3 bucket", name)
        params = {"Bucket": name}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        change.add("s3:CreateBucket", params, done_if=exists("s3"))
        change.add("s3:PutBucketTagging", {"Bucket": name, "Tagging": tagging})
        return [change]
    if not actual.managed and name == names.default_artifact_bucket(account, region):
        change = Change("update", "s3 bucket", name, fields=["tags: mark it gg's (%s=%s)" % (
            names.MANAGED_BY, names.MANAGED_VALUE)], before={"tags": actual.tags})
        change.add("s3:PutBucketTagging", {"Bucket": name, "Tagging": tagging})
        return [change]
    return []


def upload_change(model: DesiredModel) -> Change:
    change = Change("create", "model object", model.uri,
                    fields=["from %s (sha256 %s)" % (model.path, model.digest[:12])])
    packed = change.add("local:PackModel", {"path": model.path, "digest": model.digest}, outputs={"body": "body"})
    change.add("s3:PutObject", {"Bucket": model.bucket, "Key": model.key, "Body": packed.ref("body"),
                                "Metadata": {"sha256": model.digest}, "Tagging": MANAGED_OBJECT_TAGGING})
    return change


def delete_object_change(bucket, key, reason="") -> Change:
    kind = "model object" if key.startswith("gg-models/") else "s3 object"
    change = Change("delete", kind, "s3://%s/%s" % (bucket, key), fields=[reason] if reason else [])
    change.add("s3:DeleteObject", {"Bucket": bucket, "Key": key}, done_if=GONE)
    return change


def delete_bucket_change(name, reason="") -> Change:
    change = Change("delete", "s3 bucket", name, fields=[reason] if reason else [])
    change.add("s3:DeleteBucket", {"Bucket": name}, done_if=GONE)
    return change


def pack_model(path, digest):
    """local:PackModel: the model's tarball again, refused if it changed since the plan was made."""
    data = model_source_bytes(path)
    if model_digest(data) != digest:
        raise GGError("model %s changed since the plan was made; plan again" % path)
    return {"body": data}


def check_training_jobs(ctx, job_arns):
    """A SageMaker model source must exist and be Completed before anything is planned on it."""
    for job_arn in sorted(set(job_arns)):
        name = job_arn.rsplit("/", 1)[-1]
        job = missing(read, ctx, "sagemaker:DescribeTrainingJob", TrainingJobName=name,
                      not_found=SAGEMAKER_NOT_FOUND)
        if job is None:
            raise GGError("SageMaker training job %s does not exist (model source %s)" % (name, job_arn))
        if job.get("TrainingJobStatus") != "Completed":
            raise GGError("SageMaker training job %s is %s, not Completed; its model cannot be deployed yet"
                          % (name, job.get("TrainingJobStatus")))


# --- gg's apply record: what gg applied, so the next plan can prove much without reading it ----

RECORD_PREFIX = "gg-records/"


def record_key(group_names):
    digest = hashlib.sha256("\n".join(sorted(group_names)).encode()).hexdigest()[:16]
    return "%s%s.json" % (RECORD_PREFIX, digest)


def read_record(ctx, bucket, key) -> dict:
    """The record (a JSON object), {} when there is none (no bucket, no object, not JSON)."""
    found = missing(read, ctx, "s3:GetObject", Bucket=bucket, Key=key)
    if not found:
        return {}
    try:
        data = json.loads(found["Body"].read())
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def record_change(bucket, key, body, fields) -> Change:
    change = Change("update", "apply record", "s3://%s/%s" % (bucket, key), fields=list(fields))
    change.add("s3:PutObject", {"Bucket": bucket, "Key": key, "Body": body, "ContentType": "application/json",
                                "Tagging": MANAGED_OBJECT_TAGGING})
    return change


LOCAL_HANDLERS = {"local:PackModel": pack_model}
