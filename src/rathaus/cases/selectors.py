"""Reads of cases: the staff inbox (narrowed to the reader's offices), the work queue of a
specialist system (its municipality), the applicant's next steps. Always narrowed to what the
reader may see; other offices' cases do not exist for the reader (NotFound).

The list querysets live here so that their indexes, columns and pagination are tuned in one
place. They join the submission that opened each case by name (`submission`, the reverse
accessor of `applications.Submission.case`): cases never import applications.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Min, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.cases.models import Case, DocumentRequest
from rathaus.cases.permissions import API_READ_SCOPE, API_WRITE_SCOPE, HANDLING_ROLES
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound
from rathaus.staff.permissions import restrict_to_offices

__all__ = [
    "API_READ_SCOPE",
    "API_WRITE_SCOPE",
    "APPLICANT_NEXT_STEPS",
    "HANDLING_ROLES",
    "applicant_next_steps",
    "cases_visible_to_staff",
    "client_cases",
    "inbox_case_get",
    "inbox_cases",
]

S = Case.Status

_LIST_RELATED = (
    "submission",
    "service",
    "office",
    "municipality",
    "applicant",
    "organisation",
    "principal_user",
)

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


def cases_visible_to_staff(*, user: Any) -> QuerySet[Case]:
    """All cases of the offices in which `user` holds a handling role (unordered; for
    need-to-know checks of reads that start elsewhere)."""
    return restrict_to_offices(
        Case.objects.all(), user=user, office_field="office", roles=HANDLING_ROLES
    )


def inbox_cases(
    *, user: Any, status: str | None = None, query: str | None = None
) -> QuerySet[Case]:
    """The staff inbox: cases of the offices of `user`, newest first, with their submission;
    `status` filters, `query` searches the reference number (case-insensitive, part of it)."""
    qs = restrict_to_offices(
        Case.objects.select_related(*_LIST_RELATED),
        user=user,
        office_field="office",
        roles=HANDLING_ROLES,
    )
    if status:
        qs = qs.filter(status=status)
    if query and query.strip():
        qs = qs.filter(reference__icontains=query.strip())
    return qs.order_by("-opened_at", "-pk")


def client_cases(
    *,
    actor: Actor,
    status: str | None = None,
    acknowledged: bool | None = None,
    since: datetime | None = None,
    office: UUID | None = None,
) -> QuerySet[Case]:
    """Cases of the municipality of the API client `actor`, oldest first (a work queue),
    with their submission; filters: status, acknowledged or not, opened (submitted) at or
    after `since`, office."""
    if actor.municipality_id is None:  # not an API client: no municipality, no queue
        return Case.objects.none()
    qs = Case.objects.select_related("submission", "service", "office").filter(
        municipality_id=actor.municipality_id
    )
    if status:
        qs = qs.filter(status=status)
    if acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    if since is not None:
        qs = qs.filter(opened_at__gte=since)
    if office is not None:
        qs = qs.filter(office_id=office)
    return qs.order_by("opened_at", "pk")


def inbox_case_get(*, user: Any, case_id: UUID | str) -> Case:
    """One case of an office of `user`; NotFound for other offices' cases."""
    case = cases_visible_to_staff(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such application."))
    return case


def applicant_next_steps(*, cases: Sequence[Case]) -> dict[UUID, str]:
    """What the applicant has to do now, per case id (one query). An open document request
    comes first, with its deadline — whatever the status says: a clerk may have moved the
    status on while the request is still open, and "nothing to do" would then be wrong."""
    deadlines: dict[UUID, date] = dict(
        DocumentRequest.objects.filter(
            case__in=[c.pk for c in cases], status=DocumentRequest.Status.OPEN
        )
        .values("case_id")
        .annotate(first=Min("deadline"))
        .values_list("case_id", "first")
    )
    steps = {}
    for case in cases:
        deadline = deadlines.get(case.pk)
        if deadline is not None:
            steps[case.pk] = _(
                "The office needs further documents from you. Please send them by %(deadline)s "
                "(see the request below)."
            ) % {"deadline": formats.date_format(deadline, "DATE_FORMAT")}
        else:
            steps[case.pk] = str(APPLICANT_NEXT_STEPS[S(case.status)])
    return steps
