"""Replacement scanning (§7 EGovG, issue 11 §4): scans taken in for an open file, OCRed into
PDF/A with a German text layer in the background, sealed and time-stamped; a sample checked by
a second person before the document is final; the scan record kept with the document; the
OCR text found by the search; the originals due for destruction."""

import datetime as dt

import pytest
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict, DomainError
from rathaus.core.models import AuditEvent
from rathaus.core.outbox_runner import outbox_drain
from rathaus.evidence.verification import timestamp_verify
from rathaus.records import services
from rathaus.records.models import Document, FilePlanItem, ScanBatch, ScannedDocument
from rathaus.records.ocr import ocr_available
from rathaus.records.scanning import (
    checks_waiting,
    original_destroyed,
    originals_due,
    scan_batch_create,
    scan_check,
)
from rathaus.records.search import document_search
from rathaus.staff.models import Role
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory
from tests.optional_dependencies import HOW_TO_INSTALL, unavailable
from tests.records.test_ocr import A4_150_DPI, blank_scan, image_bytes, joined, scanned_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def with_ocr(media_root, demo_seal):  # noqa: F811
    if not ocr_available():
        unavailable(f"ocrmypdf or tesseract-ocr-deu missing – {HOW_TO_INSTALL}")


@pytest.fixture
def world():
    office = OfficeFactory(name="Steueramt")
    system = Actor.system("tests")
    services.file_plan_import(
        actor=system, municipality=office.municipality, data="Nummer;Titel\n963;Hundesteuer\n"
    )
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(actor=system, office=office, plan_item=item, title="Hunde")
    scanner = make("scanstelle", office)
    checker = make("pruefung", office)
    return {"record": record, "scanner": scanner, "checker": checker}


def make(name, office):
    from tests.staff.people import make_staff

    return make_staff(name, (office, Role.CASE_WORKER))


def page_png(*lines):
    return image_bytes(
        scanned_page(list(lines), size=A4_150_DPI, font_size=48), "PNG", dpi=(150, 150)
    )


def test_a_scan_of_high_protection_is_final_after_a_second_check(world):
    scanner = Actor.person(world["scanner"])
    upload = services.CheckedUpload(
        "brief.png", "image/png", page_png("Widerspruch Hundesteuer", "Bello Mustermann")
    )
    batch = scan_batch_create(
        actor=scanner,
        record=world["record"],
        uploads=[upload],
        device="Fujitsu fi-7160",
        resolution=150,
        colour_mode="gray",
        protection=ScanBatch.Protection.HIGH,
    )
    outbox_drain()  # the background job: OCR, seal, time-stamp
    batch.refresh_from_db()
    assert (batch.status, batch.pages_done, batch.pages_total) == ("done", 1, 1)
    [scanned] = batch.documents.all()
    assert scanned.check_result == "pending" and scanned.document is None
    assert list(checks_waiting(office_ids=None)) == [scanned]
    check, at = timestamp_verify(data=_content(scanned), timestamp=bytes(scanned.timestamp))
    assert check.passed and at is not None
    with pytest.raises(DomainError, match="zweite Person"):
        scan_check(actor=scanner, scanned=scanned, passed=True)
    with pytest.raises(DomainError, match="nicht übereinstimmt"):
        scan_check(actor=Actor.person(world["checker"]), scanned=scanned, passed=False)
    scan_check(actor=Actor.person(world["checker"]), scanned=scanned, passed=True)
    scanned.refresh_from_db()
    document = scanned.document
    assert document.file == world["record"] and document.kind == "incoming"
    record = document.metadata["scan"]
    assert record["device"] == "Fujitsu fi-7160" and record["check"] == "passed"
    assert record["checked_by"] == world["checker"].display_name
    assert record["original_sha256"] == batch.inputs[0]["sha256"]
    with pytest.raises(Conflict):
        scan_check(actor=Actor.person(world["checker"]), scanned=scanned, passed=True)
    outbox_drain()  # the index reads the OCR text
    assert [d.pk for d in document_search(query="Widerspruch", office_ids=None).documents] == [
        document.pk
    ]
    assert AuditEvent.objects.filter(action="records.scan_check").count() == 1
    # The paper original may go after the keeping days.
    assert not originals_due(office_ids=None).exists()
    later = timezone.localdate() + dt.timedelta(days=90)
    assert list(originals_due(office_ids=None, today=later)) == [scanned]
    ScannedDocument.objects.filter(pk=scanned.pk).update(original_destroy_from=timezone.localdate())
    original_destroyed(actor=scanner, scanned=scanned)
    with pytest.raises(Conflict):
        original_destroyed(actor=scanner, scanned=scanned)


def _content(scanned):
    from rathaus.records.content import content_read

    return content_read(scanned.content)


def test_a_batch_is_split_and_outside_the_sample_final_at_once(world, settings):
    settings.RATHAUS_SCAN_CHECK_PERCENT = 0
    pages = [
        image_bytes(scanned_page(["Antrag Hundesteuer"], font_size=48), "PDF", resolution=150),
        blank_scan(),
        image_bytes(scanned_page(["Impfausweis Tollwut"], font_size=48), "PDF", resolution=150),
    ]
    upload = services.CheckedUpload("stapel.pdf", "application/pdf", joined(*pages))
    batch = scan_batch_create(
        actor=Actor.person(world["scanner"]),
        record=world["record"],
        uploads=[upload],
        device="Stapelscanner",
        split=True,
    )
    outbox_drain()
    batch.refresh_from_db()
    assert batch.status == "done", batch.problem
    documents = list(batch.documents.order_by("position"))
    assert [(d.first_page, d.last_page) for d in documents] == [(1, 1), (3, 3)]
    assert all(d.document_id and d.check_result == "" for d in documents)
    assert Document.objects.filter(file=world["record"]).count() == 2


def test_intake_refuses_what_is_no_scan(world):
    with pytest.raises(DomainError, match="kein Scan"):
        scan_batch_create(
            actor=Actor.person(world["scanner"]),
            record=world["record"],
            uploads=[services.CheckedUpload("a.txt", "text/plain", b"x")],
            device="Scanner",
        )
    with pytest.raises(DomainError, match="Scanner"):
        scan_batch_create(
            actor=Actor.person(world["scanner"]),
            record=world["record"],
            uploads=[services.CheckedUpload("a.png", "image/png", page_png("x"))],
            device=" ",
        )


def test_a_batch_interrupted_by_the_tsa_resumes_without_duplicates(world, settings, monkeypatch):
    """The TSA away in the middle of a split batch: the job fails for a retry (the batch is
    not failed), the retry makes only the missing part, a third run changes nothing."""
    from rathaus.evidence.timestamps import TimestampUnavailable
    from rathaus.records import scanning

    settings.RATHAUS_SCAN_CHECK_PERCENT = 0
    pages = [
        image_bytes(scanned_page(["Antrag Hundesteuer"], font_size=48), "PDF", resolution=150),
        blank_scan(),
        image_bytes(scanned_page(["Impfausweis Tollwut"], font_size=48), "PDF", resolution=150),
    ]
    batch = scan_batch_create(
        actor=Actor.person(world["scanner"]),
        record=world["record"],
        uploads=[services.CheckedUpload("stapel.pdf", "application/pdf", joined(*pages))],
        device="Stapelscanner",
        split=True,
    )
    real = scanning.timestamp_obtain
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise TimestampUnavailable("TSA nicht erreichbar")
        return real(**kwargs)

    monkeypatch.setattr(scanning, "timestamp_obtain", flaky)
    with pytest.raises(TimestampUnavailable):
        scanning.scan_batch_process(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "processing" and "TSA" in batch.problem
    assert batch.documents.count() == 1
    scanning.scan_batch_process(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.problem == ""  # the retry's success clears it
    assert [(d.first_page, d.position) for d in batch.documents.order_by("position")] == [
        (1, 1),
        (3, 2),
    ]
    assert batch.pages_done == 2
    ScanBatch.objects.filter(pk=batch.pk).update(status="processing")  # a late second run
    scanning.scan_batch_process(batch_id=batch.pk)
    assert batch.documents.count() == 2
    assert Document.objects.filter(file=world["record"]).count() == 2


def one_page_batch(world):
    return scan_batch_create(
        actor=Actor.person(world["scanner"]),
        record=world["record"],
        uploads=[services.CheckedUpload("brief.png", "image/png", page_png("Widerspruch"))],
        device="Fujitsu fi-7160",
    )


def test_a_second_run_beside_a_slow_first_one_makes_no_duplicate(world, settings, monkeypatch):
    """The outbox hands the job to a second worker while the first still waits for the TSA:
    the part the second one made is not made again by the first."""
    from rathaus.records import scanning

    settings.RATHAUS_SCAN_CHECK_PERCENT = 0
    batch = one_page_batch(world)
    real = scanning.timestamp_obtain
    second = []

    def slow(**kwargs):
        if not second:  # the first run, before its part is stored: the second one overtakes it
            second.append("running")
            second[0] = scanning.scan_batch_process(batch_id=batch.pk)
        return real(**kwargs)

    monkeypatch.setattr(scanning, "timestamp_obtain", slow)
    scanning.scan_batch_process(batch_id=batch.pk)
    batch.refresh_from_db()
    assert second[0].status == batch.status == "done"
    assert batch.documents.count() == 1 and batch.pages_done == 1
    assert Document.objects.filter(file=world["record"]).count() == 1


def test_the_object_storage_out_of_reach_leaves_the_batch_for_a_retry(world, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    from rathaus.records import scanning

    batch = one_page_batch(world)
    real = scanning.content_store

    def unreachable(data):
        raise EndpointConnectionError(endpoint_url="https://s3.example")

    monkeypatch.setattr(scanning, "content_store", unreachable)
    with pytest.raises(EndpointConnectionError):
        scanning.scan_batch_process(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "processing" and "s3.example" in batch.problem
    assert not batch.documents.exists()
    monkeypatch.setattr(scanning, "content_store", real)
    assert scanning.scan_batch_process(batch_id=batch.pk).status == "done"


def test_a_permanent_problem_fails_the_batch_without_a_retry(world, monkeypatch):
    from rathaus.records import scanning

    batch = scan_batch_create(
        actor=Actor.person(world["scanner"]),
        record=world["record"],
        uploads=[services.CheckedUpload("kaputt.png", "image/png", b"\x89PNG kein Bild")],
        device="Fujitsu fi-7160",
    )
    processed = scanning.scan_batch_process(batch_id=batch.pk)  # no exception: no retry
    assert processed.status == "failed" and processed.problem
    assert not processed.documents.exists()
    batch = one_page_batch(world)

    def refused(**kwargs):
        raise DomainError("Die Zeitstempel-Antwort passt nicht zum Dokument.")

    monkeypatch.setattr(scanning, "timestamp_obtain", refused)
    assert scanning.scan_batch_process(batch_id=batch.pk).status == "failed"
    assert scanning.scan_batch_process(batch_id=batch.pk).status == "failed"  # a late rerun
    assert not batch.documents.exists()
