"""The seal with a signature time-stamp (PAdES B-T, rathaus.seals.timestamping): the token is
embedded in the signature, from the local TSA or the external TSAs of RATHAUS_TSA_URLS; the
document stays PDF/A-2b and its seal valid."""

import datetime as dt
import hashlib
from io import BytesIO

import pytest
import weasyprint
from asn1crypto import tsp
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from rathaus.evidence.timestamps import TimestampUnavailable, timestamp_certificate_pem
from rathaus.seals.services import pdf_seal
from rathaus.seals.timestamping import pdf_seal_timestamped, pdf_signature_timestamp
from rathaus.seals.validation import pdf_seal_validate, seal_trust_roots
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.evidence.test_timestamps import _closed_port_url, tsa_server  # noqa: F401
from tests.pdf_conformance import pdfa2_problems
from tests.seals.test_seal_keeps_pdfa import HTML


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return weasyprint.HTML(string=HTML).write_pdf(
        pdf_variant="pdf/a-2b", pdf_version="1.7", pdf_tags=True
    )


def signature_status(sealed: bytes):
    """pyHanko's validation of the last signature, against the installation's trust roots."""
    signature = PdfFileReader(BytesIO(sealed), strict=False).embedded_signatures[-1]
    context = ValidationContext(trust_roots=seal_trust_roots(), allow_fetching=False)
    return signature, validate_pdf_signature(signature, context)


def assert_b_t(sealed: bytes) -> None:
    """`sealed` carries a trusted signature time-stamp of now, over its signature value."""
    signature, status = signature_status(sealed)
    assert status.intact and status.valid and status.trusted, status
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted, stamp
    assert abs(stamp.timestamp - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert pdf_seal_validate(pdf=sealed).ok
    assert pdfa2_problems(sealed) == []
    # The embedded token, extracted as a TimeStampResp (what decisions store beside the PDF).
    response = tsp.TimeStampResp.load(pdf_signature_timestamp(sealed))
    assert response["status"]["status"].native == "granted"
    tst_info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    imprint = tst_info["message_imprint"]
    assert imprint["hash_algorithm"]["algorithm"].native == "sha256"
    value = signature.signer_info["signature"].native
    assert imprint["hashed_message"].native == hashlib.sha256(value).digest()
    assert tst_info["gen_time"].native == stamp.timestamp
    assert timestamp_certificate_pem(response.dump())


def test_the_local_tsa_stamps_the_seal_inside_the_signature(demo_seal, pdf):  # noqa: F811
    sealed = pdf_seal_timestamped(pdf=pdf, reason="Bescheid", location="Düren")
    assert sealed.startswith(pdf)  # an incremental update
    assert_b_t(sealed)


def test_the_plain_seal_stays_b_b(demo_seal, pdf):  # noqa: F811
    sealed = pdf_seal(pdf=pdf, reason="Eingangsbestätigung", location="Düren")
    _signature, status = signature_status(sealed)
    assert status.valid and status.trusted and status.timestamp_validity is None
    assert pdf_signature_timestamp(sealed) == b""
    assert pdf_signature_timestamp(pdf) == b""
    assert pdf_signature_timestamp(b"no PDF") == b""


def test_an_external_tsa_stamps_over_http_with_fallbacks(demo_seal, settings, tsa_server, pdf):  # noqa: F811
    broken_url, broken_calls = tsa_server(broken=True)
    url, calls = tsa_server()
    settings.RATHAUS_TSA_URLS = [_closed_port_url(), broken_url, url]
    sealed = pdf_seal_timestamped(pdf=pdf, reason="Bescheid", location="Düren")
    assert_b_t(sealed)
    # pyHanko's size estimate and the signature's token, both over HTTP (RFC 3161 3.4).
    assert calls == ["application/timestamp-query"] * 2 and len(broken_calls) == 2
    # The size estimate is asked once per TSA configuration: the next seal costs one token.
    assert_b_t(pdf_seal_timestamped(pdf=pdf, reason="Bescheid", location="Düren"))
    assert len(calls) == 3


def test_no_seal_when_no_tsa_answers(demo_seal, settings, tsa_server, pdf):  # noqa: F811
    broken_url, _calls = tsa_server(broken=True)
    settings.RATHAUS_TSA_URLS = [_closed_port_url(), broken_url]
    with pytest.raises(TimestampUnavailable) as error:
        pdf_seal_timestamped(pdf=pdf, reason="Bescheid", location="Düren")
    assert broken_url in error.value.message


def test_no_seal_without_a_tsa(demo_seal, settings, pdf):  # noqa: F811
    # Its own seal, not the demo's: then there is no implicit local TSA.
    settings.RATHAUS_SEAL_KEY_FILE = str(demo_seal.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(demo_seal.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(demo_seal.ca_cert)]
    with pytest.raises(TimestampUnavailable, match="RATHAUS_TSA_URLS"):
        pdf_seal_timestamped(pdf=pdf, reason="Bescheid", location="Düren")


def test_a_tsa_under_another_root(demo_seal, settings, pdf, tmp_path):  # noqa: F811
    """A local TSA certified by another CA: trusted only once its root is configured; the
    seal itself validates either way."""
    from rathaus.seals.demo_ca import demo_ca_create

    other, _ = demo_ca_create(directory=tmp_path / "tsa-ca")
    settings.RATHAUS_TSA_CERT_FILE = str(other.tsa_cert)
    settings.RATHAUS_TSA_KEY_FILE = str(other.tsa_key)
    with pytest.raises(TimestampUnavailable, match="not trusted"):
        pdf_seal_timestamped(pdf=pdf, reason="Bescheid", location="Düren")
    settings.RATHAUS_TSA_TRUST_ROOT_FILES = [str(other.ca_cert)]
    sealed = pdf_seal_timestamped(pdf=pdf, reason="Bescheid", location="Düren")
    assert pdf_seal_validate(pdf=sealed).ok and pdfa2_problems(sealed) == []
    _signature, status = signature_status(sealed)
    assert status.timestamp_validity is not None and not status.timestamp_validity.trusted
    roots = [*seal_trust_roots(), *load_certs_from_pemder([str(other.ca_cert)])]
    signature = PdfFileReader(BytesIO(sealed), strict=False).embedded_signatures[-1]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    stamp = validate_pdf_signature(signature, context).timestamp_validity
    assert stamp is not None and stamp.valid and stamp.trusted
