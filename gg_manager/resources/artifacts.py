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

from botocore.exceptions import ClientError

from gg_manager.aws.errors import NOT_FOUND, error_code, exists, gone, missing
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
        change = Change("create", "s3 bucket", name, after={"region": region, "tags": names.tag_map(tagging["TagSet"])})
        params = {"Bucket": name}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        change.add("s3:CreateBucket", params, done_if=exists("s3"))
        change.add("s3:PutBucketTagging", {"Bucket": name, "Tagging": tagging})
        return [change]
    if not actual.managed and name == names.default_artifact_bucket(account, region):
        change = Change("update", "s3 bucket", name, before={"tags": actual.tags},
                        after={"tags": names.tag_map(tagging["TagSet"])})
        change.add("s3:PutBucketTagging", {"Bucket": name, "Tagging": tagging})
        return [change]
    return []


def upload_change(model: DesiredModel) -> Change:
    change = Change("create", "model object", model.uri, after={"source": model.path, "sha256": model.digest})
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


@dataclass(frozen=True)
class ModelSource:
    """A model the spec takes from AWS as it is there: an s3:// object or a SageMaker training job."""
    uri: str                 # s3://bucket/key, or arn:aws:sagemaker:...:training-job/NAME
    location: str = ""       # where the spec names it: "greengrass.yaml:29:13 Models[0].Source"

    @property
    def is_training_job(self):
        return not self.uri.startswith("s3://")


def model_sources(models):
    """The sources of spec Models that must exist in AWS before anything is planned on them."""
    from gg_manager.spec import model as m
    out = []
    for model in models:
        if isinstance(model.source, m.S3Model):
            out.append(ModelSource(model.source.uri, model.location))
        elif isinstance(model.source, m.SageMakerModel):
            out.append(ModelSource(model.source.job_arn, model.location))
    return out


def check_model_sources(ctx, sources):
    """Every s3:// object (HeadObject) and SageMaker training job (exists, Completed) the spec
    names as a model source must be there; one located line per problem, all at once."""
    found = {}                                   # uri -> its problem or None: one read per source
    problems = []
    for source in sorted(set(sources), key=lambda s: (s.location, s.uri)):
        if source.uri not in found:
            check = _job_problem if source.is_training_job else _object_problem
            found[source.uri] = check(ctx, source.uri)
        if found[source.uri]:
            problems.append("%s: %s" % (source.location, found[source.uri]) if source.location
                            else found[source.uri])
    if problems:
        raise GGError("\n".join(problems))


def _object_problem(ctx, uri):
    bucket, _, key = uri[len("s3://"):].partition("/")
    try:
        found = missing(read, ctx, "s3:HeadObject", Bucket=bucket, Key=key)
    except ClientError as exc:
        if error_code(exc) in ("403", "AccessDenied", "Forbidden"):
            return ("cannot read model source %s: access denied (gg needs s3:GetObject on it; S3 also answers "
                    "so for a missing object when s3:ListBucket is not allowed)" % uri)
        raise
    if found is None:
        return "model source %s does not exist (upload it first, or name a local folder gg uploads)" % uri
    return None


def _job_problem(ctx, job_arn):
    name = job_arn.rsplit("/", 1)[-1]
    job = missing(read, ctx, "sagemaker:DescribeTrainingJob", TrainingJobName=name, not_found=SAGEMAKER_NOT_FOUND)
    if job is None:
        return "SageMaker training job %s does not exist (model source %s)" % (name, job_arn)
    if job.get("TrainingJobStatus") != "Completed":
        return ("SageMaker training job %s is %s, not Completed; its model cannot be deployed yet"
                % (name, job.get("TrainingJobStatus")))
    return None


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
