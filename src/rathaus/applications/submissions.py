"""Submission: a complete draft becomes an immutable submission exactly once.

Everything is written in one transaction: data and form version, attachments, fee and
payment, reference number, the first status, the audit event and the domain event
`submission.created`, whose subscribers do the follow-up work (receipt, notification e-mail,
hand-over) through the outbox. Two clicks, two tabs or two concurrent requests serialise on
the draft row; the second one gets the first one's result.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.applications.declarations import declarations_of
from rathaus.applications.drafts import ensure_own_draft
from rathaus.applications.events import SubmissionCreated
from rathaus.applications.fees import FeeQuote, fee_quote
from rathaus.applications.form_schema import (
    FormError,
    data_without_hidden,
    form_computed_values,
    form_data_validate,
)
from rathaus.applications.models import Attachment, Draft, Submission
from rathaus.applications.reference_numbers import reference_number_next
from rathaus.cases.services import case_open
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.core.events import event_publish
from rathaus.organisations.services import proxy_use
from rathaus.payments.selectors import payment_allows_submission


@dataclass
class SubmissionProblems:
    """What still stands between a draft and its submission, for the check-answers page."""

    form_errors: list[FormError] = field(default_factory=list)
    missing_documents: list[Any] = field(default_factory=list)  # catalog.RequiredDocument
    infected_attachments: list[Attachment] = field(default_factory=list)
    missing_declarations: list[str] = field(default_factory=list)
    payment_needed: bool = False
    fee_problem: str = ""

    def __bool__(self) -> bool:
        return bool(
            self.form_errors
            or self.missing_documents
            or self.infected_attachments
            or self.missing_declarations
            or self.payment_needed
            or self.fee_problem
        )


class SubmissionIncomplete(DomainError):
    def __init__(self, problems: SubmissionProblems) -> None:
        super().__init__(_("The application is not complete yet."))
        self.problems = problems


def submission_problems(*, draft: Draft, quote: FeeQuote | None = None) -> SubmissionProblems:
    """Everything missing before `draft` can be submitted (empty = ready). `quote`: the fee
    for the draft's data when the caller has computed it already."""
    problems = SubmissionProblems()
    problems.form_errors = form_data_validate(draft.form, draft.data)
    attachments = list(draft.attachments.all())
    problems.infected_attachments = [
        a for a in attachments if a.scan_status == Attachment.ScanStatus.INFECTED
    ]
    present = {
        a.required_document_id
        for a in attachments
        if a.scan_status != Attachment.ScanStatus.INFECTED
    }
    problems.missing_documents = [
        doc
        for doc in draft.offer.service.required_documents.all()
        if doc.mandatory and doc.electronic_accepted and doc.pk not in present
    ]
    problems.missing_declarations = [
        d.id for d in declarations_of(draft.form.ui) if d.id not in draft.declarations
    ]
    if quote is None:
        quote = fee_quote(offer=draft.offer, definition=draft.form, data=draft.data)
    if quote.problem and not problems.form_errors:
        problems.fee_problem = quote.problem
    elif quote.amount_cents:
        problems.payment_needed = not payment_allows_submission(
            payment=draft.payment, amount_cents=quote.amount_cents
        )
    return problems


@transaction.atomic
def submission_create(*, draft: Draft, actor: Actor, language: str = "de") -> Submission:
    """Turn a complete draft into its submission exactly once; raises SubmissionIncomplete
    with the problems otherwise."""
    draft = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("form", "offer__service", "offer__municipality", "payment")
        .get(pk=draft.pk)
    )
    existing = Submission.objects.filter(draft_id=draft.pk).order_by()[:1]
    if existing:  # second click, second tab, concurrent request
        return existing[0]
    ensure_own_draft(draft=draft, actor=actor)
    quote = fee_quote(offer=draft.offer, definition=draft.form, data=draft.data)
    problems = submission_problems(draft=draft, quote=quote)
    if problems:
        raise SubmissionIncomplete(problems)
    offer = draft.offer
    if draft.proxy_id is not None:  # the proxy must still be in force; the use is recorded
        proxy_use(
            actor=actor,
            principal=draft.principal_user or draft.organisation,
            service=offer.service,
            action="proxy.use.submission",
        )
    now = timezone.now()
    reference = reference_number_next(municipality=offer.municipality)
    case = case_open(  # the case is the authority's handling of what is submitted here
        reference=reference,
        municipality_id=offer.municipality_id,
        office_id=offer.responsible_office_id,
        service_id=offer.service_id,
        applicant_id=draft.applicant_id,
        organisation_id=draft.organisation_id,
        principal_user_id=draft.principal_user_id,
        opened_at=now,
        actor=actor,
    )
    submission = Submission.objects.create(
        reference=reference,
        case=case,
        draft=draft,
        form=draft.form,
        schema_version=draft.form.version,
        service=offer.service,
        municipality=offer.municipality,
        # Ids, not objects: the rows are not needed here, loading them would cost queries.
        office_id=offer.responsible_office_id,
        applicant_id=draft.applicant_id,
        organisation_id=draft.organisation_id,
        principal_user_id=draft.principal_user_id,
        data=data_without_hidden(draft.form, draft.data),  # answers that apply only
        computed={
            k: (str(v) if v is not None else None)
            for k, v in form_computed_values(draft.form, draft.data).items()
        },
        declarations=draft.declarations,
        language=language,
        fee_cents=quote.amount_cents or 0,
        payment=draft.payment if quote.amount_cents else None,
        submitted_at=now,
    )
    attachments = draft.attachments.update(submission=submission)
    audit_record(
        actor=actor,
        action="submission.create",
        obj=submission,
        details={
            "reference": submission.reference,
            "service": offer.service.slug,
            "office": str(offer.responsible_office_id),
            "form_version": submission.schema_version,
            "fee_cents": submission.fee_cents,
            "attachments": attachments,
            "proxy": str(draft.proxy_id) if draft.proxy_id else "",
        },
    )
    # The follow-up work subscribes to the event (receipts, notifications, handover).
    event_publish(
        SubmissionCreated(
            submission_id=submission.pk,
            municipality_id=offer.municipality_id,
            service_id=offer.service_id,
            office_id=offer.responsible_office_id,
        )
    )
    return submission
