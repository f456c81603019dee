import io

import pytest
import weasyprint
from cryptography import x509
from cryptography.x509.oid import ExtensionOID
from django.core.management import call_command
from pyhanko.keys import load_certs_from_pemder

from rathaus.seals.demo_ca import CA_NAME, SEAL_NAME, demo_ca_create, demo_ca_files
from rathaus.seals.services import SealNotConfigured, _signer_load, pdf_seal
from rathaus.seals.validation import pdf_seal_validate


@pytest.fixture(scope="module")
def pdf() -> bytes:
    html = "<html lang='de'><head><title>T</title></head><body><p>Eingangsbestätigung</p></body></html>"
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")


@pytest.fixture
def demo_seal(settings, tmp_path):
    """Unconfigured installation with a demo CA under VAR_DIR/seal."""
    settings.VAR_DIR = tmp_path
    settings.RATHAUS_SEAL_KEY_FILE = ""
    settings.RATHAUS_SEAL_CERT_FILE = ""
    settings.RATHAUS_SEAL_CHAIN_FILES = []
    files, created = demo_ca_create()
    assert created
    return files


def test_demo_ca_is_created_once_with_seal_key_usage(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("seal_demo_ca", stdout=out)
    assert "created" in out.getvalue()
    files = demo_ca_files()
    assert files.ca_cert.parent == tmp_path / "seal"
    first = files.seal_cert.read_bytes()
    assert oct(files.seal_key.stat().st_mode & 0o777) == "0o600"
    out = io.StringIO()
    call_command("seal_demo_ca", stdout=out)  # idempotent: nothing replaced
    assert "present" in out.getvalue()
    assert files.seal_cert.read_bytes() == first

    seal = x509.load_pem_x509_certificate(first)
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    usage = seal.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not seal.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca
    assert seal.subject.rfc4514_string().startswith(f"CN={SEAL_NAME}")
    assert seal.issuer == ca.subject
    assert ca.subject.rfc4514_string().startswith(f"CN={CA_NAME}")
    seal.verify_directly_issued_by(ca)


def test_demo_ca_is_recreated_when_incomplete(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    files, _ = demo_ca_create()
    old_ca = files.ca_cert.read_bytes()
    files.seal_key.unlink()
    files, created = demo_ca_create()
    assert created and files.seal_key.exists() and files.ca_cert.read_bytes() != old_ca


def test_sealed_pdf_validates_intact_valid_trusted(demo_seal, pdf):
    sealed = pdf_seal(pdf=pdf, reason="Eingangsbestätigung", location="Musterstadt")
    assert sealed.startswith(pdf)  # incremental update: the original bytes are untouched
    result = pdf_seal_validate(pdf=sealed)
    assert (result.intact, result.valid, result.trusted) == (True, True, True)
    assert result.ok
    assert result.signer_name == SEAL_NAME
    assert result.signed_at is not None and result.signed_at.tzinfo is not None


def test_tampered_byte_breaks_the_seal(demo_seal, pdf):
    sealed = bytearray(pdf_seal(pdf=pdf, reason="r", location="l"))
    # Change one byte of the page text (the first content stream byte inside the signed range).
    at = sealed.index(b"stream\n", sealed.index(b"/Length")) + 20
    sealed[at] ^= 0x01
    result = pdf_seal_validate(pdf=bytes(sealed))
    assert not result.intact
    assert result.signer_name == SEAL_NAME  # the seal was found and checked, not just unreadable
    assert not result.ok


def test_unsealed_pdf_is_not_valid(demo_seal, pdf):
    result = pdf_seal_validate(pdf=pdf)
    assert not (result.intact or result.valid or result.trusted)
    assert not pdf_seal_validate(pdf=b"not a pdf").ok


def test_other_trust_root_means_untrusted(demo_seal, pdf, tmp_path):
    sealed = pdf_seal(pdf=pdf, reason="r", location="l")
    other, _ = demo_ca_create(directory=tmp_path / "other")
    roots = list(load_certs_from_pemder([str(other.ca_cert)]))
    result = pdf_seal_validate(pdf=sealed, trust_roots=roots)
    assert result.intact and not result.trusted
    assert not result.ok


def test_configured_seal_files_are_used(settings, tmp_path, pdf):
    files, _ = demo_ca_create(directory=tmp_path / "configured")
    settings.VAR_DIR = tmp_path / "empty"  # no demo CA there
    settings.RATHAUS_SEAL_KEY_FILE = str(files.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(files.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(files.ca_cert)]
    result = pdf_seal_validate(pdf=pdf_seal(pdf=pdf, reason="r", location="l"))
    assert result.ok


def test_unreadable_key_is_reported(settings, tmp_path, pdf):
    files, _ = demo_ca_create(directory=tmp_path / "configured")
    settings.RATHAUS_SEAL_KEY_FILE = str(files.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(files.seal_cert)
    settings.RATHAUS_SEAL_KEY_PASSPHRASE = ""
    files.seal_key.write_text("garbage")
    _signer_load.cache_clear()
    with pytest.raises(SealNotConfigured, match="nicht geladen werden"):
        pdf_seal(pdf=pdf, reason="r", location="l")


def test_without_any_seal_a_clear_error(settings, tmp_path, pdf, in_english):
    settings.VAR_DIR = tmp_path
    settings.RATHAUS_SEAL_KEY_FILE = ""
    settings.RATHAUS_SEAL_CERT_FILE = ""
    with pytest.raises(SealNotConfigured, match="seal_demo_ca") as exc:
        pdf_seal(pdf=pdf, reason="r", location="l")
    assert "RATHAUS_SEAL_KEY_FILE" in exc.value.message
