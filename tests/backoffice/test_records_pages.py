"""The records pages of the staff area (/intern/akten/, issue 11 §7): overview with the open
files and the unfiled cases (filed from there), the file plan (tree, CSV export, import with
every problem by line, new files), a file (documents added, closed zdA and reopened with a
reason, history), a document with its versions (downloads audited, an altered content a 409
page), the full-text search page by page. Need to know: another office's clerk gets 404."""

import datetime as dt
import hashlib
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.core.outbox_runner import outbox_drain
from rathaus.records import services
from rathaus.records.content import records_storage
from rathaus.records.documents import CheckedUpload
from rathaus.records.models import CaseFiling, Document, FilePlanItem, RecordFile
from rathaus.staff.models import Role
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = (
    "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n"
    "9;;Finanzen;;B\n"
    "96;9;Steuern und Abgaben;;V\n"
    "963;96;Hundesteuer;10;\n"
)
TEXT = "Der Hund Bello ist gechipt und hat Zwingerhusten gehabt."


@pytest.fixture
def world(media_root):
    submission = make_submission()
    office = submission.office
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(
        actor=SYSTEM, office=office, plan_item=item, title="Hundesteuer 2026", year=2026
    )
    document = services.document_add(
        actor=SYSTEM,
        record=record,
        title="Antrag Bello",
        kind=Document.Kind.INCOMING,
        upload=CheckedUpload("antrag.txt", "text/plain", TEXT.encode()),
        document_date=dt.date(2026, 3, 14),
        sender="Erika Mustermann",
        keywords=["Hund"],
    )
    clerk = make_staff("clerk-records", (office, Role.CASE_WORKER))
    return {
        "submission": submission,
        "office": office,
        "item": item,
        "record": record,
        "document": document,
        "version": document.versions.get(),
        "clerk": clerk,
    }


@pytest.fixture
def clerk_client(client, world):
    login_with_mfa(client, world["clerk"])
    return client


def url(name, *args):
    return reverse(f"backoffice:{name}", args=args)


def text_of(response):
    return unescape(response.content.decode())


def test_every_page_renders_for_a_clerk_of_the_office(clerk_client, world):
    record, document, version = world["record"], world["document"], world["version"]
    municipality = world["office"].municipality

    overview = text_of(clerk_client.get(url("records-overview")))
    assert "Offene Akten meiner Dienststellen" in overview
    assert record.file_reference in overview and "Hundesteuer 2026" in overview
    assert "Nicht abgelegte Vorgänge" in overview
    assert world["submission"].case.reference in overview  # filed nowhere yet
    assert url("records-plan", municipality.pk) in overview
    assert 'href="/intern/akten/"' in overview and 'aria-current="page"' in overview  # nav

    plan = clerk_client.get(url("records-plan", municipality.pk))
    assert plan.status_code == 200
    page = text_of(plan)
    assert "Aktenplan von" in page and "Hundesteuer" in page
    assert "Aufbewahrung 10 Jahre" in page  # its own
    assert "Archivierung: vernichten (geerbt)" in page  # from 96
    assert "Archivierung: bewerten" in page  # 9's own
    assert "1 Akte" in page and "Akte anlegen" in page
    assert "Aktenplan einlesen" not in page  # a case worker reads the plan, never imports

    export = clerk_client.get(url("records-plan-csv", municipality.pk))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    assert "963;96;Hundesteuer;10;" in export.content.decode("utf-8-sig")

    detail = text_of(clerk_client.get(url("records-file", record.pk)))
    assert f"Akte {record.file_reference}" in detail
    assert "Antrag Bello" in detail and "Erika Mustermann" in detail and "eingehend" in detail
    assert "offen" in detail and "10 Jahre nach Abschluss" in detail
    assert "Akte abschließen (zdA)" in detail and "Dokument hinzufügen" in detail
    assert "Akte angelegt" in detail and "Dokument hinzugefügt" in detail  # the history
    assert url("records-document", document.pk) in detail

    doc_page = text_of(clerk_client.get(url("records-document", document.pk)))
    assert "antrag.txt" in doc_page and version.content.sha256 in doc_page
    assert url("records-version-download", document.pk, version.pk) in doc_page
    assert "Version hinzufügen" in doc_page

    search = clerk_client.get(url("records-search"))
    assert search.status_code == 200 and "Dokumente durchsuchen" in text_of(search)
    empty = text_of(clerk_client.get(url("records-search"), {"q": "  "}))
    assert "Bitte geben Sie mindestens ein Suchwort ein." in empty


def test_another_offices_clerk_gets_404(client, world):
    record, document, version = world["record"], world["document"], world["version"]
    neighbour = OfficeFactory(municipality=world["office"].municipality)
    login_with_mfa(client, make_staff("clerk-neighbour", (neighbour, Role.CASE_WORKER)))
    download = url("records-version-download", document.pk, version.pk)
    assert client.get(url("records-file", record.pk)).status_code == 404
    assert client.get(url("records-document", document.pk)).status_code == 404
    assert client.get(download).status_code == 404
    assert (
        client.post(url("records-file-close", record.pk), {"close-reason": "x"}).status_code == 404
    )
    case_file = url("records-case-file", world["submission"].case_id)
    assert client.post(case_file, {"file": str(record.pk)}).status_code == 404
    assert not AuditEvent.objects.filter(action="records.document_read").exists()
    assert RecordFile.objects.get(pk=record.pk).status == RecordFile.Status.OPEN
    overview = text_of(client.get(url("records-overview")))
    assert record.file_reference not in overview
    assert world["submission"].case.reference not in overview
    # The plan belongs to the municipality: its staff read it; another municipality's do not.
    municipality = world["office"].municipality
    assert client.get(url("records-plan", municipality.pk)).status_code == 200
    client.logout()
    login_with_mfa(client, make_staff("clerk-elsewhere", (OfficeFactory(), Role.CASE_WORKER)))
    assert client.get(url("records-plan", municipality.pk)).status_code == 404
    assert client.get(url("records-plan-csv", municipality.pk)).status_code == 404


def test_the_download_returns_the_bytes_and_is_audited(clerk_client, world):
    document, version = world["document"], world["version"]
    response = clerk_client.get(url("records-version-download", document.pk, version.pk))
    assert response.status_code == 200
    assert response.content == TEXT.encode()
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="records.document_read")
    assert event.actor_id == str(world["clerk"].pk)
    assert event.details == {"document": str(document.pk), "version": 1}
    history = text_of(clerk_client.get(url("records-file", world["record"].pk)))
    assert "Dokument gelesen" in history and "„Antrag Bello“, Version 1" in history
    # A version of another document under this document's address does not exist.
    other = services.document_add(
        actor=SYSTEM,
        record=world["record"],
        title="Vermerk",
        kind=Document.Kind.NOTE,
        upload=CheckedUpload("vermerk.txt", "text/plain", b"Notiz"),
    )
    wrong = url("records-version-download", document.pk, other.versions.get().pk)
    assert clerk_client.get(wrong).status_code == 404


def test_an_altered_content_is_a_409_page_not_a_download(clerk_client, world):
    document, version = world["document"], world["version"]
    storage = records_storage()
    with open(storage.path(version.content.name), "wb") as handle:
        handle.write(b"etwas anderes")
    response = clerk_client.get(url("records-version-download", document.pk, version.pk))
    assert response.status_code == 409
    page = text_of(response)
    assert "Dokument nicht verfügbar" in page and "verändert" in page
    assert url("records-document", document.pk) in page
    assert "etwas anderes" not in page
    assert not AuditEvent.objects.filter(action="records.document_read").exists()


def test_closing_needs_a_reason_and_reopening_too(clerk_client, world):
    record = world["record"]
    close, reopen = url("records-file-close", record.pk), url("records-file-reopen", record.pk)
    refused = clerk_client.post(close, {"close-reason": "   "})
    assert refused.status_code == 400
    page = text_of(refused)
    assert "Bitte geben Sie einen Grund für den Abschluss der Akte an." in page
    assert 'href="#id_close-reason"' in page  # the error summary links the field
    assert RecordFile.objects.get(pk=record.pk).status == RecordFile.Status.OPEN

    done = clerk_client.post(close, {"close-reason": "Veranlagung abgeschlossen"}, follow=True)
    assert done.redirect_chain == [(url("records-file", record.pk), 302)]
    page = text_of(done)
    assert "Die Akte wurde abgeschlossen (zdA)." in page
    closed = RecordFile.objects.get(pk=record.pk)
    assert closed.status == RecordFile.Status.CLOSED and closed.disposal_date is not None
    assert "zu den Akten (zdA), seit" in page and "Aussonderung fällig am" in page
    assert "Grund: Veranlagung abgeschlossen" in page  # the history
    assert "Akte wieder eröffnen" in page and "Dokument hinzufügen" not in page
    again = clerk_client.post(close, {"close-reason": "nochmal"})
    assert again.status_code == 400 and "bereits zu den Akten verfügt" in text_of(again)

    assert clerk_client.post(reopen, {"reopen-reason": ""}).status_code == 400
    assert RecordFile.objects.get(pk=record.pk).status == RecordFile.Status.CLOSED
    reopened = clerk_client.post(reopen, {"reopen-reason": "Widerspruch eingegangen"})
    assert reopened.status_code == 302
    assert RecordFile.objects.get(pk=record.pk).status == RecordFile.Status.OPEN
    assert AuditEvent.objects.get(action="records.file_reopen").details["reason"] == (
        "Widerspruch eingegangen"
    )


def test_a_document_and_a_version_are_added_through_the_forms(clamav, clerk_client, world):
    record = world["record"]
    add = url("records-document-add", record.pk)
    data = {
        "document-title": "Nachweis Haftpflicht",
        "document-kind": "incoming",
        "document-document_date": "2026-04-01",
        "document-sender": "Versicherung AG",
        "document-recipient": "Steueramt",
        "document-keywords": "Haftpflicht, Hund, ",
        "document-case": "",
    }
    missing = clerk_client.post(add, data)
    assert missing.status_code == 400
    assert "Wählen Sie die Datei des Dokuments aus." in text_of(missing)
    virus = clerk_client.post(
        add, data | {"document-upload": SimpleUploadedFile("v.pdf", samples.eicar_in_pdf())}
    )
    assert virus.status_code == 400 and "Virus" in text_of(virus)
    assert not Document.objects.filter(title="Nachweis Haftpflicht").exists()

    pdf = samples.pdf()
    response = clerk_client.post(
        add, data | {"document-upload": SimpleUploadedFile("nachweis.pdf", pdf)}
    )
    document = Document.objects.get(title="Nachweis Haftpflicht")
    assert response.status_code == 302 and response["Location"] == url(
        "records-document", document.pk
    )
    assert document.keywords == ["Haftpflicht", "Hund"]
    assert document.document_date == dt.date(2026, 4, 1) and document.recipient == "Steueramt"
    assert document.versions.get().content.sha256 == hashlib.sha256(pdf).hexdigest()

    new_version = url("records-version-add", document.pk)
    assert clerk_client.post(new_version, {}).status_code == 400
    second = samples.pdf(padding=b"zweite Fassung")
    added = clerk_client.post(
        new_version, {"upload": SimpleUploadedFile("nachweis-2.pdf", second)}, follow=True
    )
    page = text_of(added)
    assert "Version 2 wurde hinzugefügt." in page
    assert "nachweis-2.pdf" in page and hashlib.sha256(second).hexdigest() in page
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    listing = text_of(clerk_client.get(url("records-file", record.pk)))
    row = re.search(r"Nachweis Haftpflicht</a></td>(.*?)</tr>", listing, re.DOTALL)
    assert row is not None
    assert re.findall(r'<td class="kern-table__cell">([^<]*)</td>', row.group(1))[-1] == "2"


def test_the_registry_imports_the_plan_and_sees_every_problem_by_line(client, world):
    municipality = world["office"].municipality
    registry = make_staff("registratur", (world["office"], Role.REGISTRY))
    login_with_mfa(client, registry)
    plan = url("records-plan", municipality.pk)
    assert "Aktenplan einlesen" in text_of(client.get(plan))
    bad = (
        "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n"
        "964;96;;;\n"
        "965;96;Vergnügungsteuer;zehn;\n"
        "966;96;Spielgerätesteuer;;Q\n"
    )
    refused = client.post(
        url("records-plan-import", municipality.pk),
        {"csv_file": SimpleUploadedFile("plan.csv", bad.encode())},
    )
    assert refused.status_code == 400
    page = text_of(refused)
    lines = re.findall(r"Zeile (\d+)", page)
    assert set(lines) >= {"2", "3", "4"}, page  # every wrong row is named with its line
    assert 'href="#id_csv_file"' in page
    assert page.count('<li><a href="#id_csv_file">Zeile') == 3  # one entry each
    assert not FilePlanItem.objects.filter(municipality=municipality, number="964").exists()

    good = "Nummer;Übergeordnet;Titel\n964;96;Zweitwohnungsteuer\n"
    done = client.post(
        url("records-plan-import", municipality.pk),
        {"csv_file": SimpleUploadedFile("plan.csv", good.encode())},
        follow=True,
    )
    assert "1 Positionen angelegt" in text_of(done)
    assert FilePlanItem.objects.filter(municipality=municipality, number="964").exists()

    # A case worker may not import (403), whatever the form shows.
    client.logout()
    login_with_mfa(client, world["clerk"])
    forbidden = client.post(
        url("records-plan-import", municipality.pk),
        {"csv_file": SimpleUploadedFile("plan.csv", good.encode())},
    )
    assert forbidden.status_code == 403


def test_a_file_is_created_from_the_plan(clerk_client, world):
    municipality, office, item = world["office"].municipality, world["office"], world["item"]
    create = url("records-file-create", municipality.pk)
    refused = clerk_client.post(create, {"office": str(office.pk), "plan_item": str(item.pk)})
    assert refused.status_code == 400
    assert "Geben Sie den Titel der Akte ein." in text_of(refused)
    response = clerk_client.post(
        create,
        {
            "office": str(office.pk),
            "plan_item": str(item.pk),
            "title": "Hundesteuer",
            "year": "2027",
        },
    )
    created = RecordFile.objects.get(title="Hundesteuer", year=2027)
    assert response.status_code == 302 and response["Location"] == url("records-file", created.pk)
    assert created.office == office and created.plan_item == item


def test_the_search_finds_a_word_of_the_text_and_continues_on_page_two(clerk_client, world):
    for number in range(20):  # with the fixture's document 21: one more than a page
        services.document_add(
            actor=SYSTEM,
            record=world["record"],
            title=f"Bescheid {number}",
            kind=Document.Kind.OUTGOING,
            upload=CheckedUpload("bescheid.txt", "text/plain", b"Zwingerhusten festgestellt."),
            document_date=dt.date(2026, 1, 1) + dt.timedelta(days=number),
        )
    outbox_drain()  # the index is written by a subscriber

    found = text_of(clerk_client.get(url("records-search"), {"q": "Bello"}))
    assert "Antrag Bello" in found and ">Metadaten<" in found

    first = clerk_client.get(url("records-search"), {"q": "zwingerhusten"})
    page = text_of(first)
    assert page.count('href="/intern/akten/dokumente/') == 20
    assert "Text des Dokuments" in page and world["record"].file_reference in page
    next_link = re.search(r'rel="next" href="([^"]+)"', page)
    assert next_link is not None and "weiter=" in next_link.group(1)
    second = text_of(clerk_client.get(url("records-search") + next_link.group(1)))
    assert second.count('href="/intern/akten/dokumente/') == 1
    assert 'rel="next"' not in second and "Erste Seite" in second
    # All found in the text; the newest date first: the fixture's document (14 March), then
    # the Bescheide from 20 January back; the oldest continues on page two.
    assert ">Antrag Bello<" in page and ">Bescheid 19<" in page and ">Bescheid 0<" not in page
    assert ">Bescheid 0<" in second and ">Metadaten<" not in page + second

    nothing = text_of(clerk_client.get(url("records-search"), {"q": "Katzensteuer"}))
    assert "Kein Dokument Ihrer Dienststellen enthält alle Wörter" in nothing


def test_another_office_does_not_find_the_documents(client, world):
    outbox_drain()
    login_with_mfa(client, make_staff("clerk-other", (OfficeFactory(), Role.CASE_WORKER)))
    page = text_of(client.get(url("records-search"), {"q": "Bello"}))
    assert "Antrag Bello" not in page and "Kein Dokument" in page


def test_an_unfiled_case_is_filed_from_the_overview(clerk_client, world):
    case, record = world["submission"].case, world["record"]
    overview = text_of(clerk_client.get(url("records-overview")))
    action = url("records-case-file", case.pk)
    assert action in overview and f"Akte für Vorgang {case.reference}" in overview
    refused = clerk_client.post(action, {"file": ""})
    assert refused.status_code == 400
    assert "Wählen Sie die Akte, in der der Vorgang abgelegt werden soll." in text_of(refused)
    response = clerk_client.post(action, {"file": str(record.pk)}, follow=True)
    assert response.redirect_chain == [(url("records-file", record.pk), 302)]
    assert CaseFiling.objects.get(case=case).file_id == record.pk
    page = text_of(response)
    assert f"Der Vorgang {case.reference} wurde in {record.file_reference} abgelegt." in page
    assert url("submission-detail", world["submission"].pk) in page  # the case's application
    assert "Vorgang abgelegt" in page  # the history
    assert "Alle Vorgänge Ihrer Dienststellen sind abgelegt." in text_of(
        clerk_client.get(url("records-overview"))
    )


def test_the_pages_cost_the_same_queries_for_more_rows(clerk_client, world):
    """No query per file, case, document or event (the overview and the file page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert clerk_client.get(path).status_code == 200
        return len(captured)

    overview, detail = url("records-overview"), url("records-file", world["record"].pk)
    clerk_client.get(overview)  # the session's first request reads more (login, roles)
    before = queries(overview), queries(detail)
    make_submission(office=world["office"])  # one more unfiled case
    for number in range(5):
        services.file_create(
            actor=SYSTEM, office=world["office"], plan_item=world["item"], title=f"Akte {number}"
        )
        services.document_add(
            actor=SYSTEM,
            record=world["record"],
            title=f"Dokument {number}",
            kind=Document.Kind.NOTE,
            upload=CheckedUpload("notiz.txt", "text/plain", f"Notiz {number}".encode()),
        )
    assert (queries(overview), queries(detail)) == before
