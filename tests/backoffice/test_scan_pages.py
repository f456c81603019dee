"""Replacement scanning in the staff area (/intern/akten/, issue 11 §4 and §7): a clerk takes
a scan in for a file, the batch page shows its progress, a second clerk checks it against the
paper (the scanner may not), the scan becomes a document of the file; another office's
clerk gets 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rathaus.core.actors import Actor
from rathaus.core.outbox_runner import outbox_drain
from rathaus.records import services
from rathaus.records.models import FilePlanItem, ScanBatch, ScannedDocument
from rathaus.records.ocr import ocr_available
from rathaus.staff.models import Role
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory
from tests.optional_dependencies import HOW_TO_INSTALL, unavailable
from tests.records.test_ocr import A4_150_DPI, image_bytes, scanned_page
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(media_root, demo_seal, clamav):  # noqa: F811
    if not ocr_available():
        unavailable(f"ocrmypdf or tesseract-ocr-deu missing – {HOW_TO_INSTALL}")
    office = OfficeFactory(name="Steueramt")
    system = Actor.system("tests")
    services.file_plan_import(
        actor=system, municipality=office.municipality, data="Nummer;Titel\n963;Hundesteuer\n"
    )
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(actor=system, office=office, plan_item=item, title="Hunde")
    return {
        "record": record,
        "scanner": make_staff("scanstelle", (office, Role.CASE_WORKER)),
        "checker": make_staff("pruefstelle", (office, Role.CASE_WORKER)),
    }


def test_a_scan_goes_through_intake_and_a_second_check(client, world):
    record = world["record"]
    login_with_mfa(client, world["scanner"])
    url = reverse("backoffice:records-scan-intake", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Scanner" in page.content.decode()
    assert client.post(url, {"device": "Fujitsu", "protection": "high"}).status_code == 400
    png = image_bytes(
        scanned_page(["Widerspruch Hundesteuer"], size=A4_150_DPI, font_size=48),
        "PNG",
        dpi=(150, 150),
    )
    response = client.post(
        url,
        {
            "scans": [SimpleUploadedFile("brief.png", png, "image/png")],
            "device": "Fujitsu fi-7160",
            "resolution": "150",
            "colour_mode": "gray",
            "protection": "high",
        },
    )
    assert response.status_code == 302
    batch = ScanBatch.objects.get()
    assert response["Location"] == reverse("backoffice:records-scan-batch", args=[batch.pk])
    waiting = client.get(response["Location"]).content.decode()
    assert "hx-trigger" in waiting  # reloads itself while the job runs
    assert 'max="1" value="0"' in waiting
    ScanBatch.objects.filter(pk=batch.pk).update(status="processing", problem="TSA weg")
    interrupted = client.get(response["Location"]).content.decode()
    assert "erneut versucht: TSA weg" in interrupted and "fehlgeschlagen" not in interrupted
    outbox_drain()
    done = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in done and "wartet auf die Prüfung" in done
    assert 'max="1" value="1"' in done and "TSA weg" not in done
    scan = ScannedDocument.objects.get()
    check = reverse("backoffice:records-scan-check", args=[scan.pk])
    refused = client.post(check, {"result": "passed"})
    assert refused.status_code == 400 and "zweite Person" in refused.content.decode()
    login_with_mfa(client, world["checker"])
    assert scan.title in client.get(reverse("backoffice:records-scan-checks")).content.decode()
    pdf = client.get(reverse("backoffice:records-scan-pdf", args=[scan.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.post(check, {"result": "rejected"}).status_code == 400  # a note is needed
    assert client.post(check, {"result": "passed"}).status_code == 302
    scan.refresh_from_db()
    assert scan.document.file == record
    other = make_staff("fremd", (OfficeFactory(), Role.CASE_WORKER))
    login_with_mfa(client, other)
    assert client.get(check).status_code == 404
    assert client.get(response["Location"]).status_code == 404
    assert client.get(url).status_code == 404
