"""Subscription sources/targets as Greengrass accepts them.

moto accepts only `cloud`, `GGShadowService`, thing ARNs of `[a-zA-Z0-9-]` and
Lambda alias ARNs. AWS also takes connector ARNs, thing names with `_` and `:`,
Lambda version ARNs, and any partition; and it checks the source and target
separately (moto files source errors as target errors).
"""
import re

from moto.greengrass.models import GreengrassBackend

from .errors import BadRequestException

_PATTERNS = [re.compile(p) for p in (
    r"^arn:aws[a-z-]*:iot:[a-z0-9-]+:[0-9]{12}:thing/[a-zA-Z0-9:_-]{1,128}$",
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}:[a-zA-Z0-9_-]{1,128}$",
    r"^arn:aws[a-z-]*:greengrass:[a-z0-9-]+::/connectors/[A-Za-z0-9_.-]+/versions/[0-9]+$",
)]


def is_valid_endpoint(value):
    if value in ("cloud", "GGShadowService"):
        return True
    return isinstance(value, str) and any(p.match(value) for p in _PATTERNS)


def validate(subscriptions):
    errors = []
    if not isinstance(subscriptions, list):
        raise BadRequestException("Subscriptions must be a list.")
    ids = set()
    for sub in subscriptions:
        sub_id = sub.get("Id")
        if not sub_id:
            errors.append("Subscription Id is required")
        elif sub_id in ids:
            errors.append("Subscription Id '%s' is not unique" % sub_id)
        ids.add(sub_id)
        if not sub.get("Subject"):
            errors.append("Subscription subject is required. ID is '%s'" % sub_id)
        for key in ("Source", "Target"):
            if not is_valid_endpoint(sub.get(key)):
                errors.append("Subscription %s is invalid. ID is '%s' and %s is '%s'" % (
                    key.lower(), sub_id, key, sub.get(key)))
    if errors:
        raise BadRequestException(
            "The subscriptions definition is invalid or corrupted. (ErrorDetails: [%s])" % ", ".join(errors),
            error_details=[{"DetailedErrorCode": "GG-202", "DetailedErrorMessage": e} for e in errors],
        )


def install():
    GreengrassBackend._validate_subscription_target_or_source = staticmethod(validate)
