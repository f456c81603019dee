"""A decision is sealed as PAdES B-T: the time-stamp sits inside the seal's signature, where
any PDF reader or validator finds it; `Decision.timestamp` keeps that token."""

import datetime as dt
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from rathaus.decisions import services
from rathaus.seals.timestamping import pdf_signature_timestamp
from rathaus.seals.validation import pdf_seal_validate, seal_trust_roots
from tests.decisions.conftest import person, published
from tests.evidence.test_timestamps import tsa_server  # noqa: F401 (a fixture)
from tests.pdf_conformance import pdfa2_problems

pytestmark = pytest.mark.django_db


def make(case, clerk):
    return services.decision_create(
        actor=person(clerk), case=case, data={"granted": True, "fee": "96,00"}
    )


def assert_sealed_b_t(decision, case) -> None:
    pdf = services.decision_pdf(decision=decision)
    assert pdfa2_problems(pdf) == []
    assert pdf_seal_validate(pdf=pdf, municipality=case.municipality).ok
    (signature,) = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    context = ValidationContext(
        trust_roots=seal_trust_roots(municipality=case.municipality), allow_fetching=False
    )
    status = validate_pdf_signature(signature, context)
    assert status.valid and status.trusted, status
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.valid and stamp.trusted, stamp
    assert abs(stamp.timestamp - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    # Stored beside the PDF: the embedded token itself, not a second one.
    assert bytes(decision.timestamp) == pdf_signature_timestamp(pdf) != b""


def test_the_decision_carries_the_time_stamp_in_its_seal(admin, clerk, case):
    published(admin, case)
    decision = make(case, clerk)
    decision.refresh_from_db()
    assert_sealed_b_t(decision, case)


def test_an_external_tsa_stamps_the_decision(admin, clerk, case, settings, tsa_server):  # noqa: F811
    url, calls = tsa_server()
    settings.RATHAUS_TSA_URLS = [url]
    published(admin, case)
    decision = make(case, clerk)
    assert calls  # over HTTP, not the local TSA in-process
    decision.refresh_from_db()
    assert_sealed_b_t(decision, case)
