"""A demo CA and seal certificate for installations without a real one (`make run`).

Never for production: the CA's key lies next to the seal's, unprotected, and nobody outside
this installation trusts it. Production configures RATHAUS_SEAL_KEY_FILE / _CERT_FILE /
_CHAIN_FILES with a seal certificate from a trust service provider (and a municipality's own
seal in its configuration profile).

The demo CA also issues named seals (`demo_seal_issue`), which the demo data configure for
some municipalities so that their documents carry their own seal, and the certificate of the
local time-stamp authority that stamps receipts (rathaus.evidence; RFC 3161).
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

CA_NAME = "rathaus Demo-CA (nur Demo)"
SEAL_NAME = "rathaus Demo-Siegel"
TSA_NAME = "rathaus Demo-Zeitstempeldienst"
ORGANISATION = "rathaus Demo"
VALIDITY_DAYS = 5 * 365


@dataclass(frozen=True)
class DemoCaFiles:
    ca_cert: Path
    seal_cert: Path
    seal_key: Path
    ca_key: Path
    # The local time-stamp authority's certificate and key (RFC 3161). Not part of `exist()`:
    # demo CAs created before the TSA existed stay valid, `demo_ca_create` adds the TSA.
    tsa_cert: Path
    tsa_key: Path

    def exist(self) -> bool:
        return all(p.is_file() for p in (self.ca_cert, self.seal_cert, self.seal_key, self.ca_key))

    def tsa_exists(self) -> bool:
        return self.tsa_cert.is_file() and self.tsa_key.is_file()


def demo_ca_files(directory: Path | None = None) -> DemoCaFiles:
    """Where the demo CA lives: `settings.VAR_DIR / "seal"` unless `directory` is given."""
    base = Path(directory) if directory is not None else Path(settings.VAR_DIR) / "seal"
    return DemoCaFiles(
        ca_cert=base / "ca.pem",
        seal_cert=base / "seal.pem",
        seal_key=base / "seal.key",
        ca_key=base / "ca.key",
        tsa_cert=base / "tsa.pem",
        tsa_key=base / "tsa.key",
    )


def _name(common_name: str, organisation: str = ORGANISATION) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


def demo_ca_create(*, directory: Path | None = None) -> tuple[DemoCaFiles, bool]:
    """Create the demo CA, seal and TSA certificates (EC P-256) when missing.

    Idempotent: existing files are kept (returns False as the second value); when only some
    of the CA's and seal's files exist, all are created anew so that keys, certificates and CA
    belong together. A complete CA without a TSA certificate (created before receipts were
    time-stamped) gets one from its CA key.
    """
    files = demo_ca_files(directory)
    if files.exist():
        if not files.tsa_exists():
            _tsa_write(files)
        return files, False
    files.ca_cert.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(CA_NAME)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALIDITY_DAYS + 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    seal_key, seal_cert = _seal_issue(ca_key, ca_cert, _name(SEAL_NAME))
    # The CA key is kept (demo only) so that the demo can issue municipalities' seals.
    _write(
        files.ca_key,
        ca_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        private=True,
    )
    _write(
        files.seal_key,
        seal_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        private=True,
    )
    _write(files.seal_cert, seal_cert.public_bytes(serialization.Encoding.PEM))
    _write(files.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM))
    _tsa_write(files)
    return files, True


def _tsa_write(files: DemoCaFiles) -> None:
    """Issue the local time-stamp authority's certificate from the demo CA: RFC 3161 2.3 wants
    the extended key usage id-kp-timeStamping alone and critical (`openssl ts -verify`
    checks it)."""
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    now = dt.datetime.now(dt.UTC)
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(TSA_NAME))
        .issuer_name(ca_cert.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(tsa_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(
        files.tsa_key,
        tsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        private=True,
    )
    _write(files.tsa_cert, tsa_cert.public_bytes(serialization.Encoding.PEM))


def _seal_issue(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, subject: x509.Name
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    now = dt.datetime.now(dt.UTC)
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal_cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(seal_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return seal_key, seal_cert


@dataclass(frozen=True)
class DemoSeal:
    """A named seal issued by the demo CA, as PEM text (for a configuration profile)."""

    certificate_pem: str
    chain_pem: str
    private_key_pem: str


def demo_seal_issue(
    *, common_name: str, organisation: str, directory: Path | None = None
) -> DemoSeal:
    """Issue a seal certificate for `organisation` (e.g. "Stadt Düren") from the demo CA,
    creating the CA when missing. The chain is the demo CA's certificate."""
    files, _created = demo_ca_create(directory=directory)
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    seal_key, seal_cert = _seal_issue(ca_key, ca_cert, _name(common_name, organisation))
    return DemoSeal(
        certificate_pem=seal_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        chain_pem=ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        private_key_pem=seal_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii"),
    )


def demo_ca_issued(certificate_pem: str, *, directory: Path | None = None) -> bool:
    """Whether `certificate_pem` was issued by the current demo CA (False when none)."""
    files = demo_ca_files(directory)
    if not files.exist() or not certificate_pem.strip():
        return False
    try:
        ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
        x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).verify_directly_issued_by(
            ca_cert
        )
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
