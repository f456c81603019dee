"""The case lifecycle: status changes, acknowledgement and Nachforderung (document requests).

(Moved from tests/applications/test_status.py with the lifecycle.)"""

import datetime as dt

import pytest
from django.utils import timezone

from rathaus.apitokens.services import client_create
from rathaus.applications.models import Attachment
from rathaus.cases.models import Case, DocumentRequest, StatusChange
from rathaus.cases.services import (
    DocumentRequestClosed,
    StatusTransitionNotAllowed,
    allowed_next_statuses,
    case_acknowledge,
    case_status_change,
    document_request_cancel,
    document_request_create,
    document_request_fulfil,
)
from rathaus.core.actors import Actor, actor_of
from rathaus.core.errors import DomainError, NotPermitted
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.staff.models import Role
from rathaus.staff.permissions import StaffPermissionDenied
from tests.applications.inbox_data import add_attachment, make_submission
from tests.factories import OfficeFactory, UserFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

S = Case.Status


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
    change = case_status_change(
        case=submission.case, status=S.IN_PROGRESS, note=" Wir prüfen. ", actor=actor_of(clerk)
    )
    submission.case.refresh_from_db()
    assert submission.case.status == S.IN_PROGRESS
    assert submission.case.status_changed_at > submission.submitted_at
    assert (change.note, change.actor_label) == ("Wir prüfen.", "Max Muster")
    assert list(submission.case.status_changes.values_list("status", flat=True)) == [
        "submitted",
        "in_progress",
    ]
    event = AuditEvent.objects.get(action="submission.status")
    assert event.details["from"] == "submitted" and event.details["to"] == "in_progress"
    assert "Wir prüfen" not in str(event.details)  # the note is for the applicant only
    # The notification is the subscriber of `case.status_changed` (one outbox message).
    message = OutboxMessage.objects.get()
    assert message.topic == "case.status_changed/applications.status_notification"
    assert message.payload["data"]["status_change_id"] == str(change.pk)


@pytest.mark.parametrize(
    ("path", "refused"),
    [([S.DECIDED], S.IN_PROGRESS), ([S.CLOSED], S.IN_PROGRESS), ([S.IN_PROGRESS], S.SUBMITTED)],
)
def test_transitions_outside_the_table_are_refused(submission, clerk, path, refused):
    for status in path:
        case_status_change(case=submission.case, status=status, note="", actor=actor_of(clerk))
    with pytest.raises(StatusTransitionNotAllowed):
        case_status_change(case=submission.case, status=refused, note="", actor=actor_of(clerk))
    with pytest.raises(StatusTransitionNotAllowed):
        case_status_change(case=submission.case, status="bogus", note="", actor=actor_of(clerk))
    submission.case.refresh_from_db()
    assert submission.case.status == path[-1]


def test_clerk_of_another_office_and_citizens_cannot_change_status(submission):
    other = make_staff("other", (OfficeFactory(), Role.CASE_WORKER))
    for actor in (other, submission.applicant):
        with pytest.raises(StaffPermissionDenied):
            case_status_change(
                case=submission.case, status=S.DECIDED, note="", actor=actor_of(actor)
            )
    assert StatusChange.objects.filter(case=submission.case).count() == 1


def test_api_client_needs_municipality_and_write_scope(submission):
    writer = client_create(
        actor=Actor.system("test"),
        name="Fachverfahren",
        municipality=submission.municipality,
        scopes=["applications:read", "applications:write"],
    )
    reader = client_create(
        actor=Actor.system("test"),
        name="Leser",
        municipality=submission.municipality,
        scopes=["applications:read"],
    )
    foreign = client_create(
        actor=Actor.system("test"),
        name="Fremd",
        municipality=OfficeFactory().municipality,
        scopes=["applications:write"],
    )
    for client in (reader, foreign):
        with pytest.raises(NotPermitted):
            case_status_change(
                case=submission.case, status=S.DECIDED, note="", actor=actor_of(client)
            )
    change = case_status_change(
        case=submission.case, status=S.DECIDED, note="Bescheid folgt", actor=actor_of(writer)
    )
    assert change.actor_label == "Fachverfahren"
    event = AuditEvent.objects.get(action="submission.status")
    # Issue 9: an API client is recorded as itself (no longer as the system).
    assert event.actor_type == AuditEvent.ActorType.API_CLIENT
    assert event.actor_id == str(writer.pk)


def test_acknowledge_is_idempotent(submission, clerk):
    first = case_acknowledge(case=submission.case, actor=actor_of(clerk))
    at = first.acknowledged_at
    assert at is not None and first.acknowledged_by == "Max Muster"
    again = case_acknowledge(case=submission.case, actor=actor_of(clerk))
    assert again.acknowledged_at == at
    assert AuditEvent.objects.filter(action="submission.acknowledge").count() == 1


def test_document_request_sets_query_and_notifies(submission, clerk):
    OutboxMessage.objects.all().delete()
    request = document_request_create(
        case=submission.case,
        message="Bitte Nachweis senden",
        deadline=tomorrow(),
        actor=actor_of(clerk),
    )
    submission.case.refresh_from_db()
    assert submission.case.status == S.QUERY
    assert request.status == DocumentRequest.Status.OPEN and request.requested_by == clerk
    topics = dict(OutboxMessage.objects.values_list("topic", "payload"))
    requested = topics["case.document_requested/applications.document_request_notification"]
    assert requested["data"]["document_request_id"] == str(request.pk)
    # One mail, the request's: the status change's event tells its subscriber not to mail.
    assert topics["case.status_changed/applications.status_notification"]["data"] == {
        **topics["case.status_changed/applications.status_notification"]["data"],
        "notify_applicant": False,
    }
    # A second request while the first is open keeps the status (no query → query).
    document_request_create(
        case=submission.case, message="Noch was", deadline=tomorrow(), actor=actor_of(clerk)
    )
    assert submission.case.status_changes.filter(status=S.QUERY).count() == 1


def test_document_request_needs_future_deadline_message_and_open_status(submission, clerk):
    with pytest.raises(DomainError) as exc:
        document_request_create(
            case=submission.case, message="x", deadline=timezone.localdate(), actor=actor_of(clerk)
        )
    assert exc.value.field == "deadline"
    with pytest.raises(DomainError):
        document_request_create(
            case=submission.case, message="  ", deadline=tomorrow(), actor=actor_of(clerk)
        )
    case_status_change(case=submission.case, status=S.CLOSED, note="", actor=actor_of(clerk))
    with pytest.raises(StatusTransitionNotAllowed):
        document_request_create(
            case=submission.case, message="x", deadline=tomorrow(), actor=actor_of(clerk)
        )
    assert not DocumentRequest.objects.exists()


def test_fulfil_needs_the_applicant_and_an_upload_then_closes(
    submission, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = document_request_create(
        case=submission.case, message="Nachweis", deadline=tomorrow(), actor=actor_of(clerk)
    )
    with pytest.raises(DomainError):
        document_request_fulfil(request=request, actor=actor_of(submission.applicant))
    add_attachment(submission, document_request=request, scan_status=Attachment.ScanStatus.INFECTED)
    with pytest.raises(DomainError):  # an infected file does not count
        document_request_fulfil(request=request, actor=actor_of(submission.applicant))
    add_attachment(submission, document_request=request)
    with pytest.raises(NotPermitted):
        document_request_fulfil(request=request, actor=actor_of(UserFactory()))
    closed = document_request_fulfil(request=request, actor=actor_of(submission.applicant))
    assert closed.status == DocumentRequest.Status.FULFILLED and closed.closed_at is not None
    submission.case.refresh_from_db()
    assert submission.case.status == S.IN_PROGRESS
    assert AuditEvent.objects.filter(action="submission.document_request.fulfil").exists()
    with pytest.raises(DocumentRequestClosed):
        document_request_fulfil(request=request, actor=actor_of(submission.applicant))


def test_cancel_by_staff_only(submission, clerk):
    request = document_request_create(
        case=submission.case, message="Nachweis", deadline=tomorrow(), actor=actor_of(clerk)
    )
    with pytest.raises(StaffPermissionDenied):
        document_request_cancel(request=request, actor=actor_of(submission.applicant))
    cancelled = document_request_cancel(request=request, actor=actor_of(clerk))
    assert cancelled.status == DocumentRequest.Status.CANCELLED
    with pytest.raises(DocumentRequestClosed):
        document_request_cancel(request=request, actor=actor_of(clerk))
