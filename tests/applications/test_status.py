"""Status changes, acknowledgement and Nachforderung (document requests)."""

import datetime as dt

import pytest
from django.utils import timezone

from rathaus.apitokens.services import client_create
from rathaus.applications.models import Attachment, DocumentRequest, StatusChange, Submission
from rathaus.applications.status import (
    DocumentRequestClosed,
    StatusTransitionNotAllowed,
    allowed_next_statuses,
    document_request_cancel,
    document_request_create,
    document_request_fulfil,
    submission_acknowledge,
    submission_status_change,
)
from rathaus.core.errors import DomainError, NotPermitted
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.staff.models import Role
from rathaus.staff.permissions import StaffPermissionDenied
from tests.applications.inbox_data import add_attachment, make_submission
from tests.factories import OfficeFactory, UserFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

S = Submission.Status


@pytest.fixture
def submission():
    return make_submission()


@pytest.fixture
def clerk(submission):
    return make_staff(
        "clerk", (submission.office, Role.CASE_WORKER), first_name="Max", last_name="Muster"
    )


def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


def test_transitions_table():
    assert allowed_next_statuses(S.SUBMITTED) == ["in_progress", "query", "decided", "closed"]
    assert allowed_next_statuses(S.QUERY) == ["in_progress", "decided", "closed"]
    assert allowed_next_statuses(S.DECIDED) == ["closed"]
    assert allowed_next_statuses(S.CLOSED) == []


def test_status_change_records_history_audit_and_notification(submission, clerk):
    OutboxMessage.objects.all().delete()
    change = submission_status_change(
        submission=submission, status=S.IN_PROGRESS, note=" Wir prüfen. ", actor=clerk
    )
    submission.refresh_from_db()
    assert submission.status == S.IN_PROGRESS
    assert submission.status_changed_at > submission.submitted_at
    assert (change.note, change.actor_label) == ("Wir prüfen.", "Max Muster")
    assert list(submission.status_changes.values_list("status", flat=True)) == [
        "submitted",
        "in_progress",
    ]
    event = AuditEvent.objects.get(action="submission.status")
    assert event.details["from"] == "submitted" and event.details["to"] == "in_progress"
    assert "Wir prüfen" not in str(event.details)  # the note is for the applicant only
    message = OutboxMessage.objects.get()
    assert message.topic == "submission.status_notify"
    assert message.payload == {"status_change": str(change.pk)}


@pytest.mark.parametrize(
    ("path", "refused"),
    [([S.DECIDED], S.IN_PROGRESS), ([S.CLOSED], S.IN_PROGRESS), ([S.IN_PROGRESS], S.SUBMITTED)],
)
def test_transitions_outside_the_table_are_refused(submission, clerk, path, refused):
    for status in path:
        submission_status_change(submission=submission, status=status, note="", actor=clerk)
    with pytest.raises(StatusTransitionNotAllowed):
        submission_status_change(submission=submission, status=refused, note="", actor=clerk)
    with pytest.raises(StatusTransitionNotAllowed):
        submission_status_change(submission=submission, status="bogus", note="", actor=clerk)
    submission.refresh_from_db()
    assert submission.status == path[-1]


def test_clerk_of_another_office_and_citizens_cannot_change_status(submission):
    other = make_staff("other", (OfficeFactory(), Role.CASE_WORKER))
    for actor in (other, submission.applicant):
        with pytest.raises(StaffPermissionDenied):
            submission_status_change(submission=submission, status=S.DECIDED, note="", actor=actor)
    assert StatusChange.objects.filter(submission=submission).count() == 1


def test_api_client_needs_municipality_and_write_scope(submission):
    writer = client_create(
        actor=None,
        name="Fachverfahren",
        municipality=submission.municipality,
        scopes=["applications:read", "applications:write"],
    )
    reader = client_create(
        actor=None, name="Leser", municipality=submission.municipality, scopes=["applications:read"]
    )
    foreign = client_create(
        actor=None,
        name="Fremd",
        municipality=OfficeFactory().municipality,
        scopes=["applications:write"],
    )
    for client in (reader, foreign):
        with pytest.raises(NotPermitted):
            submission_status_change(submission=submission, status=S.DECIDED, note="", actor=client)
    change = submission_status_change(
        submission=submission, status=S.DECIDED, note="Bescheid folgt", actor=writer
    )
    assert change.actor_label == "Fachverfahren"
    event = AuditEvent.objects.get(action="submission.status")
    assert event.actor_type == AuditEvent.ActorType.SYSTEM
    assert event.details["api_client"] == str(writer.pk)


def test_acknowledge_is_idempotent(submission, clerk):
    first = submission_acknowledge(submission=submission, actor=clerk)
    at = first.acknowledged_at
    assert at is not None and first.acknowledged_by == "Max Muster"
    again = submission_acknowledge(submission=submission, actor=clerk)
    assert again.acknowledged_at == at
    assert AuditEvent.objects.filter(action="submission.acknowledge").count() == 1


def test_document_request_sets_query_and_notifies(submission, clerk):
    OutboxMessage.objects.all().delete()
    request = document_request_create(
        submission=submission, message="Bitte Nachweis senden", deadline=tomorrow(), actor=clerk
    )
    submission.refresh_from_db()
    assert submission.status == S.QUERY
    assert request.status == DocumentRequest.Status.OPEN and request.requested_by == clerk
    topics = dict(OutboxMessage.objects.values_list("topic", "payload"))
    assert topics["submission.document_request_notify"] == {"document_request": str(request.pk)}
    assert "submission.status_notify" not in topics  # one mail, the request's
    # A second request while the first is open keeps the status (no query → query).
    document_request_create(
        submission=submission, message="Noch was", deadline=tomorrow(), actor=clerk
    )
    assert submission.status_changes.filter(status=S.QUERY).count() == 1


def test_document_request_needs_future_deadline_message_and_open_status(submission, clerk):
    with pytest.raises(DomainError) as exc:
        document_request_create(
            submission=submission, message="x", deadline=timezone.localdate(), actor=clerk
        )
    assert exc.value.field == "deadline"
    with pytest.raises(DomainError):
        document_request_create(
            submission=submission, message="  ", deadline=tomorrow(), actor=clerk
        )
    submission_status_change(submission=submission, status=S.CLOSED, note="", actor=clerk)
    with pytest.raises(StatusTransitionNotAllowed):
        document_request_create(
            submission=submission, message="x", deadline=tomorrow(), actor=clerk
        )
    assert not DocumentRequest.objects.exists()


def test_fulfil_needs_the_applicant_and_an_upload_then_closes(
    submission, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = document_request_create(
        submission=submission, message="Nachweis", deadline=tomorrow(), actor=clerk
    )
    with pytest.raises(DomainError):
        document_request_fulfil(request=request, actor=submission.applicant)
    add_attachment(submission, document_request=request, scan_status=Attachment.ScanStatus.INFECTED)
    with pytest.raises(DomainError):  # an infected file does not count
        document_request_fulfil(request=request, actor=submission.applicant)
    add_attachment(submission, document_request=request)
    with pytest.raises(NotPermitted):
        document_request_fulfil(request=request, actor=UserFactory())
    closed = document_request_fulfil(request=request, actor=submission.applicant)
    assert closed.status == DocumentRequest.Status.FULFILLED and closed.closed_at is not None
    submission.refresh_from_db()
    assert submission.status == S.IN_PROGRESS
    assert AuditEvent.objects.filter(action="submission.document_request.fulfil").exists()
    with pytest.raises(DocumentRequestClosed):
        document_request_fulfil(request=request, actor=submission.applicant)


def test_cancel_by_staff_only(submission, clerk):
    request = document_request_create(
        submission=submission, message="Nachweis", deadline=tomorrow(), actor=clerk
    )
    with pytest.raises(StaffPermissionDenied):
        document_request_cancel(request=request, actor=submission.applicant)
    cancelled = document_request_cancel(request=request, actor=clerk)
    assert cancelled.status == DocumentRequest.Status.CANCELLED
    with pytest.raises(DocumentRequestClosed):
        document_request_cancel(request=request, actor=clerk)
