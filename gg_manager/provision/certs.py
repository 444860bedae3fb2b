"""Core device key, CSR and certificate files, written only on this machine.

The private key is generated here and never leaves it: only the CSR goes to
AWS IoT (`create_certificate_from_csr`). Files of a core in `certs/`:

    certs/<core>.key        RSA 2048 private key, PEM (PKCS#1), mode 0600
    certs/<core>.cert.pem   the certificate IoT signed for the CSR, mode 0600
    certs/root.ca.pem       Amazon Root CA 1 (the ATS endpoints' root), mode 0600

On the device they go to /greengrass/certs/ under the same names, which is
what config.json (core_config.py) refers to.
"""
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from gg_manager.errors import GGError
from gg_manager.provision.gitignore import protect_new_folder

KEY_BITS = 2048
ROOT_CA_FILE = "root.ca.pem"
# SHA-256 of Amazon Root CA 1's DER (https://www.amazontrust.com/repository/).
AMAZON_ROOT_CA_1_SHA256 = "8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e"
ROOT_CA_SEARCH_PATHS = (
    "/etc/ssl/certs/Amazon_Root_CA_1.pem",
    "/usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/cert.pem",
)


@dataclass(frozen=True)
class CoreCertPaths:
    """Where one core's files live locally (Paths) and their bare file names."""
    key: Path
    cert: Path
    root_ca: Path

    @property
    def key_file(self):
        return self.key.name

    @property
    def cert_file(self):
        return self.cert.name

    @property
    def ca_file(self):
        return self.root_ca.name


def core_cert_paths(certs_dir, core_name):
    """The naming scheme: <certs_dir>/<core>.key, <core>.cert.pem, root.ca.pem."""
    if not core_name or "/" in core_name or core_name.startswith("."):
        raise GGError("core name %r cannot name a file" % (core_name,))
    d = Path(certs_dir)
    return CoreCertPaths(key=d / ("%s.key" % core_name), cert=d / ("%s.cert.pem" % core_name),
                         root_ca=d / ROOT_CA_FILE)


# --- keys and CSRs -------------------------------------------------------------

def generate_private_key_pem():
    """A new RSA 2048 private key as PEM (traditional PKCS#1, as AWS IoT issues them)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def csr_for_key(key_pem, common_name):
    """PEM CSR (SHA-256) for the key, subject CN=common_name."""
    key = _load_key(key_pem)
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
           .sign(key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM)


def generate_key_and_csr(common_name):
    """(key_pem, csr_pem): a new private key and a CSR for it."""
    key_pem = generate_private_key_pem()
    return key_pem, csr_for_key(key_pem, common_name)


def load_or_create_key(certs_dir, core_name):
    """The core's private key: the existing file if there is one, else a new one written 0600.

    Creation is exclusive (link, not overwrite), so two concurrent runs still end
    with one key, and a re-run never replaces a key a certificate was issued for.
    """
    path = core_cert_paths(certs_dir, core_name).key
    if path.exists():
        data = path.read_bytes()
        _load_key(data, where=path)
        return data
    data = generate_private_key_pem()
    if not write_private(path, data, overwrite=False):
        data = path.read_bytes()  # another run created it first: use that one
    return data


def cert_matches_key(cert_pem, key_pem):
    """True when the certificate was issued for this private key."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    return (cert.public_key().public_bytes(serialization.Encoding.DER, pub)
            == _load_key(key_pem).public_key().public_bytes(serialization.Encoding.DER, pub))


def _load_key(key_pem, where="private key"):
    try:
        return serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise GGError("%s is not a readable unencrypted PEM private key: %s" % (where, exc))


# --- files ---------------------------------------------------------------------

def write_private(path, data, overwrite=True):
    """Write bytes atomically with mode 0600, creating missing folders with mode 0700 (a new
    folder inside a git work tree gets a .gitignore of '*' unless git already ignores it).

    With overwrite=False an existing file is kept and False is returned.
    """
    path = Path(path)
    if _make_private_dirs(path.parent):
        protect_new_folder(path.parent, (path.name,))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % path.name, dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
        return True
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def _make_private_dirs(folder):
    """Create `folder` and its missing parents with mode 0700; True when `folder` was missing."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(d, 0o700)
    return bool(missing)


def write_core_certs(certs_dir, core_name, cert_pem, root_ca=None):
    """Write the core's certificate and the root CA next to its key (all 0600)."""
    paths = core_cert_paths(certs_dir, core_name)
    write_private(paths.cert, cert_pem)
    write_private(paths.root_ca, root_ca if root_ca is not None else root_ca_pem())
    return paths


# --- root CA -------------------------------------------------------------------

def root_ca_pem(search_paths=None):
    """Amazon Root CA 1 as PEM, found by fingerprint in the system trust store or certifi."""
    candidates = list(search_paths if search_paths is not None else ROOT_CA_SEARCH_PATHS)
    if search_paths is None:
        try:
            import certifi
            candidates.append(certifi.where())
        except ImportError:
            pass
    for candidate in candidates:
        try:
            text = Path(candidate).read_bytes()
        except OSError:
            continue
        found = _find_amazon_root_ca_1(text)
        if found:
            return found
    raise GGError("Amazon Root CA 1 not found in %s; install the ca-certificates package or "
                  "save https://www.amazontrust.com/repository/AmazonRootCA1.pem as certs/%s"
                  % (", ".join(map(str, candidates)), ROOT_CA_FILE))


_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def _find_amazon_root_ca_1(bundle):
    for block in _PEM_CERT.findall(bundle):
        try:  # one by one: a bundle may hold a certificate cryptography cannot parse
            cert = x509.load_pem_x509_certificate(block)
        except ValueError:
            continue
        der = cert.public_bytes(serialization.Encoding.DER)
        if hashlib.sha256(der).hexdigest() == AMAZON_ROOT_CA_1_SHA256:
            return cert.public_bytes(serialization.Encoding.PEM)
    return None
