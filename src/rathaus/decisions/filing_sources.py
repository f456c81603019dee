"""What decisions contribute to the E-Akte (`rathaus.records` files it into the case's
file): every decision made about the case, its sealed PDF/A as a document of kind
"decision". Read by the records; nothing here writes."""

from functools import partial
from uuid import UUID

from django.utils import timezone

from rathaus.core.filing_sources import FilingSource

from .models import Decision


def _pdf(decision: Decision) -> bytes:
    with decision.document.open("rb") as handle:
        content: bytes = handle.read()
    return content


def case_filing_sources(*, case_id: UUID | str) -> list[FilingSource]:
    """The decisions about case `case_id`, oldest first."""
    decisions = (
        Decision.objects.filter(case_id=case_id)
        .select_related("case__office", "case__applicant")
        .order_by("created_at", "pk")
    )
    return [
        FilingSource(
            key=f"decisions.decision:{decision.pk}",
            title=f"{decision.title} {decision.case.reference}",
            kind="decision",
            file_name=f"bescheid-{timezone.localdate(decision.created_at).isoformat()}.pdf",
            content_type="application/pdf",
            read=partial(_pdf, decision),
            document_date=timezone.localdate(decision.created_at),
            sender=decision.case.office.name,
            recipient=decision.case.applicant.display_name,
            keywords=(decision.case.reference,),
        )
        for decision in decisions
    ]
