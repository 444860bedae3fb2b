"""The DeviceClient for AWS or a gg sandbox (reached by endpoint URL only): botocore's APIs, no sandbox code.

Deployments: IoT jobs data plane (DescribeJobExecution `$next` with its document,
UpdateJobExecution with the nucleus's statusDetails). Components: greengrassv2
ResolveComponentCandidates (one candidate at a time, with every dependent's requirement) and
GetComponentVersionArtifact (a pre-signed URL) for `greengrass:` artifacts; S3 GetObject for
`s3://` ones. Status: the nucleus's fleet-status message (health.py) published on MQTT topic
`$aws/things/<thing>/greengrassv2/health/json` through `publish(topic, payload)`.
Every failure becomes a CloudError with the nucleus's error code for it.
"""
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlparse

from .device_client import Candidate, CloudError, DeviceClient, JobExecution, NoCandidate
from .health import fleet_status_message, health_topic

log = logging.getLogger("gg.core.v2.aws")

_CODES = {
    "ResourceNotFoundException": "RESOURCE_NOT_FOUND", "NoSuchKey": "S3_RESOURCE_NOT_FOUND",
    "NoSuchBucket": "S3_RESOURCE_NOT_FOUND", "AccessDeniedException": "ACCESS_DENIED", "AccessDenied": "ACCESS_DENIED",
    "ThrottlingException": "THROTTLING_ERROR", "ValidationException": "BAD_REQUEST", "ConflictException":
    "CONFLICTED_REQUEST", "InternalServerException": "SERVER_ERROR", "ServiceUnavailableException": "SERVER_ERROR",
}
_CHUNK = 1024 * 1024


def cloud_error(exc, what, kind=CloudError):
    """A CloudError from a botocore/urllib exception: the message says what was tried and what AWS said."""
    response = getattr(exc, "response", None) or {}
    code = (response.get("Error") or {}).get("Code")
    if code:
        return kind("%s: %s: %s" % (what, code, (response.get("Error") or {}).get("Message", "")),
                    "CLOUD_API_ERROR", _CODES.get(code, "SERVER_ERROR"))
    return kind("%s: %s" % (what, exc), "NETWORK_ERROR")


def _botocore_errors():
    from botocore.exceptions import BotoCoreError, ClientError
    return (BotoCoreError, ClientError)


class AwsDeviceClient(DeviceClient):
    def __init__(self, clients, thing_name, publish=None, health_extras=None):
        """clients(service) -> boto3 client ("iot-jobs-data", "greengrassv2", "s3");
        publish(topic, payload bytes): the MQTT connection for status reports (None: not reported)."""
        self.clients = clients
        self.thing = thing_name
        self.publish = publish
        self.health_extras = dict(health_extras or {})
        self._errors = _botocore_errors()

    # -- deployments -------------------------------------------------------------------------
    def next_job(self):
        try:
            got = self.clients("iot-jobs-data").describe_job_execution(
                thingName=self.thing, jobId="$next", includeJobDocument=True).get("execution")
        except self._errors as exc:
            raise cloud_error(exc, "DescribeJobExecution $next of %s" % self.thing) from None
        if not got:
            return None
        try:
            document = json.loads(got.get("jobDocument") or "{}")
        except ValueError:
            document = {"unreadable": got.get("jobDocument", "")[:200]}   # fails the deployment, with the reason
        queued = got.get("queuedAt")
        return JobExecution(got["jobId"], document if isinstance(document, dict) else {}, got.get("status", "QUEUED"),
                            got.get("versionNumber", 1), queued.timestamp() if hasattr(queued, "timestamp") else 0.0)

    def update_job(self, job, status, details):
        try:
            answer = self.clients("iot-jobs-data").update_job_execution(
                jobId=job.job_id, thingName=self.thing, status=status,
                statusDetails={k: str(v) for k, v in details.items()}, includeJobExecutionState=True)
        except self._errors as exc:
            error = cloud_error(exc, "UpdateJobExecution %s to %s" % (job.job_id, status))
            if "InvalidStateTransitionException" in str(error):
                log.warning("job %s is no longer open (%s); nothing to update", job.job_id, error)
                return
            raise error from None
        state = answer.get("executionState") or {}
        job.status = state.get("status", status)
        job.version = state.get("versionNumber", job.version)

    # -- components --------------------------------------------------------------------------
    def resolve(self, name, requirements, platform):
        try:
            got = self.clients("greengrassv2").resolve_component_candidates(
                platform={"name": platform.get("os", "linux"), "attributes": dict(platform)},
                componentCandidates=[{"componentName": name, "versionRequirements": dict(requirements)}])
        except self._errors as exc:
            code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")
            kind = NoCandidate if code == "ResourceNotFoundException" else CloudError
            raise cloud_error(exc, "ResolveComponentCandidates %s %s" % (name, requirements), kind) from None
        found = [c for c in got.get("resolvedComponentVersions") or [] if c.get("componentName") == name]
        if not found:
            raise NoCandidate("ResolveComponentCandidates returned no version of %s" % name, "RESOURCE_NOT_FOUND")
        item = found[0]
        recipe = item.get("recipe") or b""
        return Candidate(name, item["componentVersion"], item.get("arn", ""),
                         recipe if isinstance(recipe, bytes) else str(recipe).encode("utf-8"))

    def download(self, candidate, uri, dest, max_bytes):
        scheme, _, rest = uri.partition(":")
        if scheme.lower() == "greengrass":
            self._download_greengrass(candidate, rest, dest, max_bytes)
        else:
            parsed = urlparse(uri)
            self._download_s3(parsed.netloc, parsed.path.lstrip("/"), dest, max_bytes)

    def _download_greengrass(self, candidate, name, dest, max_bytes):
        what = "GetComponentVersionArtifact %s of %s" % (name, candidate.arn or candidate.name)
        try:
            url = self.clients("greengrassv2").get_component_version_artifact(
                arn=candidate.arn, artifactName=name)["preSignedUrl"]
        except self._errors as exc:
            raise cloud_error(exc, what) from None
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                _copy(response, dest, max_bytes, name)
        except (urllib.error.URLError, OSError) as exc:
            raise CloudError("%s: GET of its pre-signed URL failed: %s" % (what, exc),
                             "DOWNLOAD_GREENGRASS_ARTIFACT_ERROR") from None

    def _download_s3(self, bucket, key, dest, max_bytes):
        what = "S3 GetObject s3://%s/%s" % (bucket, key)
        try:
            body = self.clients("s3").get_object(Bucket=bucket, Key=key)["Body"]
            with body:
                _copy(body, dest, max_bytes, key)
        except self._errors as exc:
            raise cloud_error(exc, what) from None
        except OSError as exc:
            raise CloudError("%s: %s" % (what, exc), "S3_ERROR") from None

    # -- status --------------------------------------------------------------------------------
    def report(self, status):
        if self.publish is None:
            return
        message = fleet_status_message(status, **self.health_extras)
        self.publish(health_topic(self.thing), json.dumps(message).encode("utf-8"))


def _copy(stream, dest, max_bytes, name):
    written = 0
    with open(dest, "wb") as out:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                return written
            written += len(chunk)
            if written > max_bytes:
                raise CloudError("artifact %s is larger than the %d bytes allowed" % (name, max_bytes),
                                 "DISK_SPACE_CRITICAL")
            out.write(chunk)
