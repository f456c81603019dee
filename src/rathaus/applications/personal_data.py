"""What the applications app holds about a person, for the export and account deletion."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.personal_data import (
    PersonalDataCollector,
    PersonalDataEraser,
    register_personal_data_collector,
    register_personal_data_eraser,
)
from rathaus.applications.drafts import draft_delete
from rathaus.applications.models import Draft
from rathaus.applications.selectors import submissions_of
from rathaus.core.actors import Actor


def collect_drafts(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "service": draft.form.service.name_de,
            "municipality": draft.offer.municipality.name,
            "form_version": draft.form.version,
            "data": draft.data,
            "attachments": [
                {"name": a.original_name, "size": a.size, "sha256": a.sha256}
                for a in draft.attachments.all()
            ],
            "expires_at": draft.expires_at.isoformat(),
        }
        for draft in Draft.objects.filter(applicant=user, submission__isnull=True)
        .select_related("form__service", "offer__municipality")
        .prefetch_related("attachments")
    ]


def collect_submissions(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "reference": s.reference,
            "service": s.service.name_de,
            "office": s.office.name,
            "submitted_at": s.submitted_at.isoformat(),
            "status": s.case.status,
            "data": s.data,
            "fee_cents": s.fee_cents,
            "attachments": [
                {"name": a.original_name, "size": a.size, "sha256": a.sha256}
                for a in s.attachments.all()
            ],
        }
        for s in submissions_of(user=user).prefetch_related("attachments")
    ]


@transaction.atomic
def erase_application_data(user: Any) -> None:
    """Open drafts are deleted with their files; submissions stay (see `retained`)."""
    for draft in Draft.objects.filter(applicant=user, submission__isnull=True):
        draft_delete(draft=draft, actor=Actor.system("personal_data_erasure"))


def register() -> None:
    register_personal_data_collector(
        "applications.drafts",
        PersonalDataCollector(_("Applications not yet submitted (drafts)"), collect_drafts, 80),
    )
    register_personal_data_collector(
        "applications.submissions",
        PersonalDataCollector(_("Submitted applications"), collect_submissions, 90),
    )
    register_personal_data_eraser(
        "applications",
        PersonalDataEraser(
            erase_application_data,
            retained=[
                _(
                    "Submitted applications with their attachments and receipts: they belong to "
                    "administrative procedures and are kept by the responsible office for as "
                    "long as the rules on keeping files require."
                )
            ],
            order=40,
        ),
    )
