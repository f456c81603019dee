"""Status of a submission (§9 EGovG) and Nachforderung (document requests): staff side and
the applicant's fulfilment.

Statuses and the transitions staff (or a specialist system) may make::

    submitted   → in_progress, query, decided, closed
    in_progress → query, decided, closed
    query       → in_progress, decided, closed
    decided     → closed
    closed      → (none: a closed application stays closed)

Who may act: a member of staff with a role in the submission's office
(`staff.permissions`), or an API client (specialist system) of the submission's municipality
holding the write scope. Every change is locked, recorded as a `StatusChange`, audited and
announced to the applicant through the outbox (`submission.status_notify`,
`submission.document_request_notify`).
"""

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.apitokens.models import ApiClient
from rathaus.applications.inbox import HANDLING_ROLES
from rathaus.applications.models import Attachment, DocumentRequest, StatusChange, Submission
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError, NotPermitted
from rathaus.core.outbox import outbox_enqueue
from rathaus.staff.permissions import ensure_office_access

S = Submission.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.IN_PROGRESS, S.QUERY, S.DECIDED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.QUERY, S.DECIDED, S.CLOSED}),
    S.QUERY: frozenset({S.IN_PROGRESS, S.DECIDED, S.CLOSED}),
    S.DECIDED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

# What the applicant has to do, per status, unless a document request is open (see
# `applicant_next_steps`).
APPLICANT_NEXT_STEPS = {
    S.SUBMITTED: gettext_lazy(
        "Your application has been received. The responsible office will start processing it."
    ),
    S.IN_PROGRESS: gettext_lazy(
        "The responsible office is processing your application. You do not need to do anything."
    ),
    S.QUERY: gettext_lazy(
        "The office has a question or needs further documents. Please see the requests below."
    ),
    S.DECIDED: gettext_lazy(
        "A decision has been made. You will receive it by the channel you chose."
    ),
    S.CLOSED: gettext_lazy("The procedure is closed. Nothing else is needed from you."),
}

# Scopes of API clients (registered in rathaus.apitokens.scopes).
API_READ_SCOPE = "applications:read"
API_WRITE_SCOPE = "applications:write"


class StatusTransitionNotAllowed(DomainError):
    """The submission cannot move from its current status to the one asked for."""


class DocumentRequestClosed(DomainError):
    """The document request has been fulfilled or cancelled already."""


def allowed_next_statuses(status: str) -> list[str]:
    """The statuses a submission in `status` may move to, in the order of `Submission.Status`."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [value for value in S.values if value in allowed]


def ensure_can_handle(*, actor: Any, submission: Submission, write: bool = True) -> None:
    """Raise unless `actor` may read (or, with `write`, change) `submission`.

    Staff need a role in the submission's office (StaffPermissionDenied); an API client must
    belong to the submission's municipality and hold the read or write scope (NotPermitted).
    """
    if isinstance(actor, ApiClient):
        scope = API_WRITE_SCOPE if write else API_READ_SCOPE
        if actor.municipality_id != submission.municipality_id or scope not in actor.scopes:
            raise NotPermitted(_("This client may not handle this application."))
        return
    ensure_office_access(user=actor, office=submission.office, roles=HANDLING_ROLES)


def actor_label(actor: Any) -> str:
    """How an actor is named on the status history and the acknowledgement."""
    if isinstance(actor, ApiClient):
        return actor.name
    if actor is None:
        return ""
    return str(actor.display_name)


def _audit(*, actor: Any, action: str, obj: Any, details: dict[str, Any]) -> None:
    # The audit trail knows users and the system; a specialist system is recorded as the
    # system, with the client named in the details.
    if isinstance(actor, ApiClient):
        details = {**details, "api_client": str(actor.pk)}
        actor = None
    audit_record(actor=actor, action=action, obj=obj, details=details)


def _lock(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("office", "municipality")
        .get(pk=submission.pk)
    )


def _transition(
    *, submission: Submission, status: str, note: str, actor: Any, notify: bool = True
) -> StatusChange:
    """Move the locked `submission` to `status`; checks the table, records and (unless
    another mail says it already) notifies the applicant."""
    if status not in TRANSITIONS.get(submission.status, frozenset()):
        raise StatusTransitionNotAllowed(
            _("An application with status “%(old)s” cannot be set to “%(new)s”.")
            % {"old": S(submission.status).label, "new": S(status).label}
            if status in S.values
            else _("Unknown status."),
            field="status",
        )
    old = submission.status
    submission.status = status
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["status", "status_changed_at", "updated_at"])
    change = StatusChange.objects.create(
        submission=submission, status=status, note=note, actor_label=actor_label(actor)[:200]
    )
    _audit(
        actor=actor,
        action="submission.status",
        obj=submission,
        details={"from": old, "to": status, "status_change": str(change.pk)},
    )
    if notify:
        outbox_enqueue(topic="submission.status_notify", payload={"status_change": str(change.pk)})
    return change


@transaction.atomic
def submission_status_change(
    *, submission: Submission, status: str, note: str, actor: Any
) -> StatusChange:
    """Set the status of `submission` (with a note for the applicant); the applicant is
    notified by e-mail. Raises StatusTransitionNotAllowed for a transition not in the table."""
    submission = _lock(submission)
    ensure_can_handle(actor=actor, submission=submission)
    return _transition(submission=submission, status=status, note=note.strip(), actor=actor)


@transaction.atomic
def submission_acknowledge(*, submission: Submission, actor: Any) -> Submission:
    """Record that the authority (a clerk or a specialist system) has taken the submission
    over; the first acknowledgement counts, repeating it changes nothing."""
    submission = _lock(submission)
    ensure_can_handle(actor=actor, submission=submission)
    if submission.acknowledged_at is None:
        submission.acknowledged_at = timezone.now()
        submission.acknowledged_by = actor_label(actor)[:200]
        submission.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        _audit(actor=actor, action="submission.acknowledge", obj=submission, details={})
    return submission


@transaction.atomic
def document_request_create(
    *, submission: Submission, message: str, deadline: date, actor: Any
) -> DocumentRequest:
    """Ask the applicant for missing documents (Nachforderung) by `deadline`; the submission
    goes to “query” (Rückfrage) and the applicant is notified."""
    submission = _lock(submission)
    ensure_can_handle(actor=actor, submission=submission)
    message = message.strip()
    if not message:
        raise DomainError(_("Please say which documents are missing."), field="message")
    if deadline <= timezone.localdate():
        raise DomainError(_("The deadline must lie in the future."), field="deadline")
    if submission.status != S.QUERY:
        # One mail for both: the document request's notification names the deadline.
        _transition(submission=submission, status=S.QUERY, note=message, actor=actor, notify=False)
    request = DocumentRequest.objects.create(
        submission=submission,
        message=message,
        deadline=deadline,
        requested_by=None if isinstance(actor, ApiClient) else actor,
    )
    _audit(
        actor=actor,
        action="submission.document_request",
        obj=submission,
        details={"document_request": str(request.pk), "deadline": deadline.isoformat()},
    )
    outbox_enqueue(
        topic="submission.document_request_notify",
        payload={"document_request": str(request.pk)},
    )
    return request


def _lock_open_request(request: DocumentRequest) -> tuple[DocumentRequest, Submission]:
    # Fixed order: the submission first, then the request (as document_request_create).
    submission = _lock(request.submission)
    request = DocumentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != DocumentRequest.Status.OPEN:
        raise DocumentRequestClosed(_("This request for documents is closed already."))
    return request, submission


@transaction.atomic
def document_request_fulfil(*, request: DocumentRequest, actor: Any) -> DocumentRequest:
    """The applicant (or the person applied for) has uploaded what was asked for: the request
    closes and, when no other request is open, the application is back “in progress”."""
    request, submission = _lock_open_request(request)
    actor_pk = getattr(actor, "pk", None)
    if actor_pk is None or actor_pk not in (submission.applicant_id, submission.principal_user_id):
        raise NotPermitted(_("This application belongs to someone else."))
    uploads = request.attachments.exclude(scan_status=Attachment.ScanStatus.INFECTED)
    if not uploads.exists():
        raise DomainError(_("Please upload at least one document first."), field="file")
    request.status = DocumentRequest.Status.FULFILLED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="submission.document_request.fulfil",
        obj=submission,
        details={"document_request": str(request.pk), "attachments": uploads.count()},
    )
    still_open = submission.document_requests.filter(status=DocumentRequest.Status.OPEN)
    if submission.status == S.QUERY and not still_open.exists():
        _transition(
            submission=submission,
            status=S.IN_PROGRESS,
            note=_("The requested documents have been submitted."),
            actor=actor,
        )
    return request


@transaction.atomic
def document_request_cancel(*, request: DocumentRequest, actor: Any) -> DocumentRequest:
    """Staff withdraw an open request for documents (the application's status stays)."""
    request, submission = _lock_open_request(request)
    ensure_can_handle(actor=actor, submission=submission)
    request.status = DocumentRequest.Status.CANCELLED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    _audit(
        actor=actor,
        action="submission.document_request.cancel",
        obj=submission,
        details={"document_request": str(request.pk)},
    )
    return request


def applicant_next_steps(*, submissions: Sequence[Submission]) -> dict[UUID, str]:
    """What the applicant has to do now, per submission (one query). An open document request
    comes first, with its deadline — whatever the status says: a clerk may have moved the
    status on while the request is still open, and "nothing to do" would then be wrong."""
    deadlines: dict[UUID, date] = dict(
        DocumentRequest.objects.filter(
            submission__in=[s.pk for s in submissions], status=DocumentRequest.Status.OPEN
        )
        .values("submission_id")
        .annotate(first=Min("deadline"))
        .values_list("submission_id", "first")
    )
    steps = {}
    for submission in submissions:
        deadline = deadlines.get(submission.pk)
        if deadline is not None:
            steps[submission.pk] = _(
                "The office needs further documents from you. Please send them by %(deadline)s "
                "(see the request below)."
            ) % {"deadline": formats.date_format(deadline, "DATE_FORMAT")}
        else:
            steps[submission.pk] = str(APPLICANT_NEXT_STEPS[S(submission.status)])
    return steps
