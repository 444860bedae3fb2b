"""A core device in AWS IoT: its thing, its certificate (the key never leaves this machine), its policy.

The same holds for any device whose key gg keeps here: a V1 group's devices (greengo's
`Devices:`) go through these very functions, each with its own thing, key folder and
policy; "core" in the names below is the thing's name, whatever the device is.

A certificate gg made is always found again: by the thing it is attached to, by the
policy attached to it, by the certificate file next to the key, or, when a run died
right after IoT issued it, by the public key of the key file gg holds (issued after
the key was written). Nothing ever issues a second certificate for one key.
"""
import hashlib
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import List, Optional

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from gg_manager.aws.errors import exists, gone, missing
from gg_manager.aws.session import paginate
from gg_manager.plan.model import Change, has_refs
from gg_manager.plan.operations import read
from gg_manager.provision import certs
from gg_manager.resources import names
from gg_manager.resources.compare import policy_document, same_policy

GONE = gone("iot")
MAX_POLICY_VERSIONS = 5


@dataclass
class DesiredCoreDevice:
    """A thing with a certificate for a key kept in `certs_dir`, and its own policy (a core, or a device)."""
    thing: str
    group: str
    policy_name: str
    policy: dict                      # may hold placeholders the target substitutes
    certs_dir: str


@dataclass
class ActualPolicy:
    document: Optional[dict]
    targets: List[str] = field(default_factory=list)   # what it is attached to (read through a certificate: that one)
    versions: Optional[List[dict]] = None      # read only when a new version is needed


@dataclass
class FoundCertificate:
    arn: str
    pem: str                         # to write next to the key if it is not there
    why: str


@dataclass
class ActualCoreDevice:
    thing_exists: bool
    principals: List[str] = field(default_factory=list)
    policy: Optional[ActualPolicy] = None
    found: Optional[FoundCertificate] = None   # a certificate for the local key, on no thing yet

    @property
    def certificate(self) -> Optional[str]:
        return self.principals[0] if self.principals else None


def cert_id(arn):
    return arn.rsplit("/", 1)[-1]


class CertificateIndex:
    """The account's certificates issued since a time, listed once per run (for key matching)."""

    def __init__(self, ctx):
        self.ctx, self._items, self._lock = ctx, None, threading.Lock()

    def since(self, when):
        with self._lock:
            if self._items is None:
                self._items = list(paginate(self.ctx.client("iot"), "list_certificates", "certificates"))
        return [c for c in self._items if c.get("creationDate") and c["creationDate"] >= when]


def _pem_id(pem):
    der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def local_certificate(ctx, certs_dir, core) -> Optional[FoundCertificate]:
    """The certificate file next to the key, when it was issued for that key and IoT has it ACTIVE."""
    paths = certs.core_cert_paths(certs_dir, core)
    try:
        pem, key = paths.cert.read_bytes(), paths.key.read_bytes()
    except OSError:
        return None
    if not certs.cert_matches_key(pem, key):
        return None
    desc = missing(read, ctx, "iot:DescribeCertificate", certificateId=_pem_id(pem))
    if desc and desc["certificateDescription"].get("status") == "ACTIVE":
        return FoundCertificate(desc["certificateDescription"]["certificateArn"], pem.decode(),
                                "the certificate in %s, issued for the local key" % paths.cert)
    return None


def certificates_for_key(ctx, certs_dir, core, index: CertificateIndex, unattached=False) -> List[dict]:
    """IoT's descriptions of the certificates issued for the local key since it was written: those
    certifying its public key, and with `unattached`, also those issued for the key's CSR (subject
    CN = the core) that are attached to no thing and no policy (an issuer that does not echo the
    public key, as the sandbox, leaves only that to go by)."""
    paths = certs.core_cert_paths(certs_dir, core)
    try:
        key = paths.key.read_bytes()
        written = datetime.fromtimestamp(os.stat(paths.key).st_mtime, timezone.utc) - timedelta(minutes=5)
    except OSError:
        return []
    found = []
    for item in index.since(written):
        desc = (missing(read, ctx, "iot:DescribeCertificate", certificateId=item["certificateId"]) or {}).get(
            "certificateDescription") or {}
        pem = (desc.get("certificatePem") or "").encode()
        if not pem:
            continue
        if certs.cert_matches_key(pem, key) or (unattached and _subject(pem) == core and _unattached(ctx, desc)):
            found.append(desc)
    return found


def _subject(pem):
    names_ = x509.load_pem_x509_certificate(pem).subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return names_[0].value if names_ else None


def _unattached(ctx, desc):
    arn = desc["certificateArn"]
    things = read(ctx, "iot:ListPrincipalThings", principal=arn).get("things", [])
    policies = read(ctx, "iot:ListAttachedPolicies", target=arn).get("policies", [])
    return not things and not policies


def find_certificate(ctx, device: DesiredCoreDevice, index) -> Optional[FoundCertificate]:
    """A usable certificate gg got for this core's local key in an interrupted run."""
    found = local_certificate(ctx, device.certs_dir, device.thing)
    if found:
        return found
    for desc in certificates_for_key(ctx, device.certs_dir, device.thing, index):
        if desc.get("status") == "ACTIVE":
            return FoundCertificate(desc["certificateArn"], desc["certificatePem"],
                                    "issued for the key in %s by a run that stopped before writing it"
                                    % device.certs_dir)
    return None


def discover_policy(ctx, name, versions=False) -> Optional[ActualPolicy]:
    policy = missing(read, ctx, "iot:GetPolicy", policyName=name)
    if not policy:
        return None
    targets = sorted(paginate(ctx.client("iot"), "list_targets_for_policy", "targets", policyName=name))
    actual = ActualPolicy(policy_document(policy["policyDocument"]), targets)
    if versions:
        actual.versions = read(ctx, "iot:ListPolicyVersions", policyName=name).get("policyVersions", [])
    return actual


def attached_policy(ctx, name, certificate) -> Optional[ActualPolicy]:
    """The policy `name` as the certificate carries it, from one GetEffectivePolicies (the policies
    attached to a certificate, with their documents): None when it is not attached to it."""
    answer = missing(read, ctx, "iot:GetEffectivePolicies", principal=certificate) or {}
    for policy in answer.get("effectivePolicies") or []:
        if policy.get("policyName") == name:
            return ActualPolicy(policy_document(policy.get("policyDocument")), [certificate])
    return None


def discover_core_device(ctx, device: DesiredCoreDevice, wanted_policy, index) -> ActualCoreDevice:
    """`wanted_policy`: the policy as it should read now (None when it cannot be known yet). The
    policy is read through the thing's certificate (one call: attached, and its document); only
    when it is not attached there, by its name and targets."""
    listed = missing(read, ctx, "iot:ListThingPrincipals", thingName=device.thing)
    actual = ActualCoreDevice(listed is not None, sorted((listed or {}).get("principals", [])))
    actual.policy = (attached_policy(ctx, device.policy_name, actual.certificate) if actual.certificate else None) \
        or discover_policy(ctx, device.policy_name)
    if actual.policy and not (wanted_policy and same_policy(actual.policy.document, wanted_policy)):
        actual.policy.versions = read(ctx, "iot:ListPolicyVersions",
                                      policyName=device.policy_name).get("policyVersions", [])
    if not actual.principals:
        actual.found = find_certificate(ctx, device, index)
    return actual


# --- changes ---------------------------------------------------------------------------------

def thing_change(device: DesiredCoreDevice, actual: ActualCoreDevice, group=""):
    if actual.thing_exists:
        return []
    attributes = {names.THING_MANAGED_ATTRIBUTE: names.MANAGED_VALUE, names.THING_GROUP_ATTRIBUTE: device.group}
    change = Change("create", "iot thing", device.thing, group=group, after={"attributes": attributes})
    change.add("iot:CreateThing", {"thingName": device.thing, "attributePayload": {"attributes": attributes}},
               done_if=exists("iot"))
    return [change]


def policy_change(device: DesiredCoreDevice, actual: ActualCoreDevice, document, group=""):
    """`document`: the policy with the target's values (or Refs) in place."""
    if actual.policy is None:
        change = Change("create", "iot policy", device.policy_name, group=group, after={"document": document})
        change.add("iot:CreatePolicy", {"policyName": device.policy_name, "policyDocument": document},
                   done_if=exists("iot"))
        return [change]
    if not has_refs(document) and same_policy(actual.policy.document, document):
        return []
    change = Change("update", "iot policy", device.policy_name, group=group,
                    before={"document": actual.policy.document}, after={"document": document})
    versions = actual.policy.versions or []
    old = sorted((v for v in versions if not v.get("isDefaultVersion")), key=lambda v: int(v["versionId"]))
    if len(versions) >= MAX_POLICY_VERSIONS and old:
        change.add("iot:DeletePolicyVersion", {"policyName": device.policy_name,
                                               "policyVersionId": old[0]["versionId"]}, done_if=GONE)
    change.add("iot:CreatePolicyVersion", {"policyName": device.policy_name, "policyDocument": document,
                                           "setAsDefault": True})
    return [change]


def certificate_changes(device: DesiredCoreDevice, actual: ActualCoreDevice, group=""):
    """([changes], the certificate ARN: known, or a Ref to the step that issues it)."""
    cert = actual.certificate
    attached = actual.policy.targets if actual.policy else []
    if cert:
        if cert in attached:
            return [], cert
        change = Change("update", "certificate", cert_id(cert)[:12], group=group,
                        fields=["attach policy %s" % device.policy_name])
        _attach_policy(change, device, cert)
        return [change], cert
    if actual.found:
        return [_reuse(device, actual.found, attached, group)], actual.found.arn
    change = Change("create", "certificate", device.thing, group=group,
                    fields=["key generated locally in %s; only a CSR is sent" % device.certs_dir])
    key = change.add("local:GenerateKey", {"certs_dir": device.certs_dir, "core": device.thing},
                     outputs={"csr": "csr"})
    issued = change.add("iot:CreateCertificateFromCsr", {"certificateSigningRequest": key.ref("csr"),
                                                         "setAsActive": True},
                        outputs={"arn": "certificateArn", "pem": "certificatePem"})
    change.add("local:WriteCertificate", {"certs_dir": device.certs_dir, "core": device.thing,
                                          "certificate_pem": issued.ref("pem")})
    change.add("iot:AttachThingPrincipal", {"thingName": device.thing, "principal": issued.ref("arn")})
    _attach_policy(change, device, issued.ref("arn"))
    return [change], issued.ref("arn")


def _reuse(device, found, attached, group):
    change = Change("create", "certificate", device.thing, group=group,
                    fields=["reuse certificate %s: %s" % (cert_id(found.arn)[:12], found.why)])
    paths = certs.core_cert_paths(device.certs_dir, device.thing)
    if not paths.cert.exists():
        change.add("local:WriteCertificate", {"certs_dir": device.certs_dir, "core": device.thing,
                                              "certificate_pem": found.pem})
    change.add("iot:AttachThingPrincipal", {"thingName": device.thing, "principal": found.arn})
    if found.arn not in attached:
        _attach_policy(change, device, found.arn)
    return change


def _attach_policy(change, device, cert):
    change.add("iot:AttachPolicy", {"policyName": device.policy_name, "target": cert})


def generate_key(certs_dir, core):
    """local:GenerateKey: the core's key (made here, mode 0600, never sent; an existing one is
    kept) and a CSR for it."""
    key = certs.load_or_create_key(certs_dir, core)
    return {"csr": certs.csr_for_key(key, core).decode()}


def write_certificate(certs_dir, core, certificate_pem):
    """local:WriteCertificate: the issued certificate and Amazon Root CA 1 next to the key."""
    certs.write_core_certs(certs_dir, core, certificate_pem.encode(), certs.root_ca_pem())
    return {}


LOCAL_HANDLERS = {"local:GenerateKey": generate_key, "local:WriteCertificate": write_certificate}
