"""Reads of cases: the staff inbox (narrowed to the reader's offices), the work queue of a
specialist system (its municipality), the applicant's next steps. Always narrowed to what the
reader may see; other offices' cases do not exist for the reader (NotFound).

The list querysets live here so that their indexes, columns and pagination are tuned in one
place. They join the submission that opened each case by name (`submission`, the reverse
accessor of `applications.Submission.case`): cases never import applications.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Min, Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.db.models.functions import StrIndex, Upper
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.cases.models import Case, DocumentRequest
from rathaus.cases.permissions import API_READ_SCOPE, API_WRITE_SCOPE, HANDLING_ROLES
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound
from rathaus.core.keyset import KeyList
from rathaus.staff.models import RoleAssignment
from rathaus.staff.permissions import restrict_to_offices
from rathaus.staff.selectors import held_offices_by_municipality, sees_all_offices

__all__ = [
    "API_READ_SCOPE",
    "API_WRITE_SCOPE",
    "APPLICANT_NEXT_STEPS",
    "HANDLING_ROLES",
    "LIST_ORDERING",
    "applicant_next_steps",
    "case_assignee_choices",
    "cases_visible_to_staff",
    "client_cases",
    "document_request_get",
    "inbox_case_get",
    "inbox_cases",
    "inbox_list",
    "inbox_rows_complete",
    "office_handlers",
    "reference_matches",
]

S = Case.Status

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


# Every case list pages by this key (rathaus.core.keyset): newest first, the id breaking ties
# between cases opened in the same instant. The indexes in `Case.Meta` end in the same two
# columns, after the tenant (municipality or office) and the filter, so that any page of any
# filter is one index range read.
LIST_ORDERING = ("-opened_at", "-pk")

# The columns the inbox shows (template backoffice/submissions/list.html): not the applicant's
# whole account or the submission's form data. The page joins only what every row has (the
# service, the submission, the applicant); the people and organisation some rows have are
# fetched by primary key for the page's rows afterwards (`inbox_rows_complete`: no query and no
# work when no row has one). Joining all seven tables made PostgreSQL spend 6–17 ms planning
# every request for a 0.3 ms read; four tables plan in about 0.5 ms (issue 9,
# docs/performance.md).
_PERSON_COLUMNS = ("id", "first_name", "last_name", "email", "kind", "username")
_INBOX_COLUMNS = (
    "id",
    "reference",
    "status",
    "opened_at",
    "acknowledged_at",
    "principal_user_id",
    "organisation_id",
    "assignee_id",
    "service__id",
    "service__name_de",
    "service__name_en",
    "submission__id",
    "submission__submitted_at",
    *(f"applicant__{column}" for column in _PERSON_COLUMNS),
)


def _inbox_prefetches() -> "tuple[Prefetch[Any], ...]":
    people = get_user_model().objects.only(*_PERSON_COLUMNS)
    organisations = Case._meta.get_field("organisation").related_model._default_manager.only(
        "id", "name"
    )
    return (
        Prefetch("principal_user", queryset=people),
        Prefetch("assignee", queryset=people),
        Prefetch("organisation", queryset=organisations),
    )


def inbox_rows_complete(cases: Sequence[Case]) -> Sequence[Case]:
    """The rows of an inbox page (`inbox_cases`) with the principal, assignee and organisation
    those that have one show: one query per kind some row has, by primary key. A row without
    one needs nothing (its relation is None without a query); Django's `prefetch_related` on
    the list would build a query for each kind on every page even when no row has it."""
    for prefetch in _inbox_prefetches():
        having = [case for case in cases if getattr(case, f"{prefetch.prefetch_through}_id")]
        if having:
            prefetch_related_objects(having, prefetch)
    return cases


# The columns the API list shows (rathaus.api.submissions.SubmissionSummarySerializer).
_CLIENT_COLUMNS = (
    "id",
    "status",
    "status_changed_at",
    "opened_at",
    "acknowledged_at",
    "service__id",
    "service__slug",
    "service__name_de",
    "service__leika_key",
    "office__id",
    "office__name",
    "submission__id",
    "submission__reference",
    "submission__submitted_at",
)


def inbox_cases(
    *, user: Any, status: str | None = None, query: str | None = None
) -> QuerySet[Case]:
    """The staff inbox: cases of the offices of `user`, newest first (`LIST_ORDERING`), with
    their submission, service and applicant, loading only the columns the inbox shows;
    `status` filters, `query` searches the reference number (case-insensitive, part of it;
    `reference_matches`). Pass the rows shown to `inbox_rows_complete` for their principal,
    assignee and organisation (else one query per row that has one). The inbox page reads
    `inbox_list`, which holds a search's matches as keys."""
    return _inbox_cases(_inbox_scope(user=user), status, query)


def _inbox_cases(scope: "_Scope", status: str | None, query: str | None) -> QuerySet[Case]:
    qs = _inbox_rows(scope, status)
    if query and query.strip():
        matches = reference_matches(query.strip(), municipality_id=scope.municipality_id)
        if matches is None:
            qs = qs.filter(reference__icontains=query.strip())
        else:
            qs = qs.filter(pk__in=matches.values("pk"))
    return qs.order_by(*LIST_ORDERING)


def inbox_list(
    *, user: Any, status: str | None = None, query: str | None = None
) -> "QuerySet[Case] | KeyList[Case]":
    """What the inbox page pages over (`rathaus.core.keyset`): `inbox_cases`, except for a
    search with a number part and at most `SEARCH_MATCHES_CAP` matches, which is held as the
    keys of its matches (`KeyList`: the matches are read from the search index by one query,
    the reader's offices and the status checked on them here, the page cut in memory and only
    its rows loaded). Sorting and limiting in the database would let PostgreSQL walk the list's
    index newest first and recheck every reference (197,382 rows and 1 s for "0012" at a
    million when the matches are old ones), or join every match before sorting (issue 9)."""
    scope = _inbox_scope(user=user)
    query = (query or "").strip()
    searching = query and scope.office_ids != frozenset()  # no offices: nothing to search
    matches = reference_matches(query, municipality_id=scope.municipality_id) if searching else None
    if matches is None:
        return _inbox_cases(scope, status, query)
    key_fields = [name.lstrip("-") for name in LIST_ORDERING]
    found = list(matches.values_list("office_id", "status", *key_fields)[: SEARCH_MATCHES_CAP + 1])
    if len(found) > SEARCH_MATCHES_CAP:  # dense: the list's index finds a page sooner
        return _inbox_cases(scope, status, query)
    keys = [
        tuple(key)
        for office, state, *key in found
        if scope.sees(office) and (not status or state == status)
    ]
    return KeyList(keys=keys, rows=_inbox_rows(scope, None))


def _inbox_rows(scope: "_Scope", status: str | None) -> QuerySet[Case]:
    qs = scope.narrow(
        Case.objects.select_related("service", "submission", "applicant").only(*_INBOX_COLUMNS)
    )
    return qs.filter(status=status) if status else qs


# A search whose number part matches more cases than this in the reader's municipality is
# dense (e.g. "2026"): its first page is found sooner by walking the list's index than by
# collecting the matches.
SEARCH_MATCHES_CAP = 2000


def reference_matches(query: str, *, municipality_id: UUID | None) -> QuerySet[Case] | None:
    """The cases (of `municipality_id`, or all) whose reference contains `query`
    (case-insensitive), unordered; None when `query` has no part of three characters or more
    with a digit (then the search is a plain `icontains` on the list).

    The trigram index (`cases_case_municipality_reference_trgm`: the municipality, then the
    trigrams) is slow for the parts every reference shares (the municipality's letters, the
    year): each of their trigrams lists every case. So the index is asked only for the
    query's last part with a digit ("DURE-2026-000042" → "000042"), a condition every match
    meets, and the whole query is then checked on those few rows by position (`StrIndex`,
    which no index serves). Nothing else is asked, so that the plan is the index's condition
    on both of its columns whatever the planner estimates (with the reader's offices in the
    query, PostgreSQL intersected the matches with a bitmap of all the municipality's cases:
    18 ms at a million)."""
    needle = query.upper()
    parts = [p for p in needle.split("-") if len(p) >= 3 and any(c.isdigit() for c in p)]
    if not parts:
        return None
    matches = Case.objects.filter(reference__icontains=parts[-1])
    if parts[-1] != needle:
        matches = matches.alias(reference_at=StrIndex(Upper("reference"), Value(needle))).filter(
            reference_at__gt=0
        )
    if municipality_id is not None:
        matches = matches.filter(municipality_id=municipality_id)
    return matches.order_by()


@dataclass(frozen=True)
class _Scope:
    """The cases a reader of the inbox sees: everything, nothing, the cases of one
    municipality, of some offices (`office_ids`), or of some offices of one municipality."""

    everything: bool = False
    municipality_id: UUID | None = None
    office_ids: frozenset[UUID] | None = None

    def sees(self, office_id: UUID) -> bool:
        return self.everything or self.office_ids is None or office_id in self.office_ids

    def narrow(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        """`qs` narrowed to the scope, as conditions on the leading columns of an index
        (`Case.Meta.indexes`), so that the database reads a page in list order from it."""
        if self.everything:
            return qs
        if self.municipality_id is not None:
            qs = qs.filter(municipality_id=self.municipality_id)
        if self.office_ids is None:
            return qs
        if len(self.office_ids) == 1:
            return qs.filter(office_id=next(iter(self.office_ids)))
        return qs.filter(office_id__in=sorted(self.office_ids))


def _inbox_scope(*, user: Any) -> _Scope:
    """What the inbox of `user` shows (what `cases_visible_to_staff` narrows to): all offices
    of one municipality as that municipality, some of them as the municipality and the
    offices. "office IN (subquery)" would make the database fetch and sort every case of
    those offices for each page. Offices in several municipalities: a list of office ids
    (then the matches are sorted)."""
    if sees_all_offices(user=user):
        return _Scope(everything=True)
    # The offices held with the municipality of each and its number of offices: from the
    # request's role memo, no query of its own.
    by_municipality = held_offices_by_municipality(user=user, roles=HANDLING_ROLES)
    if not by_municipality:
        return _Scope(office_ids=frozenset())
    if len(by_municipality) != 1:
        return _Scope(
            office_ids=frozenset(pk for offices, _ in by_municipality.values() for pk in offices)
        )
    ((municipality_id, (office_ids, municipality_offices)),) = by_municipality.items()
    if len(office_ids) >= municipality_offices:
        return _Scope(municipality_id=municipality_id)
    return _Scope(municipality_id=municipality_id, office_ids=frozenset(office_ids))


def client_cases(
    *,
    actor: Actor,
    status: str | None = None,
    acknowledged: bool | None = None,
    since: datetime | None = None,
    office: UUID | None = None,
) -> QuerySet[Case]:
    """Cases of the municipality of the API client `actor`, newest first (`LIST_ORDERING`),
    with their submission, loading only the columns the API list shows; filters: status,
    acknowledged or not, opened (submitted) at or after `since`, office. Each filter has an
    index of its own (see `Case.Meta.indexes`)."""
    if actor.municipality_id is None:  # not an API client: no municipality, no queue
        return Case.objects.none()
    qs = (
        Case.objects.select_related("submission", "service", "office")
        .only(*_CLIENT_COLUMNS)
        .filter(municipality_id=actor.municipality_id)
    )
    if status:
        qs = qs.filter(status=status)
    if acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    if since is not None:
        qs = qs.filter(opened_at__gte=since)
    if office is not None:
        qs = qs.filter(office_id=office)
    return qs.order_by(*LIST_ORDERING)


def inbox_case_get(*, user: Any, case_id: UUID | str) -> Case:
    """One case of an office of `user`; NotFound for other offices' cases."""
    case = cases_visible_to_staff(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such application."))
    return case


def document_request_get(*, document_request_id: UUID | str) -> DocumentRequest:
    """One document request with its case, office and applicant (for the apps that react to
    `case.document_requested`, e.g. the Postfach); NotFound when it is gone."""
    found = (
        DocumentRequest.objects.select_related(
            "case__office__municipality", "case__applicant", "requested_by"
        )
        .filter(pk=document_request_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such request for documents."))
    return found


def case_assignee_choices(*, case: Case) -> QuerySet[Any]:
    """The active staff accounts who hold a handling role in the office of `case` now: whom
    `case_assign` accepts as assignee (superusers aside), ordered by name."""
    return office_handlers(office_id=case.office_id)


def office_handlers(*, office_id: UUID) -> QuerySet[Any]:
    """The active staff accounts who hold a handling role in the office `office_id` now (the
    assignees of its cases and of its mailbox's threads), ordered by name."""
    now = timezone.now()
    holders = (
        RoleAssignment.objects.filter(office_id=office_id, role__in=HANDLING_ROLES)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values("user_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=holders, is_active=True, is_staff=True)
        .order_by("last_name", "first_name", "username")
    )


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


def case_data(*, case: Case) -> dict[str, Any]:
    """What the apps that opened `case` know about it, as plain JSON values by name (the
    applications app: `application` — the submitted form's data —, `computed`, `fee`,
    `submitted_on`; see `rathaus.cases.case_data`)."""
    from rathaus.cases.case_data import case_data_collect

    return case_data_collect(case)
