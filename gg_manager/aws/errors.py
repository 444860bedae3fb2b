"""AWS error codes gg reasons about, in one place.

`gone(service)` / `exists(service)`: what a service answers when the thing a call names
does not exist / already exists: a plan step's "already done" codes (plan/model.py).
`missing(call, ...)` is for reads: the answer, or None when AWS says there is no such thing.
"""
import botocore.exceptions

GONE = {
    "greengrass": ("IdNotFoundException", "NotFoundException", "ResourceNotFoundException"),
    "greengrassv2": ("ResourceNotFoundException",),
    "iot": ("ResourceNotFoundException",),
    "iam": ("NoSuchEntity",),
    "lambda": ("ResourceNotFoundException",),
    "s3": ("NoSuchBucket", "NoSuchKey", "404"),
    "dynamodb": ("ResourceNotFoundException",),
}
EXISTS = {
    "greengrassv2": ("ConflictException",),
    "iot": ("ResourceAlreadyExistsException",),
    "iam": ("EntityAlreadyExists",),
    "s3": ("BucketAlreadyOwnedByYou",),
    "lambda": ("ResourceConflictException",),
    "dynamodb": ("ResourceInUseException",),
}
# "There is no such thing" for reads, any service (S3 HeadObject/HeadBucket answer a bare 404;
# GetBucketTagging on a bucket without tags, NoSuchTagSet).
NOT_FOUND = frozenset(c for codes in GONE.values() for c in codes) | {
    "VersionNotFoundException", "NoSuchTagSet", "NotFound"}
# Errors that a later run may not meet again: "run it again" helps only for these.
TRANSIENT = frozenset({
    "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
    "SlowDown", "InternalServerErrorException", "InternalFailure", "InternalError", "ServiceUnavailable",
    "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException", "InjectedFailure",
    "ResourceConflictException", "ConcurrentModificationException", "TransactionConflictException",
})


def error_code(exc) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        return exc.response.get("Error", {}).get("Code", "")
    return ""


def describe_error(exc) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        op = getattr(exc, "operation_name", "")
        return "%s failed: %s: %s" % (op, err.get("Code", "?"), err.get("Message", ""))
    return str(exc)


def is_transient(exc) -> bool:
    """True when running again may succeed (throttling, a service hiccup, a connection lost)."""
    if isinstance(exc, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionError,
                        botocore.exceptions.ReadTimeoutError)):
        return True
    return error_code(exc) in TRANSIENT


def missing(call, *args, not_found=NOT_FOUND, **kwargs):
    """`call(...)`, or None when AWS says the thing does not exist; other errors propagate."""
    try:
        return call(*args, **kwargs)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) in not_found:
            return None
        raise


def gone(service):
    """The codes `service` answers for a thing that does not exist (a delete already done)."""
    return GONE[service]


def exists(service):
    """The codes `service` answers for a create that finds the thing there (already done)."""
    return EXISTS[service]
