"""Reads of applications — the public face for the portal, /intern/ and the API, with
`services` (writes) and `forms` (the form engine): drafts and submissions of applicants, a
submission with its case for staff and API clients, receipts' data rows, fees, upload rules,
opening a stored document. The lists of cases (inbox, API queue) are
`rathaus.cases.selectors`."""

from collections.abc import Collection
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.applications.attachments import (
    AttachmentNotReady,
    attachment_open,
    attachment_status_text,
)
from rathaus.applications.fees import FeeQuote, fee_quote, fee_rule_of
from rathaus.applications.models import Attachment, Draft, FormDefinition, Submission
from rathaus.applications.receipts import (
    ReceiptRow,
    ReceiptSection,
    receipt_computed_rows,
    receipt_data_sections,
)
from rathaus.applications.submissions import SubmissionProblems, submission_problems
from rathaus.cases.models import DocumentRequest, StatusChange
from rathaus.cases.permissions import HANDLING_ROLES
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound
from rathaus.staff.permissions import restrict_to_offices
from rathaus.uploads.checks import UploadRules, upload_rules
from rathaus.uploads.download_names import download_response

__all__ = [
    "HANDLING_ROLES",
    "SUBMISSION_LIST_ORDERING",
    "AttachmentNotReady",
    "FeeQuote",
    "ReceiptRow",
    "ReceiptSection",
    "SubmissionProblems",
    "UploadRules",
    "attachment_open",
    "attachment_status_text",
    "client_submission_get",
    "download_response",
    "draft_get_own",
    "draft_own_trust_level",
    "drafts_of",
    "fee_quote",
    "fee_rule_of",
    "inbox_attachment_get",
    "inbox_submission_get",
    "receipt_computed_rows",
    "receipt_data_sections",
    "services_with_published_form",
    "submission_get_own",
    "submission_list_of",
    "submission_problems",
    "submissions_of",
    "upload_rules",
]


def draft_get_own(*, user: User, draft_id: UUID | str) -> Draft:
    """The open draft `draft_id` of `user`; NotFound for anyone else's or a submitted one."""
    draft = (
        Draft.objects.select_related("form", "offer__service", "offer__municipality", "payment")
        .filter(pk=draft_id, applicant_id=user.pk, submission__isnull=True)
        .order_by()[:1]
    )
    if not draft:
        raise NotFound(_("No such application."))
    return draft[0]


def draft_own_trust_level(*, user: User, draft_id: UUID | str) -> str:
    """The level of assurance the service of `user`'s open draft `draft_id` needs (one small
    query, for the submit request, whose service loads the draft itself under a lock);
    NotFound for anyone else's or a submitted draft."""
    level = (
        Draft.objects.filter(pk=draft_id, applicant_id=user.pk, submission__isnull=True)
        .values_list("offer__service__min_trust_level", flat=True)
        .first()
    )
    if level is None:
        raise NotFound(_("No such application."))
    return level


def drafts_of(*, user: User) -> QuerySet[Draft]:
    """The open drafts of `user`, most recently changed first."""
    return Draft.objects.select_related(
        "form__service", "offer__municipality", "organisation"
    ).filter(applicant=user, submission__isnull=True)


def submissions_of(*, user: User) -> QuerySet[Submission]:
    """The submissions `user` made or that were made for them (proxy), with their case."""
    return Submission.objects.select_related("service", "office", "municipality", "case").filter(
        Q(applicant=user) | Q(principal_user=user)
    )


# The applicant's list ("Mein Bereich") pages by this key (rathaus.core.keyset), newest first.
SUBMISSION_LIST_ORDERING = ("-submitted_at", "-pk")

# The columns the applicant's list shows (template portal/application/overview.html and
# rathaus.cases.selectors.applicant_next_steps): not the form data, receipt or declarations.
_APPLICANT_LIST_COLUMNS = (
    "id",
    "reference",
    "submitted_at",
    "case__id",
    "case__status",
    "service__id",
    "service__name_de",
    "service__name_en",
    "office__id",
    "office__name",
    "office__name_en",
)


def submission_list_of(*, user: User) -> tuple[QuerySet[Submission], QuerySet[Submission]]:
    """The submissions of `user` for their list, newest first (`SUBMISSION_LIST_ORDERING`),
    with their case, loading only the columns the list shows: as two branches for
    `rathaus.core.keyset.KeysetPaginator`, those `user` made and those made for them (proxy),
    each read in list order from its index (`Submission.Meta.indexes`). One query with
    "applicant OR principal" made PostgreSQL walk the whole submission time index of the
    installation for an account whose submissions are old (issue 9)."""
    rows = Submission.objects.select_related("service", "office", "case").only(
        *_APPLICANT_LIST_COLUMNS
    )
    return (
        rows.filter(applicant=user).order_by(*SUBMISSION_LIST_ORDERING),
        rows.filter(principal_user=user).order_by(*SUBMISSION_LIST_ORDERING),
    )


def submission_get_own(*, user: User, submission_id: UUID | str) -> Submission:
    """One submission of `user` (as applicant or principal); NotFound otherwise."""
    submission = submissions_of(user=user).filter(pk=submission_id).first()
    if submission is None:
        raise NotFound(_("No such application."))
    return submission


def services_with_published_form(*, service_ids: Collection[UUID]) -> set[UUID]:
    """Those of `service_ids` that have a published online form in this portal (one query,
    none for no ids): the portal lists them as available online."""
    if not service_ids:
        return set()
    return set(
        FormDefinition.objects.filter(
            service_id__in=list(service_ids), status=FormDefinition.Status.PUBLISHED
        ).values_list("service_id", flat=True)
    )


# --- Staff (the detail page under /intern/antraege/<id>/) and API clients ---

_RELATED = ("service", "office", "municipality", "applicant", "organisation", "principal_user")


def _with_details(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    return qs.select_related(*_RELATED, "case", "form", "payment").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.select_related("required_document")),
        Prefetch("case__status_changes", queryset=StatusChange.objects.order_by("created_at")),
        Prefetch(
            "case__document_requests",
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


def client_submission_get(*, actor: Actor, submission_id: UUID | str) -> Submission:
    """One submission of the municipality of the API client `actor` with its case and
    details; NotFound otherwise."""
    if actor.municipality_id is None:  # not an API client
        raise NotFound(_("No such application."))
    submission = (
        _with_details(Submission.objects.filter(municipality_id=actor.municipality_id))
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound(_("No such application."))
    return submission
