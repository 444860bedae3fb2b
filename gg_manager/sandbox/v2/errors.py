"""Greengrass V2 errors as the API gives them (shapes from botocore's greengrassv2 model)."""
from ..restjson import ServiceError

# the knobs' injected faults, in this service's own error names
FAULTS = {"throttle": ("ThrottlingException", 429), "fail": ("InternalServerException", 500),
          "fail_final": ("InjectedFailure", 400)}


def validation(message, fields=None, reason="FIELD_VALIDATION_FAILED"):
    return ServiceError("ValidationException", message, 400, reason=reason, fields=fields)


def not_found(message, resource_id, resource_type):
    return ServiceError("ResourceNotFoundException", message, 404, resourceId=resource_id, resourceType=resource_type)


def conflict(message, resource_id, resource_type):
    return ServiceError("ConflictException", message, 409, resourceId=resource_id, resourceType=resource_type)


def access_denied(message):
    return ServiceError("AccessDeniedException", message, 403)
