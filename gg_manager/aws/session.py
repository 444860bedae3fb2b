"""One AWS context per run: session, region, account, clients with gg's retry policy.

The AWS conventions: the profile from --profile or AWS_PROFILE; the region from --region,
AWS_REGION, AWS_DEFAULT_REGION or the profile; the endpoint from --endpoint-url or
AWS_ENDPOINT_URL (only a URL, so the same code runs against real AWS and the sandbox).
Throttling is retried patiently, other errors a few times (aws/retries.py); --debug logs
each call (aws/calls.py).
"""
import os
import threading
from dataclasses import dataclass, field

import boto3
import botocore.config
import botocore.exceptions

from gg_manager.aws import calls, retries
from gg_manager.aws.errors import describe_error, error_code  # noqa: F401 (re-exported)
from gg_manager.errors import GGError

MAX_WORKERS = 16
CONNECT_TIMEOUT_S = 5


@dataclass
class AwsContext:
    session: object
    region: str
    endpoint_url: str
    account: str = ""
    partition: str = "aws"
    permissions_boundary: str = ""   # the boundary of every IAM role gg makes ("" for none)
    _clients: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service):
        with self._lock:
            if service not in self._clients:
                config = botocore.config.Config(retries=dict(retries.RETRY_CONFIG),
                                                max_pool_connections=MAX_WORKERS * 2,
                                                connect_timeout=CONNECT_TIMEOUT_S, read_timeout=60)
                kwargs = {"region_name": self.region, "config": config}
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                client = retries.install(self.session.client(service, **kwargs))
                self._clients[service] = calls.install(client) if calls.enabled() else client
            return self._clients[service]

    def arn(self, service, resource, region=None, account=None):
        region = self.region if region is None else region
        account = self.account if account is None else account
        return "arn:%s:%s:%s:%s:%s" % (self.partition, service, region, account, resource)


def connect(profile=None, region=None, endpoint_url=None, permissions_boundary=None) -> AwsContext:
    """Resolve credentials, region and account, with a one-line error for what is missing.
    `permissions_boundary` (default: GG_PERMISSIONS_BOUNDARY): for every IAM role gg makes."""
    from gg_manager.resources.iam import BOUNDARY_ENV, check_boundary
    boundary = check_boundary(permissions_boundary or os.environ.get(BOUNDARY_ENV))
    try:
        session = boto3.session.Session(profile_name=profile)
        region = region or os.environ.get("AWS_REGION") or session.region_name
        credentials = session.get_credentials()
    except botocore.exceptions.ProfileNotFound as exc:
        raise GGError("%s (profiles come from ~/.aws/config and ~/.aws/credentials)" % exc) from None
    except botocore.exceptions.BotoCoreError as exc:     # a broken config file, a credential process that failed
        raise GGError("cannot load the AWS configuration: %s" % exc) from None
    if not region:
        raise GGError("no AWS region: pass --region, set AWS_REGION, or configure your profile")
    if credentials is None:
        raise GGError("no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                      "(for the sandbox: eval \"$(gg sandbox env)\")")
    endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    ctx = AwsContext(session, region, endpoint_url, permissions_boundary=boundary)
    try:
        ident = ctx.client("sts").get_caller_identity()
    except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError):
        raise GGError("cannot reach %s (tried %d times)" % (endpoint_url or "AWS STS in " + region,
                                                           retries.TRANSIENT_ATTEMPTS)) from None
    except botocore.exceptions.ClientError as exc:
        raise GGError("AWS rejected the credentials: %s" % exc.response["Error"].get("Message", exc))
    except botocore.exceptions.BotoCoreError as exc:
        raise GGError("cannot talk to AWS: %s" % exc)
    ctx.account = ident["Account"]
    ctx.partition = ident["Arn"].split(":")[1] if ident.get("Arn", "").startswith("arn:") else "aws"
    return ctx


def paginate(client, method, key, **kwargs):
    """Every item of a list call, following NextToken/Marker whether or not boto3 has a paginator."""
    if client.can_paginate(method):
        for page in client.get_paginator(method).paginate(**kwargs):
            for item in page.get(key, []):
                yield item
        return
    token = None
    while True:
        args = dict(kwargs)
        if token:
            args["NextToken"] = token
        page = getattr(client, method)(**args)
        for item in page.get(key, []):
            yield item
        token = page.get("NextToken")
        if not token:
            return
