"""Reads of drafts and submissions for applicants."""

from collections.abc import Collection
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rathaus.applications.models import Draft, FormDefinition, Submission
from rathaus.core.errors import NotFound


def draft_get_own(*, actor: Any, draft_id: UUID | str) -> Draft:
    """The open draft `draft_id` of `actor`; NotFound for anyone else's or a submitted one."""
    draft = (
        Draft.objects.select_related("form", "offer__service", "offer__municipality", "payment")
        .filter(pk=draft_id, applicant_id=getattr(actor, "pk", None), submission__isnull=True)
        .order_by()[:1]
    )
    if not draft:
        raise NotFound(_("No such application."))
    return draft[0]


def draft_own_trust_level(*, actor: Any, draft_id: UUID | str) -> str:
    """The level of assurance the service of `actor`'s open draft `draft_id` needs (one small
    query, for the submit request, whose service loads the draft itself under a lock);
    NotFound for anyone else's or a submitted draft."""
    level = (
        Draft.objects.filter(
            pk=draft_id, applicant_id=getattr(actor, "pk", None), submission__isnull=True
        )
        .values_list("offer__service__min_trust_level", flat=True)
        .first()
    )
    if level is None:
        raise NotFound(_("No such application."))
    return level


def drafts_of(*, actor: Any) -> QuerySet[Draft]:
    """The open drafts of `actor`, most recently changed first."""
    return Draft.objects.select_related(
        "form__service", "offer__municipality", "organisation"
    ).filter(applicant=actor, submission__isnull=True)


def submissions_of(*, actor: Any) -> QuerySet[Submission]:
    """The submissions `actor` made or that were made for them (proxy)."""
    return Submission.objects.select_related("service", "office", "municipality").filter(
        Q(applicant=actor) | Q(principal_user=actor)
    )


def submission_get_own(*, actor: Any, submission_id: UUID | str) -> Submission:
    """One submission of `actor` (as applicant or principal); NotFound otherwise."""
    submission = submissions_of(actor=actor).filter(pk=submission_id).first()
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
