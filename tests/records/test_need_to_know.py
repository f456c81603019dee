"""Need to know at the edges (a review of issue 11): a case is filed only in a file of the
office responsible for it; the search shows only documents of the reader's offices even while
the index lags behind a move; an inspection no longer shows a document moved out of its file;
reopening a file files what arrived while it was closed; PostgreSQL's search leaves the
session's planner settings as it found them."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError, NotFound
from rathaus.records import services
from rathaus.records.documents import CheckedUpload
from rathaus.records.inspection import inspection_document_read
from rathaus.records.models import Document, FilePlanItem, RecordFile
from rathaus.records.search import document_index, document_search
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory, UserFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = "Nummer;Titel\n963;Hundesteuer\n"


def file_of(office, title="Akte"):
    if not FilePlanItem.objects.filter(municipality=office.municipality).exists():
        services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    return services.file_create(actor=SYSTEM, office=office, plan_item=item, title=title)


def note(record, title, text):
    return services.document_add(
        actor=SYSTEM,
        record=record,
        title=title,
        kind=Document.Kind.NOTE,
        upload=CheckedUpload("n.txt", "text/plain", text.encode()),
    )


def test_a_case_goes_only_into_a_file_of_its_office(media_root):
    submission = make_submission()
    other_office = OfficeFactory(municipality=submission.office.municipality)
    own, foreign = file_of(submission.office), file_of(other_office, "Fremd")
    with pytest.raises(DomainError, match=r"zuständigen Dienststelle|office responsible"):
        services.case_file(actor=SYSTEM, case=submission.case, record=foreign)
    services.case_file(actor=SYSTEM, case=submission.case, record=own)


def test_the_search_refilters_by_office_while_the_index_lags(media_root):
    office = OfficeFactory()
    record = file_of(office)
    document = note(record, "Bescheid Bello", "Hundesteuer")
    document_index(document_ids=[document.pk])
    assert document_search(query="Bello", office_ids={office.pk}).documents == [document]
    elsewhere = file_of(OfficeFactory(municipality=office.municipality), "Andere")
    Document.objects.filter(pk=document.pk).update(file=elsewhere)  # not re-indexed yet
    assert document_search(query="Bello", office_ids={office.pk}).documents == []


def test_an_inspection_does_not_show_a_document_moved_out(media_root, client):
    office = OfficeFactory()
    record = file_of(office)
    document = note(record, "Vermerk zum Ortstermin", "Ortstermin")
    clerk = make_staff("clerk", (office, Role.CASE_WORKER))
    participant = UserFactory()
    grant = services.inspection_grant(
        actor=Actor.person(clerk),
        record=record,
        grantee=participant,
        documents=[document],
        last_day=timezone.localdate() + dt.timedelta(days=7),
        reason="Antrag",
    )
    reader = Actor.person(participant)
    inspection_document_read(actor=reader, grant_id=grant.pk, document_id=document.pk)
    client.force_login(participant)
    assert "Vermerk zum Ortstermin" in client.get(reverse("inspection:list")).content.decode()
    Document.objects.filter(pk=document.pk).update(file=file_of(office, "Neu"))
    with pytest.raises(NotFound):
        inspection_document_read(actor=reader, grant_id=grant.pk, document_id=document.pk)
    assert "Vermerk zum Ortstermin" not in client.get(reverse("inspection:list")).content.decode()


def test_reopening_files_what_arrived_while_closed(media_root, monkeypatch):
    submission = make_submission()
    record = file_of(submission.office)
    services.case_file(actor=SYSTEM, case=submission.case, record=record)
    services.file_close(actor=SYSTEM, record=record, reason="erledigt")
    filed = []
    monkeypatch.setattr(services, "case_documents_file", lambda *, case_id: filed.append(case_id))
    services.file_reopen(actor=SYSTEM, record=record, reason="Nachtrag")
    assert filed == [submission.case.pk]
    assert RecordFile.objects.get(pk=record.pk).status == RecordFile.Status.OPEN


def test_postgresql_search_restores_the_planner_setting(media_root):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner settings")
    record = file_of(OfficeFactory())
    document_index(document_ids=[note(record, "Bescheid Bello", "Hundesteuer").pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        assert document_search(query="Bello", office_ids={record.office_id}).documents
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SET LOCAL enable_indexscan = on")
        document_search(query="Bello", office_ids={record.office_id})
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == "on"
