"""Retention of closed files (issue 11 §3): a file may leave the records — offered to the
archive, then handed over or destroyed — once the retention of its file-plan item has run.

The retention runs from the end of the year in which the file was closed (the usual rule of
German registry practice: a file closed on 14 March 2026 with 10 years is due on 1 January
2037). A file whose item (and its ancestors) names no retention gets no disposal date and is
never due by itself."""

import datetime as dt
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from .models import DisposalItem, DisposalOffer, RecordFile


def disposal_date(*, retention_years: int | None, closed_at: dt.datetime) -> dt.date | None:
    """1 January after the year of closing (Europe/Berlin) plus `retention_years`."""
    if retention_years is None:
        return None
    year = timezone.localtime(closed_at).year
    return dt.date(year + 1 + retention_years, 1, 1)


def file_disposal_date(record: RecordFile) -> dt.date | None:
    """The disposal date of the closed file `record` by its item's (inherited) retention."""
    if record.closed_at is None:
        return None
    from .selectors import plan_entry  # the selectors re-export `files_due`

    entry = plan_entry(item=record.plan_item)
    return disposal_date(retention_years=entry.retention_years, closed_at=record.closed_at)


def files_due(*, municipality_id: UUID, today: dt.date | None = None) -> QuerySet[RecordFile]:
    """The closed files of a municipality whose retention has run by `today`, not offered to
    the archive in a disposal still running, oldest date first."""
    today = today or timezone.localdate()
    running = DisposalItem.objects.exclude(offer__status=DisposalOffer.Status.COMPLETED).values(
        "file_id"
    )
    return (
        RecordFile.objects.filter(
            municipality_id=municipality_id,
            status=RecordFile.Status.CLOSED,
            disposal_date__lte=today,
        )
        .exclude(pk__in=running)
        .select_related("office", "plan_item")
        .order_by("disposal_date", "file_reference")
    )
