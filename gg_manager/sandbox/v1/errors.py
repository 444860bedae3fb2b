"""Greengrass V1 error shapes as the API reference documents them.

moto raises some Greengrass errors with the HTTP status as the error code
(`Code='400'`); the reference names them `BadRequestException` (HTTP 400). The
names moto took from real responses (IdNotFoundException, VersionNotFoundException,
InvalidInputException, MissingCoreException) are kept as they are.
"""
from moto.greengrass import exceptions as gg_exc


class BadRequestException(gg_exc.GreengrassClientError):
    def __init__(self, msg, error_details=None):
        self.code = 400
        super().__init__("BadRequestException", msg)
        if error_details:
            import json

            self.description = json.dumps({"__type": "BadRequestException", "message": msg, "Message": msg, "ErrorDetails": error_details})


class InternalServerErrorException(gg_exc.GreengrassClientError):
    def __init__(self, msg):
        self.code = 500
        super().__init__("InternalServerErrorException", msg)


def install():
    cls = gg_exc.GreengrassClientError
    if getattr(cls.__init__, "_gg_sandbox", False):
        return
    original = cls.__init__

    def __init__(self, error_type, message, *args, **kwargs):
        if str(error_type).isdigit():
            error_type = "BadRequestException"
            self.code = 400
        original(self, error_type, message, *args, **kwargs)

    __init__._gg_sandbox = True
    cls.__init__ = __init__
