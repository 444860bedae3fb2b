"""AWS error codes gg reasons about, in one place, and the two helpers that use them.

`missing(call, ...)` is for reads: the answer, or None when AWS says the thing does
not exist. `tolerate(codes, call, ...)` is for writes that may find their work done.
"""
import botocore.exceptions

# "There is no such thing", as each service says it (S3 HeadObject/HeadBucket: a bare 404).
NOT_FOUND = frozenset({
    "ResourceNotFoundException", "NotFoundException", "IdNotFoundException", "VersionNotFoundException",
    "NoSuchEntity", "NoSuchKey", "NoSuchBucket", "NoSuchTagSet", "404", "NotFound",
})
# "It exists already", as each service says it.
ALREADY_EXISTS = frozenset({
    "ResourceAlreadyExistsException", "EntityAlreadyExists", "BucketAlreadyOwnedByYou",
    "ResourceConflictException", "ResourceInUseException",
})
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


def tolerate(codes, call, *args, **kwargs):
    """`call(...)`, or None when it fails with one of `codes` (its work was already done)."""
    try:
        return call(*args, **kwargs)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) in codes:
            return None
        raise
