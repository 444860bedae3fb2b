"""The AWS IoT credentials provider: `GET /role-aliases/<alias>/credentials`, what a core's token
exchange service calls to turn its certificate into AWS credentials.

AWS serves it on the `iot:CredentialProvider` host with mutual TLS; the sandbox
serves the same path, unsigned, at its own endpoint URL, and takes the thing
from the `x-amzn-iot-thingname` header (there is no TLS client certificate to
read, so the sandbox trusts the header). It checks what AWS checks: the role
alias exists; the thing has an ACTIVE certificate whose IoT policies allow
`iot:AssumeRoleWithCertificate` on the role alias ARN; the alias's role exists
and trusts `credentials.iot.amazonaws.com`. Then it answers
`{"credentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}}`
with credentials from the sandbox's STS, valid for the alias's
credentialDurationSeconds. Refusals are `{"message": ...}` with HTTP 403 (404
for an unknown alias, 400 without the header).
"""
import json
import re

from werkzeug.wrappers import Response

from . import policies

PATH = re.compile(r"^/role-aliases/([^/]+)/credentials/?$")
TRUSTED = "credentials.iot.amazonaws.com"


def claims(environ):
    return (environ.get("REQUEST_METHOD") == "GET" and not environ.get("HTTP_AUTHORIZATION")
            and bool(PATH.match(environ.get("PATH_INFO", ""))))


def _answer(status, body):
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _find_alias(name, thing_name):
    from moto.iot.models import iot_backends

    found = None
    for regions in list(iot_backends.values()):
        for backend in list(regions.values()):
            if name in backend.role_aliases:
                has_thing = any(t.thing_name == thing_name for t in backend.things.values())
                if has_thing or found is None:
                    found = backend
    return found


def _certificate_policies(backend, thing_name):
    """Policy documents of the thing's ACTIVE certificates ([] when it has none)."""
    active = {c.arn for c in backend.certificates.values() if c.status == "ACTIVE"}
    principals = [p for (p, name) in backend.principal_things if name == thing_name and p in active]
    documents = []
    for principal in principals:
        for (attached, _), (_, policy) in backend.principal_policies.items():
            if attached == principal:
                default = [v for v in getattr(policy, "versions", []) if getattr(v, "is_default", False)]
                documents.append(default[0].document if default else policy.document)
    return principals, documents


def _role_trusts_iot(backend, role_arn):
    from moto.iam.models import iam_backends

    try:
        role = iam_backends[backend.account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - no such role
        return False
    trust = json.loads(role.assume_role_policy_document) if isinstance(role.assume_role_policy_document, str) \
        else role.assume_role_policy_document
    for statement in policies._listed(trust.get("Statement")):
        services = policies._listed((statement.get("Principal") or {}).get("Service"))
        if statement.get("Effect") == "Allow" and TRUSTED in services:
            return True
    return False


def refusal(backend, alias_name, thing_name):
    """None when the thing may assume the alias's role; else (status, message)."""
    if backend is None:
        return 404, "Role alias %s does not exist." % alias_name
    alias = backend.role_aliases[alias_name]
    principals, documents = _certificate_policies(backend, thing_name)
    if not principals:
        return 403, "Thing %s has no ACTIVE certificate attached." % thing_name
    if policies.decision(documents, "iot:AssumeRoleWithCertificate", alias.arn, thing_name) != "allow":
        return 403, "Access denied: the certificate's policies do not allow iot:AssumeRoleWithCertificate on %s." \
            % alias.arn
    if not _role_trusts_iot(backend, alias.role_arn):
        return 403, "Unable to assume the role, or the role to assume does not exist: %s." % alias.role_arn
    return None


def app(lock):
    def serve(environ, start_response):
        from moto.sts.models import sts_backends

        alias_name = PATH.match(environ["PATH_INFO"]).group(1)
        thing_name = environ.get("HTTP_X_AMZN_IOT_THINGNAME")
        if not thing_name:
            return _answer(400, {"message": "Missing header x-amzn-iot-thingname."})(environ, start_response)
        with lock:
            backend = _find_alias(alias_name, thing_name)
            refused = refusal(backend, alias_name, thing_name)
            if refused:
                return _answer(refused[0], {"message": refused[1]})(environ, start_response)
            alias = backend.role_aliases[alias_name]
            role = sts_backends[backend.account_id]["aws"].assume_role(
                region_name=backend.region_name, role_session_name=thing_name, role_arn=alias.role_arn,
                policy=None, duration=alias.credential_duration_seconds, external_id=None)
            expiration = role.expiration
        body = {"credentials": {"accessKeyId": role.access_key_id, "secretAccessKey": role.secret_access_key,
                                "sessionToken": role.session_token,
                                "expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ")}}
        return _answer(200, body)(environ, start_response)
    return serve
