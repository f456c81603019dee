"""Reads of submissions for staff (the inbox under /intern/antraege/) and for specialist
systems (the REST API): always narrowed to what the reader may see."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from rathaus.apitokens.models import ApiClient
from rathaus.applications.models import Attachment, DocumentRequest, StatusChange, Submission
from rathaus.core.errors import NotFound
from rathaus.staff.models import Role
from rathaus.staff.permissions import restrict_to_offices

_LIST_RELATED = ("service", "office", "municipality", "applicant", "organisation", "principal_user")

# Need to know: who handles applications of an office (Fachadministration, Systemadministration
# and Datenschutz see no application data through the inbox).
HANDLING_ROLES = (Role.CASE_WORKER, Role.TEAM_LEAD, Role.REGISTRY)


def inbox_submissions(
    *, user: Any, status: str | None = None, query: str | None = None
) -> QuerySet[Submission]:
    """Submissions to the offices of `user`, newest first; `status` filters, `query` searches
    the reference number (case-insensitive, part of it)."""
    qs = restrict_to_offices(
        Submission.objects.select_related(*_LIST_RELATED),
        user=user,
        office_field="office",
        roles=HANDLING_ROLES,
    )
    if status:
        qs = qs.filter(status=status)
    if query and query.strip():
        qs = qs.filter(reference__icontains=query.strip())
    return qs.order_by("-submitted_at", "-pk")


def _with_details(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    return qs.select_related(*_LIST_RELATED, "form", "payment").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.select_related("required_document")),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("created_at")),
        Prefetch(
            "document_requests",
            queryset=DocumentRequest.objects.select_related("requested_by").prefetch_related(
                "attachments"
            ),
        ),
    )


def inbox_submission_get(*, user: Any, submission_id: UUID | str) -> Submission:
    """One submission of an office of `user` with everything the detail page shows;
    NotFound for submissions of other offices (they are treated as not existing)."""
    submission = (
        _with_details(
            restrict_to_offices(
                Submission.objects.all(), user=user, office_field="office", roles=HANDLING_ROLES
            )
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound(_("No such application."))
    return submission


def inbox_attachment_get(
    *, user: Any, submission_id: UUID | str, attachment_id: UUID | str
) -> Attachment:
    """An attachment of a submission of an office of `user` (whatever its scan state: opening
    it is `attachments.attachment_open`'s decision); NotFound otherwise."""
    attachment = (
        Attachment.objects.select_related("submission")
        .filter(
            pk=attachment_id,
            submission_id=submission_id,
            submission__in=restrict_to_offices(
                Submission.objects.all(), user=user, office_field="office", roles=HANDLING_ROLES
            ),
        )
        .first()
    )
    if attachment is None:
        raise NotFound(_("No such document."))
    return attachment


# --- Specialist systems (API clients) ---


def client_submissions(
    *,
    client: ApiClient,
    status: str | None = None,
    acknowledged: bool | None = None,
    since: datetime | None = None,
    office: UUID | None = None,
) -> QuerySet[Submission]:
    """Submissions to the municipality of `client`, oldest first (a work queue); filters:
    status, acknowledged or not, submitted at or after `since`, office."""
    qs = Submission.objects.select_related("service", "office").filter(
        municipality_id=client.municipality_id
    )
    if status:
        qs = qs.filter(status=status)
    if acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    if office is not None:
        qs = qs.filter(office_id=office)
    return qs.order_by("submitted_at", "pk")


def client_submission_get(*, client: ApiClient, submission_id: UUID | str) -> Submission:
    """One submission of the municipality of `client` with its details; NotFound otherwise."""
    submission = (
        _with_details(Submission.objects.filter(municipality_id=client.municipality_id))
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound(_("No such application."))
    return submission
