"""Core keys stay local, are written 0600, and are never replaced by a re-run."""
import datetime
import hashlib
import os
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from gg_manager.errors import GGError
from gg_manager.provision.certs import (
    AMAZON_ROOT_CA_1_SHA256, cert_matches_key, core_cert_paths, csr_for_key, generate_key_and_csr,
    load_or_create_key, root_ca_pem, write_core_certs, write_private,
)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def self_signed(key_pem, cn="x"):
    key = serialization.load_pem_private_key(key_pem, None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def test_key_and_csr():
    key_pem, csr_pem = generate_key_and_csr("GG_Object_Detection_Core")
    key = serialization.load_pem_private_key(key_pem, None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    assert key_pem.startswith(b"-----BEGIN RSA PRIVATE KEY")  # PKCS#1 PEM, as AWS IoT issues
    csr = x509.load_pem_x509_csr(csr_pem)
    assert csr.is_signature_valid
    assert csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "GG_Object_Detection_Core"
    assert csr.public_key().public_numbers() == key.public_key().public_numbers()
    assert b"PRIVATE" not in csr_pem


def test_paths_naming_scheme(tmp_path):
    p = core_cert_paths(tmp_path / "certs", "core1")
    assert (p.key, p.cert, p.root_ca) == (tmp_path / "certs/core1.key",
                                          tmp_path / "certs/core1.cert.pem",
                                          tmp_path / "certs/root.ca.pem")
    assert (p.key_file, p.cert_file, p.ca_file) == ("core1.key", "core1.cert.pem", "root.ca.pem")
    with pytest.raises(GGError):
        core_cert_paths(tmp_path, "../evil")


def test_load_or_create_reuses_the_key(tmp_path):
    certs = tmp_path / "deep" / "certs"
    first = load_or_create_key(certs, "core1")
    second = load_or_create_key(certs, "core1")
    assert first == second
    assert (certs / "core1.key").read_bytes() == first
    assert mode(certs / "core1.key") == 0o600
    assert mode(certs) == 0o700 and mode(tmp_path / "deep") == 0o700
    assert sorted(os.listdir(certs)) == ["core1.key"]  # no temp files left behind
    # a CSR from the reused key is for the same public key
    csr = x509.load_pem_x509_csr(csr_for_key(second, "core1"))
    assert csr.public_key().public_numbers() == \
        serialization.load_pem_private_key(first, None).public_key().public_numbers()


def test_load_or_create_refuses_a_garbled_key(tmp_path):
    write_private(tmp_path / "core1.key", b"not a key")
    with pytest.raises(GGError, match="core1.key is not a readable"):
        load_or_create_key(tmp_path, "core1")
    assert (tmp_path / "core1.key").read_bytes() == b"not a key"  # never replaced


def test_write_private_is_0600_and_atomic(tmp_path):
    target = tmp_path / "f.pem"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    assert write_private(target, b"new") is True
    assert target.read_bytes() == b"new" and mode(target) == 0o600
    assert write_private(target, b"other", overwrite=False) is False
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["f.pem"]


def test_write_private_ignores_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        write_private(tmp_path / "a" / "k", b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a" / "k") == 0o600 and mode(tmp_path / "a") == 0o700


def test_cert_matches_key():
    key_a, _ = generate_key_and_csr("a")
    key_b, _ = generate_key_and_csr("b")
    cert = self_signed(key_a)
    assert cert_matches_key(cert, key_a)
    assert not cert_matches_key(cert, key_b)


def test_root_ca_is_amazon_root_ca_1():
    pem = root_ca_pem()
    cert = x509.load_pem_x509_certificate(pem)
    assert cert.subject.rfc4514_string() == "CN=Amazon Root CA 1,O=Amazon,C=US"
    assert hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest() == \
        AMAZON_ROOT_CA_1_SHA256


def test_root_ca_found_in_a_bundle_with_other_and_broken_blocks(tmp_path):
    key, _ = generate_key_and_csr("x")
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(self_signed(key, "Amazon Root CA 1")  # right name, wrong cert
                       + b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                       + root_ca_pem())
    assert root_ca_pem([tmp_path / "missing.pem", bundle]) == root_ca_pem()


def test_root_ca_not_found_is_a_clear_error(tmp_path):
    key, _ = generate_key_and_csr("x")
    (tmp_path / "other.pem").write_bytes(self_signed(key, "Amazon Root CA 1"))
    with pytest.raises(GGError, match="Amazon Root CA 1 not found.*AmazonRootCA1.pem"):
        root_ca_pem([tmp_path / "other.pem"])


def test_write_core_certs(tmp_path):
    key = load_or_create_key(tmp_path, "core1")
    cert = self_signed(key)
    paths = write_core_certs(tmp_path, "core1", cert)
    assert paths.cert.read_bytes() == cert
    assert paths.root_ca.read_bytes() == root_ca_pem()
    assert {mode(p) for p in (paths.key, paths.cert, paths.root_ca)} == {0o600}
