"""DescribeEndpoint answers one stable host per account, region and endpoint type.

moto makes up a new random host on every call. AWS's hosts are fixed for an
account and region: `<prefix>-ats.iot.<region>.amazonaws.com` (iot:Data-ATS),
`<prefix>.iot...` (iot:Data), `<prefix>.credentials.iot...` (iot:CredentialProvider),
`<prefix>.jobs.iot...` (iot:Jobs). The prefix here is derived from the account
and region, so every call (and every sandbox) gives the same answer. These
hosts do not resolve: clients of the sandbox reach IoT, the jobs data plane and
the credentials provider at the sandbox's own endpoint URL (see the README).
"""
import hashlib

from moto.iot.exceptions import InvalidRequestException
from moto.iot.models import IoTBackend

FORMATS = {
    "iot:Data": "{p}.iot.{r}.amazonaws.com",
    "iot:Data-ATS": "{p}-ats.iot.{r}.amazonaws.com",
    "iot:CredentialProvider": "{p}.credentials.iot.{r}.amazonaws.com",
    "iot:Jobs": "{p}.jobs.iot.{r}.amazonaws.com",
}


def endpoint_address(account_id, region, endpoint_type):
    if endpoint_type not in FORMATS:
        raise InvalidRequestException("Endpoint type %s not recognized." % endpoint_type)
    prefix = hashlib.sha256(("%s/%s" % (account_id, region)).encode()).hexdigest()[:14]
    # an account-scoped prefix is lower-case letters and digits, 14 long, as AWS's
    prefix = "".join(c if c.isalpha() else chr(ord("a") + int(c)) for c in prefix)
    return FORMATS[endpoint_type].format(p=prefix, r=region)


class _Endpoint:
    def __init__(self, address, endpoint_type):
        self.endpoint = address
        self.endpoint_type = endpoint_type

    def to_get_dict(self):
        return {"endpointAddress": self.endpoint}

    to_dict = to_get_dict


def describe_endpoint(self, endpoint_type):
    self.endpoint = _Endpoint(endpoint_address(self.account_id, self.region_name, endpoint_type or "iot:Data"),
                              endpoint_type)
    return self.endpoint


def install():
    if getattr(IoTBackend.describe_endpoint, "_gg_sandbox", False):
        return
    describe_endpoint._gg_sandbox = True
    IoTBackend.describe_endpoint = describe_endpoint
