"""Bulk deployments: start, status, list, detailed reports, stop.

`start_bulk_deployment` reads its input file from the sandbox's own S3
(`InputFileUri` = s3://bucket/key): JSON lines of
`{"GroupId", "GroupVersionId", "DeploymentType"}`. Each valid record becomes a
real deployment of that group (its status progresses like any other); invalid
records are counted in `InvalidInputRecords` and reported as failures. The bulk
deployment is `Running` while any of its deployments is in progress, then
`Completed`; `stop_bulk_deployment` makes it `Stopped`. An unreadable input file
makes it `Failed` with an ErrorMessage.
"""
import json
import re

from moto.core.common_models import BaseModel
from moto.core.utils import utcnow
from moto.greengrass.exceptions import GreengrassClientError
from moto.greengrass.responses import GreengrassResponse
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from .common import iso, json_body, paginate, store, uri_param, with_token
from .deployments import current_status
from .errors import BadRequestException
from .tags import tags_of, validate_tags

S3_URI = re.compile(r"^s3://([^/]+)/(.+)$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$")
TYPES = ("NewDeployment", "Redeployment", "ResetDeployment", "ForceResetDeployment")


class FakeBulkDeployment(BaseModel):
    def __init__(self, backend, role_arn, input_uri):
        self.id = str(mock_random.uuid4())
        self.arn = "arn:%s:greengrass:%s:%s:/greengrass/bulk/deployments/%s" % (
            get_partition(backend.region_name), backend.region_name, backend.account_id, self.id)
        self.role_arn, self.input_uri = role_arn, input_uri
        self.created_at = utcnow()
        self.records = []  # each: {"deployment": FakeDeployment | None, "group_arn", "error"}
        self.invalid, self.processed = 0, 0
        self.error_message, self.error_details = None, None
        self.stopped = False

    def status(self):
        if self.error_message:
            return "Failed"
        if self.stopped:
            return "Stopped"
        pending = [r for r in self.records if r["deployment"] and current_status(r["deployment"]) in ("Building", "InProgress")]
        return "Running" if pending else "Completed"


def _read_input(backend, uri):
    from moto.s3.models import s3_backends

    bucket, key = S3_URI.match(uri).groups()
    s3 = s3_backends[backend.account_id][get_partition(backend.region_name)]
    obj = s3.get_object(bucket, key)
    if obj is None:
        raise KeyError(key)
    return obj.value.decode("utf-8")


def _run(backend, bulk, text):
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        bulk.processed += 1
        group_arn, error = None, None
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or record.get("DeploymentType") not in TYPES:
                raise ValueError("record must be {GroupId, GroupVersionId, DeploymentType}")
            group = backend.groups.get(record.get("GroupId"))
            group_arn = group.arn if group else None
            deployment = backend.create_deployment(record["GroupId"], record.get("GroupVersionId"),
                                                   record["DeploymentType"], record.get("DeploymentId"))
        except (ValueError, KeyError, GreengrassClientError) as exc:
            bulk.invalid += 1
            error = getattr(exc, "message", None) or str(exc)
            bulk.records.append({"deployment": None, "group_arn": group_arn, "error": "line %d: %s" % (n, error)})
            continue
        deployment.bulk_id = bulk.id
        bulk.records.append({"deployment": deployment, "group_arn": deployment.group_arn, "error": None})


def start_bulk_deployment(self):
    body = json_body(self)
    role_arn, uri = body.get("ExecutionRoleArn"), body.get("InputFileUri")
    if not role_arn or not ROLE_ARN.match(role_arn):
        raise BadRequestException("ExecutionRoleArn must be an IAM role ARN.")
    if not uri or not S3_URI.match(uri):
        raise BadRequestException("InputFileUri must be an s3://bucket/key URI.")
    tags = validate_tags(body.get("tags"))
    backend = self.greengrass_backend
    bulk = FakeBulkDeployment(backend, role_arn, uri)
    store(backend, "bulk_deployments")[bulk.id] = bulk
    if tags:
        tags_of(backend)[bulk.arn] = dict(tags)
    try:
        text = _read_input(backend, uri)
    except Exception as exc:  # noqa: BLE001 - any S3 problem fails the bulk deployment, as in AWS
        bulk.error_message = "Could not read the input file %s" % uri
        bulk.error_details = [{"DetailedErrorCode": "GG-501", "DetailedErrorMessage": str(exc) or type(exc).__name__}]
    else:
        _run(backend, bulk, text)
    return json.dumps({"BulkDeploymentArn": bulk.arn, "BulkDeploymentId": bulk.id})


def _get(self, index):
    bulk_id = uri_param(self, "BulkDeploymentId", index)
    bulk = store(self.greengrass_backend, "bulk_deployments").get(bulk_id)
    if bulk is None:
        raise BadRequestException("Bulk deployment %s does not exist." % bulk_id)
    return bulk


def get_bulk_deployment_status(self):
    bulk = _get(self, -2)
    res = {
        "BulkDeploymentMetrics": {"InvalidInputRecords": bulk.invalid, "RecordsProcessed": bulk.processed,
                                  "RetryAttempts": 0},
        "BulkDeploymentStatus": bulk.status(),
        "CreatedAt": iso(bulk.created_at),
    }
    if bulk.error_message:
        res["ErrorMessage"], res["ErrorDetails"] = bulk.error_message, bulk.error_details
    tags = tags_of(self.greengrass_backend).get(bulk.arn)
    if tags:
        res["tags"] = dict(tags)
    return json.dumps(res)


def list_bulk_deployments(self):
    page, token = paginate(self, store(self.greengrass_backend, "bulk_deployments").values())
    items = [{"BulkDeploymentArn": b.arn, "BulkDeploymentId": b.id, "CreatedAt": iso(b.created_at)} for b in page]
    return json.dumps(with_token({"BulkDeployments": items}, token))


def _report(record):
    deployment = record["deployment"]
    if deployment is None:
        res = {"DeploymentStatus": "Failure", "ErrorMessage": record["error"],
               "ErrorDetails": [{"DetailedErrorCode": "GG-400", "DetailedErrorMessage": record["error"]}]}
        if record["group_arn"]:
            res["GroupArn"] = record["group_arn"]
        return res
    res = {"CreatedAt": iso(deployment.created_at_datetime), "DeploymentArn": deployment.arn,
           "DeploymentId": deployment.id, "DeploymentStatus": current_status(deployment),
           "DeploymentType": deployment.deployment_type, "GroupArn": deployment.group_arn}
    if getattr(deployment, "error_message", None):
        res["ErrorMessage"] = deployment.error_message
    if getattr(deployment, "error_details", None):
        res["ErrorDetails"] = deployment.error_details
    return res


def list_bulk_deployment_detailed_reports(self):
    bulk = _get(self, -2)
    page, token = paginate(self, bulk.records)
    return json.dumps(with_token({"Deployments": [_report(r) for r in page]}, token))


def stop_bulk_deployment(self):
    bulk = _get(self, -2)
    if bulk.status() in ("Completed", "Failed"):
        raise BadRequestException("Bulk deployment %s has already finished." % bulk.id)
    bulk.stopped = True
    return "{}"


def install():
    for func in (start_bulk_deployment, get_bulk_deployment_status, list_bulk_deployments,
                 list_bulk_deployment_detailed_reports, stop_bulk_deployment):
        setattr(GreengrassResponse, func.__name__, func)
