"""The disposal page (/intern/akten/aussonderung/, issue 11 §3) and the hand-over on a file's
page: the registry offers the due files (0501 written to the archive's transfer directory),
imports an answer by upload (an invalid one refused with its line), carries out the next
step; a clerk sees no other office's due files and cannot act on an offer (404); a file is
handed over to another authority as a 0401 download."""

import datetime as dt
import io
import re
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.records import services, xdomea
from rathaus.records.documents import CheckedUpload
from rathaus.records.models import ArchiveConnection, DisposalOffer, FilePlanItem, RecordFile
from rathaus.records.xdomea.validation import schema_directory
from rathaus.staff.models import Role
from tests.factories import OfficeFactory
from tests.optional_dependencies import unavailable
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = "Nummer;Titel;Aufbewahrungsfrist (Jahre)\n963;Hundesteuer;5\n"


@pytest.fixture
def world(media_root, tmp_path):
    if not (schema_directory() / "3.1.0" / "xdomea.xsd").is_file():
        unavailable(f"the official xdomea XSDs are not at {schema_directory()}")
    office = OfficeFactory()
    municipality = office.municipality
    services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    item = FilePlanItem.objects.get(municipality=municipality, number="963")
    record = services.file_create(
        actor=SYSTEM, office=office, plan_item=item, title="Hundesteuer Bello", year=2012
    )
    services.document_add(
        actor=SYSTEM,
        record=record,
        title="Bescheid",
        kind="outgoing",
        upload=CheckedUpload("bescheid.txt", "text/plain", b"Festsetzung der Hundesteuer"),
    )
    services.file_close(actor=SYSTEM, record=record, reason="erledigt")
    RecordFile.objects.filter(pk=record.pk).update(disposal_date=dt.date(2019, 1, 1))
    connection = ArchiveConnection.objects.create(
        municipality=municipality,
        archive_name="Landesarchiv",
        outgoing_path=str(tmp_path / "an-archiv"),
        incoming_path=str(tmp_path / "von-archiv"),
    )
    return {"office": office, "record": record, "connection": connection, "tmp": tmp_path}


def page(response) -> str:
    return unescape(response.content.decode())


def test_the_registry_offers_and_imports_the_evaluation(client, world):
    registry = make_staff("registratur", (world["office"], Role.REGISTRY))
    login_with_mfa(client, registry)
    municipality = world["office"].municipality
    record = world["record"]
    shown = page(client.get(reverse("backoffice:records-disposal")))
    assert record.file_reference in shown and "Landesarchiv (xdomea 3.1.0)" in shown

    response = client.post(
        reverse("backoffice:records-disposal-offer", args=[municipality.pk]),
        {"files": [record.pk]},
        follow=True,
    )
    offer = DisposalOffer.objects.get(municipality=municipality)
    assert str(offer.process_id) in page(response)
    (sent,) = (world["tmp"] / "an-archiv").iterdir()
    assert sent.name == f"{offer.process_id}_Aussonderung.Anbieteverzeichnis.0501.zip"

    header = xdomea.Header(
        process_id=offer.process_id,
        created_at=timezone.now(),
        sender=xdomea.Party(name="Landesarchiv"),
        recipient=xdomea.Party(name=municipality.name),
    )
    xml = xdomea.evaluation_0502(
        header, [xdomea.Evaluation(record.pk, xdomea.ArchiveRule.DESTROY)], receipt_requested=False
    )
    broken = xml.replace(b"<xdomea:ID>", b"<xdomea:Kennung>", 1).replace(
        b"</xdomea:ID>", b"</xdomea:Kennung>", 1
    )
    refused = client.post(
        reverse("backoffice:records-disposal-import"),
        {"xdomea-message": SimpleUploadedFile("0502.xml", broken)},
    )
    assert refused.status_code == 400
    assert re.search(r"line \d+", page(refused)) and "Kennung" in page(refused)
    imported = client.post(
        reverse("backoffice:records-disposal-import"),
        {"xdomea-message": SimpleUploadedFile("0502.xml", xml)},
        follow=True,
    )
    assert "0502" in page(imported)
    offer.refresh_from_db()
    assert offer.status == DisposalOffer.Status.EVALUATED

    client.post(reverse("backoffice:records-disposal-step", args=[offer.pk]), {"step": "destroy"})
    record.refresh_from_db()
    assert record.status == RecordFile.Status.DESTROYED
    shown = page(client.get(reverse("backoffice:records-disposal")))
    assert "destroyed after evaluation" in shown or "nach Bewertung vernichtet" in shown


def test_a_clerk_sees_no_due_files_and_cannot_act(client, world):
    clerk = make_staff("sachbearbeitung", (world["office"], Role.CASE_WORKER))
    offer = services.disposal_offer_create(
        actor=SYSTEM, municipality=world["office"].municipality, file_ids=[world["record"].pk]
    )
    login_with_mfa(client, clerk)
    shown = page(client.get(reverse("backoffice:records-disposal")))
    assert world["record"].file_reference not in shown
    response = client.post(
        reverse("backoffice:records-disposal-step", args=[offer.pk]), {"step": "destroy"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("backoffice:records-disposal-offer", args=[OfficeFactory().municipality.pk]),
        {"files": [world["record"].pk]},
    )
    assert response.status_code == 404


def test_a_file_is_handed_over_as_a_download(client, world):
    clerk = make_staff("sachbearbeitung", (world["office"], Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    record = world["record"]
    url = reverse("backoffice:records-file-hand-over", args=[record.pk])
    empty = client.post(url, {"handover-recipient": "", "handover-version": "3.1.0"})
    assert empty.status_code == 400 and "error-summary" in page(empty)
    response = client.post(
        url, {"handover-recipient": "Kreisverwaltung Düren", "handover-version": "3.0.0"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as container:
        names = container.namelist()
    assert names[0].endswith("_Abgabe.Abgabe.0401.xml") and len(names) == 2
    stranger = make_staff("fremd", (OfficeFactory(), Role.CASE_WORKER))
    client.logout()
    login_with_mfa(client, stranger)
    assert client.post(url, {"handover-recipient": "X"}).status_code == 404
