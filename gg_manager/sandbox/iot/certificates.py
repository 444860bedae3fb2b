"""CreateCertificateFromCsr issues a certificate for the CSR's own public key.

moto signs a freshly generated key instead, so the certificate never matches the
private key the caller kept. Here the sandbox has one CA key per process; the
certificate carries the CSR's subject and public key and is signed by that CA
(issuer "gg sandbox CA"), then registered as moto registers any certificate.
A CSR that does not parse, or whose signature does not verify, is refused with
InvalidRequestException as AWS does.
"""
import threading
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from moto.core.utils import utcnow
from moto.iot.exceptions import InvalidRequestException
from moto.iot.models import IoTBackend

_CA = {}
_LOCK = threading.Lock()
ISSUER = x509.Name([x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, "gg sandbox"),
                    x509.NameAttribute(x509.NameOID.COMMON_NAME, "gg sandbox CA")])


def _ca_key():
    with _LOCK:
        if "key" not in _CA:
            _CA["key"] = ec.generate_private_key(ec.SECP256R1())
        return _CA["key"]


def certificate_for_csr(csr_pem):
    """PEM of a certificate for the CSR's subject and public key, signed by the sandbox CA."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode("utf-8") if isinstance(csr_pem, str) else csr_pem)
    except (ValueError, TypeError):
        raise InvalidRequestException("The certificate signing request is not a valid PEM CSR.") from None
    if not csr.is_signature_valid:
        raise InvalidRequestException("The certificate signing request signature is not valid.")
    now = utcnow()
    cert = (x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(ISSUER)
            .public_key(csr.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * 10))
            .sign(_ca_key(), hashes.SHA256()))
    return cert.public_bytes(Encoding.PEM).decode("ascii")


def create_certificate_from_csr(self, csr, set_as_active):
    pem = certificate_for_csr(csr)
    return self.register_certificate(pem, ca_certificate_pem=None, set_as_active=set_as_active, status="INACTIVE")


def use_der_ids():
    """Certificate ids are the SHA-256 of the DER certificate, as AWS makes them (moto: of the PEM text)."""
    from moto.core.config import default_user_config

    default_user_config.setdefault("iot", {})["use_valid_cert"] = True


def install():
    use_der_ids()
    if getattr(IoTBackend.create_certificate_from_csr, "_gg_sandbox", False):
        return
    create_certificate_from_csr._gg_sandbox = True
    IoTBackend.create_certificate_from_csr = create_certificate_from_csr
