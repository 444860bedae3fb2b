"""Lambda code and ML models onto local disk, each downloaded only when its source changed.

Lambda code: lambda get_function(alias ARN) -> Code.Location. On AWS that is a
pre-signed S3 URL; on a sandbox the same URL names a bucket and key that the
sandbox's S3 serves, so a failed plain GET is retried as s3 get_object at the
configured endpoint. Models: an S3 tarball (S3Uri) or a SageMaker training
job's ModelArtifacts.S3ModelArtifacts; a model is fetched again only when its
S3 URI or ETag changed (recorded in <dest>.source.json).
"""
import hashlib
import io
import json
import logging
import os
import re
import shutil
import urllib.error
import urllib.request
import zipfile
from urllib.parse import unquote, urlparse

from gg_manager.package.model_tarball import extract_model_tarball

log = logging.getLogger("gg.core.artifacts")


class ArtifactError(Exception):
    """An artifact that cannot be fetched; the message is the deployment's failure reason."""

    def __init__(self, message, code="ArtifactDownloadFailure"):
        super().__init__(message)
        self.code = code


_S3_HOST = re.compile(r"^(?:(?P<vbucket>.+)\.)?s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com(?:\.cn)?$")


def s3_location(url):
    """(bucket, key) of an https S3 URL (virtual-hosted or path style), else None."""
    parsed = urlparse(url)
    match = _S3_HOST.match(parsed.hostname or "")
    if not match:
        return None
    path = unquote(parsed.path.lstrip("/"))
    if match.group("vbucket"):
        return match.group("vbucket"), path
    bucket, _, key = path.partition("/")
    return (bucket, key) if key else None


def parse_s3_uri(uri):
    parsed = urlparse(uri or "")
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.strip("/"):
        raise ArtifactError("%r is not an s3://bucket/key URI" % (uri,), "InvalidModelUri")
    return parsed.netloc, parsed.path.lstrip("/")


def _atomic_dir(dest):
    tmp = dest + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    return tmp


def _swap(tmp, dest):
    old = dest + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(dest):
        os.rename(dest, old)
    os.rename(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)


class Artifacts:
    def __init__(self, clients, root, custom_endpoint=False):
        self.clients = clients  # callable(service) -> boto3 client
        self.root = root
        # with a custom endpoint (a sandbox) an amazonaws.com S3 URL is served by that endpoint's S3
        self.custom_endpoint = custom_endpoint

    # -- Lambda code ------------------------------------------------------------------
    def lambda_code(self, function_arn):
        """(code dir, configuration) of the Lambda version an alias ARN points at."""
        lam = self.clients("lambda")
        try:
            got = lam.get_function(FunctionName=function_arn)
        except Exception as exc:  # noqa: BLE001 - botocore errors differ per service
            raise ArtifactError("Lambda %s: get_function failed: %s" % (function_arn, exc)) from None
        config = got.get("Configuration", {})
        version_id = (config.get("CodeSha256") or config.get("Version") or "latest")
        name = config.get("FunctionName") or function_arn.split(":")[6]
        dest = os.path.join(self.root, "lambda", name,
                            hashlib.sha256(version_id.encode()).hexdigest()[:16])
        if os.path.isdir(dest):
            return dest, config
        data = self._code_bytes(function_arn, got.get("Code", {}))
        tmp = _atomic_dir(dest)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    if member.startswith("/") or ".." in member.split("/"):
                        raise ArtifactError("Lambda %s: unsafe path %s in its code zip" % (function_arn, member))
                archive.extractall(tmp)
        except zipfile.BadZipFile:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ArtifactError("Lambda %s: its code is not a zip file" % function_arn) from None
        _swap(tmp, dest)
        return dest, config

    def _code_bytes(self, function_arn, code):
        location = code.get("Location")
        if not location:
            raise ArtifactError("Lambda %s: get_function returned no Code.Location (%s)"
                                % (function_arn, code.get("RepositoryType", "no code")))
        errors = []
        where = s3_location(location)
        if not (where and self.custom_endpoint):
            try:
                with urllib.request.urlopen(location, timeout=60) as resp:
                    return resp.read()
            except (urllib.error.URLError, OSError, ValueError) as exc:
                errors.append("GET %s: %s" % (location, exc))
        if where:
            try:
                body = self.clients("s3").get_object(Bucket=where[0], Key=where[1])["Body"]
                return body.read()
            except Exception as exc:  # noqa: BLE001
                errors.append("s3 get_object s3://%s/%s: %s" % (where[0], where[1], exc))
        hint = ""
        if where and self.custom_endpoint:
            hint = (" (the endpoint's S3 must hold the code at s3://%s/%s, where AWS keeps it)" % where)
        raise ArtifactError("Lambda %s: cannot download its code: %s%s" % (function_arn, "; ".join(errors), hint))

    # -- ML models --------------------------------------------------------------------
    def model_uri(self, kind, data):
        if kind == "S3MachineLearningModelResourceData":
            return data.get("S3Uri")
        job_arn = data.get("SageMakerJobArn", "")
        name = job_arn.rsplit("/", 1)[-1]
        try:
            job = self.clients("sagemaker").describe_training_job(TrainingJobName=name)
        except Exception as exc:  # noqa: BLE001
            raise ArtifactError("SageMaker job %s: describe_training_job failed: %s" % (job_arn, exc)) from None
        uri = job.get("ModelArtifacts", {}).get("S3ModelArtifacts")
        if not uri:
            raise ArtifactError("SageMaker job %s has no ModelArtifacts.S3ModelArtifacts (status %s)"
                                % (job_arn, job.get("TrainingJobStatus")))
        return uri

    def model(self, resource_id, kind, data, dest):
        """Make `dest` hold the model; returns True when it was (re)downloaded."""
        uri = self.model_uri(kind, data)
        bucket, key = parse_s3_uri(uri)
        s3 = self.clients("s3")
        try:
            etag = s3.head_object(Bucket=bucket, Key=key).get("ETag", "")
        except Exception as exc:  # noqa: BLE001
            raise ArtifactError("model %s: cannot read %s: %s" % (resource_id, uri, exc)) from None
        stamp_path = dest + ".source.json"
        stamp = {"uri": uri, "etag": etag}
        try:
            with open(stamp_path) as fh:
                if json.load(fh) == stamp and os.path.isdir(dest):
                    return False
        except (OSError, ValueError):
            pass
        try:
            data_bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as exc:  # noqa: BLE001
            raise ArtifactError("model %s: cannot download %s: %s" % (resource_id, uri, exc)) from None
        tmp = _atomic_dir(dest)
        try:
            extract_model_tarball(data_bytes, tmp)
        except Exception as exc:  # noqa: BLE001 - GGError, tarfile errors
            shutil.rmtree(tmp, ignore_errors=True)
            raise ArtifactError("model %s: %s is not a usable tar.gz: %s" % (resource_id, uri, exc)) from None
        _swap(tmp, dest)
        with open(stamp_path, "w") as fh:
            json.dump(stamp, fh)
        log.info("model %s downloaded from %s (%d bytes)", resource_id, uri, len(data_bytes))
        return True
