"""Check request parameters against botocore's own input shapes, as a client would before sending."""
from functools import lru_cache

import botocore.session
from botocore.validate import validate_parameters


@lru_cache(maxsize=None)
def _model(service):
    return botocore.session.get_session().get_service_model(service)


def validate(service, operation, params):
    """Raise botocore's ParamValidationError when `params` do not fit the operation's input."""
    validate_parameters(params, _model(service).operation_model(operation).input_shape)
    return params
