"""The lifecycle of a case (Vorgang): opening, status (§9 EGovG), acknowledgement,
Nachforderung (document requests), assignee and deadline.

Statuses and the transitions staff (or a specialist system) may make::

    submitted   → in_progress, query, decided, closed
    in_progress → query, decided, closed
    query       → in_progress, decided, closed
    decided     → closed
    closed      → (none: a closed case stays closed)

Who may act: a member of staff with a handling role in the case's office, or an API client
(specialist system) of the case's municipality holding the write scope
(`rathaus.cases.permissions`). Every change locks the case row, is recorded (a `StatusChange`
for the history), audited (the action names are those of the time the lifecycle lived in
applications: `submission.status`, `submission.acknowledge`, `submission.document_request*`,
on the submission that opened the case; new: `case.assign`, `case.deadline`) and published as
a domain event (`rathaus.cases.events`) that subscribers — the applicant's notification
e-mails among them — react to after commit.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.events import (
    CaseDocumentRequestClosed,
    CaseDocumentRequested,
    CaseOpened,
    CaseStatusChanged,
)
from rathaus.cases.models import Case, DocumentRequest, StatusChange
from rathaus.cases.permissions import HANDLING_ROLES, actor_label, ensure_can_handle
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotPermitted
from rathaus.core.events import event_publish
from rathaus.staff.permissions import office_access_allowed

S = Case.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.IN_PROGRESS, S.QUERY, S.DECIDED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.QUERY, S.DECIDED, S.CLOSED}),
    S.QUERY: frozenset({S.IN_PROGRESS, S.DECIDED, S.CLOSED}),
    S.DECIDED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


class StatusTransitionNotAllowed(Conflict):
    """The case cannot move from its current status to the one asked for."""


class DocumentRequestClosed(Conflict):
    """The document request has been fulfilled or cancelled already."""


def allowed_next_statuses(status: str) -> list[str]:
    """The statuses a case in `status` may move to, in the order of `Case.Status`."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [value for value in S.values if value in allowed]


def _audit_object(case: Case) -> models.Model:
    # The lifecycle's audit events stay on the submission that opened the case (as before
    # the case had its own app), so one application's trail is found under one object.
    try:
        submission: models.Model = case.submission
    except ObjectDoesNotExist:
        return case
    return submission


def _audit(*, actor: Actor, action: str, case: Case, details: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=_audit_object(case),
        details={**details, "case": str(case.pk)},
        municipality=case.municipality_id,
    )


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("office", "municipality", "submission")
        .get(pk=case.pk)
    )


@transaction.atomic
def case_open(
    *,
    reference: str,
    municipality_id: UUID,
    office_id: UUID,
    service_id: UUID,
    applicant_id: Any,
    organisation_id: UUID | None = None,
    principal_user_id: Any = None,
    opened_at: datetime | None = None,
    actor: Actor,
) -> Case:
    """Open the case of a new matter (a submission) in status "submitted", with the first
    step of its history; publishes `case.opened`. The caller (the submission service)
    audits the submission that opens it; `actor` is who submitted."""
    now = opened_at or timezone.now()
    case = Case.objects.create(
        reference=reference,
        municipality_id=municipality_id,
        office_id=office_id,
        service_id=service_id,
        applicant_id=applicant_id,
        organisation_id=organisation_id,
        principal_user_id=principal_user_id,
        status=S.SUBMITTED,
        status_changed_at=now,
        opened_at=now,
    )
    StatusChange.objects.create(case=case, status=S.SUBMITTED)
    event_publish(
        CaseOpened(
            case_id=case.pk,
            municipality_id=municipality_id,
            office_id=office_id,
            service_id=service_id,
            reference=reference,
        )
    )
    return case


def _transition(
    *, case: Case, status: str, note: str, actor: Actor, notify: bool = True
) -> StatusChange:
    """Move the locked `case` to `status`: checks the table, records, audits and publishes
    `case.status_changed` (with `notify_applicant=False` when another event tells the
    applicant already)."""
    if status not in TRANSITIONS.get(case.status, frozenset()):
        raise StatusTransitionNotAllowed(
            _("An application with status “%(old)s” cannot be set to “%(new)s”.")
            % {"old": S(case.status).label, "new": S(status).label}
            if status in S.values
            else _("Unknown status."),
            field="status",
        )
    old = case.status
    now = timezone.now()
    case.status = status
    case.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if status == S.CLOSED:
        case.closed_at = now
        fields.append("closed_at")
    case.save(update_fields=fields)
    change = StatusChange.objects.create(
        case=case, status=status, note=note, actor_label=actor_label(actor)[:200]
    )
    _audit(
        actor=actor,
        action="submission.status",
        case=case,
        details={"from": old, "to": status, "status_change": str(change.pk)},
    )
    event_publish(
        CaseStatusChanged(
            case_id=case.pk,
            municipality_id=case.municipality_id,
            status_change_id=change.pk,
            old_status=old,
            new_status=status,
            notify_applicant=notify,
        )
    )
    return change


@transaction.atomic
def case_status_change(*, case: Case, status: str, note: str, actor: Actor) -> StatusChange:
    """Set the status of `case` (with a note for the applicant); the applicant is notified
    by e-mail. Raises StatusTransitionNotAllowed for a transition not in the table."""
    case = _lock(case)
    ensure_can_handle(actor=actor, case=case)
    return _transition(case=case, status=status, note=note.strip(), actor=actor)


@transaction.atomic
def case_acknowledge(*, case: Case, actor: Actor) -> Case:
    """Record that the authority (a clerk or a specialist system) has taken the case over;
    the first acknowledgement counts, repeating it changes nothing."""
    case = _lock(case)
    ensure_can_handle(actor=actor, case=case)
    if case.acknowledged_at is None:
        case.acknowledged_at = timezone.now()
        case.acknowledged_by = actor_label(actor)[:200]
        case.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        _audit(actor=actor, action="submission.acknowledge", case=case, details={})
    return case


@transaction.atomic
def case_assign(*, case: Case, assignee: Any, actor: Actor) -> Case:
    """Make `assignee` (a member of staff with a handling role in the case's office, or None
    to remove the assignment) responsible for `case`."""
    case = _lock(case)
    ensure_can_handle(actor=actor, case=case)
    if assignee is not None and not office_access_allowed(
        user=assignee, office=case.office, roles=HANDLING_ROLES
    ):
        raise DomainError(
            _("This person does not handle applications of this office."), field="assignee"
        )
    new_id = assignee.pk if assignee is not None else None
    if case.assignee_id != new_id:
        old_id = case.assignee_id
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        _audit(
            actor=actor,
            action="case.assign",
            case=case,
            details={
                "from": str(old_id) if old_id else "",
                "to": str(new_id) if new_id else "",
            },
        )
    return case


@transaction.atomic
def case_deadline_set(*, case: Case, deadline: date | None, actor: Actor) -> Case:
    """Set (or with None remove) the date by which the office means to decide `case`."""
    case = _lock(case)
    ensure_can_handle(actor=actor, case=case)
    if case.deadline != deadline:
        old = case.deadline
        case.deadline = deadline
        case.save(update_fields=["deadline", "updated_at"])
        _audit(
            actor=actor,
            action="case.deadline",
            case=case,
            details={
                "from": old.isoformat() if old else "",
                "to": deadline.isoformat() if deadline else "",
            },
        )
    return case


@transaction.atomic
def document_request_create(
    *, case: Case, message: str, deadline: date, actor: Actor
) -> DocumentRequest:
    """Ask the applicant for missing documents (Nachforderung) by `deadline`; the case goes
    to “query” (Rückfrage) and the applicant is notified."""
    case = _lock(case)
    ensure_can_handle(actor=actor, case=case)
    message = message.strip()
    if not message:
        raise DomainError(_("Please say which documents are missing."), field="message")
    if deadline <= timezone.localdate():
        raise DomainError(_("The deadline must lie in the future."), field="deadline")
    if case.status != S.QUERY:
        # One mail for both: the document request's notification names the deadline.
        _transition(case=case, status=S.QUERY, note=message, actor=actor, notify=False)
    request = DocumentRequest.objects.create(
        case=case,
        message=message,
        deadline=deadline,
        requested_by=actor.user if actor.is_person else None,
    )
    _audit(
        actor=actor,
        action="submission.document_request",
        case=case,
        details={"document_request": str(request.pk), "deadline": deadline.isoformat()},
    )
    event_publish(
        CaseDocumentRequested(
            case_id=case.pk,
            municipality_id=case.municipality_id,
            document_request_id=request.pk,
            deadline=deadline,
        )
    )
    return request


def _lock_open_request(request: DocumentRequest) -> tuple[DocumentRequest, Case]:
    # Fixed order: the case first, then the request (as document_request_create).
    case = _lock(request.case)
    request = DocumentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != DocumentRequest.Status.OPEN:
        raise DocumentRequestClosed(_("This request for documents is closed already."))
    return request, case


def _publish_closed(*, case: Case, request: DocumentRequest) -> None:
    event_publish(
        CaseDocumentRequestClosed(
            case_id=case.pk,
            municipality_id=case.municipality_id,
            document_request_id=request.pk,
            outcome=request.status,
        )
    )


@transaction.atomic
def document_request_fulfil(*, request: DocumentRequest, actor: Actor) -> DocumentRequest:
    """The applicant (or the person applied for) has uploaded what was asked for: the request
    closes and, when no other request is open, the case is back “in progress”."""
    request, case = _lock_open_request(request)
    user_id = actor.user_id
    if user_id is None or user_id not in (case.applicant_id, case.principal_user_id):
        raise NotPermitted(_("This application belongs to someone else."))
    # The uploads (applications.Attachment) point at the request; infected ones do not count.
    uploads = request.attachments.exclude(scan_status="infected")
    if not uploads.exists():
        raise DomainError(_("Please upload at least one document first."), field="file")
    request.status = DocumentRequest.Status.FULFILLED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    _audit(
        actor=actor,
        action="submission.document_request.fulfil",
        case=case,
        details={"document_request": str(request.pk), "attachments": uploads.count()},
    )
    _publish_closed(case=case, request=request)
    still_open = case.document_requests.filter(status=DocumentRequest.Status.OPEN)
    if case.status == S.QUERY and not still_open.exists():
        _transition(
            case=case,
            status=S.IN_PROGRESS,
            note=_("The requested documents have been submitted."),
            actor=actor,
        )
    return request


@transaction.atomic
def document_request_cancel(*, request: DocumentRequest, actor: Actor) -> DocumentRequest:
    """Staff withdraw an open request for documents (the case's status stays)."""
    request, case = _lock_open_request(request)
    ensure_can_handle(actor=actor, case=case)
    request.status = DocumentRequest.Status.CANCELLED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    _audit(
        actor=actor,
        action="submission.document_request.cancel",
        case=case,
        details={"document_request": str(request.pk)},
    )
    _publish_closed(case=case, request=request)
    return request
