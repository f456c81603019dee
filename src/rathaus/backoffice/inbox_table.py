"""The rows of the staff inbox's table (template backoffice/submissions/list.html) as text,
formatted here once per page: the template prints them. Rendered through the template engine
each row cost a dozen variable look-ups, two date filters and two translations (about a
quarter of an inbox request; issue 9 §5)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from rathaus.cases.models import Case


@dataclass(frozen=True)
class InboxRow:
    href: str
    reference: str
    service: str
    applicant: str
    submitted: str
    status: str
    acknowledged: str
    responsible: str


def inbox_rows(cases: Sequence[Case], *, list_url: str) -> list[InboxRow]:
    """One row per case of an inbox page (`cases.selectors.inbox_rows_complete` has loaded
    their people): the application's page is the list's URL and the submission's id."""
    datetime_format = get_format("SHORT_DATETIME_FORMAT")
    date_format = get_format("SHORT_DATE_FORMAT")
    no = _("no")

    def local(value: datetime, fmt: str) -> str:
        return dateformat.format(timezone.localtime(value), fmt)

    rows = []
    for case in cases:
        applicant = case.applicant.display_name
        if case.organisation:
            applicant += " (" + _("for %(name)s") % {"name": case.organisation.name} + ")"
        elif case.principal_user:
            applicant += " (" + _("for %(name)s") % {"name": case.principal_user.display_name} + ")"
        rows.append(
            InboxRow(
                href=f"{list_url}{case.submission.pk}/",
                reference=case.reference,
                service=case.service.name,
                applicant=applicant,
                submitted=local(case.submission.submitted_at, datetime_format),
                status=case.status_label,
                acknowledged=local(case.acknowledged_at, date_format)
                if case.acknowledged_at
                else no,
                responsible=case.assignee.display_name if case.assignee else "–",
            )
        )
    return rows
