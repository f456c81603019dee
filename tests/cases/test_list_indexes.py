"""The case lists read every page of every filter from an index (issue 9 §5): on PostgreSQL,
with a few thousand cases and fresh statistics, EXPLAIN of a deep page of the API list shows
an index range read on cases_case, no sequential scan and no sort of the whole set."""

import datetime as dt
import re
from dataclasses import replace

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from rathaus.applications.selectors import submission_list_of
from rathaus.cases.models import Case
from rathaus.cases.selectors import client_cases, inbox_cases, reference_matches
from rathaus.core.actors import Actor
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.cases.list_data import copy_submissions
from tests.factories import OfficeFactory
from tests.staff.people import make_staff

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]

STATUSES = [s for s, _ in Case.Status.choices]


@pytest.fixture
def seeded():
    """3 municipalities × 1,500 cases over five statuses, a third acknowledged, half at a
    second office; statistics analysed (ANALYZE sees the rows of its own transaction). The
    second office has enough cases of each status (150) that reading all its cases through
    the plain office index and filtering is never the cheaper plan: with a few dozen, the
    planner's choice between the two flipped with the table's physical layout that earlier
    tests left behind."""
    base = timezone.now().replace(microsecond=0)
    made = []
    for _ in range(3):
        first = make_submission()
        second_office = OfficeFactory(municipality=first.municipality)
        copies = copy_submissions(
            first, 1500, opened_at=lambda n: base - dt.timedelta(minutes=n // 2)
        )
        for k, status in enumerate(STATUSES):
            Case.objects.filter(pk__in=[c.case_id for c in copies[k::5]]).update(status=status)
        Case.objects.filter(pk__in=[c.case_id for c in copies[::3]]).update(acknowledged_at=base)
        Case.objects.filter(pk__in=[c.case_id for c in copies[::2]]).update(office=second_office)
        made.append((first, second_office))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE applications_submission")
    return made


def deep_page_plan(qs) -> str:
    """The plan of the page after the 20th row of `qs` (as the keyset paginator asks it)."""
    anchor = qs.order_by("-opened_at", "-id")[20]
    at, pk = anchor.opened_at, anchor.pk
    page = qs.filter(Q(opened_at__lte=at) & (Q(opened_at__lt=at) | Q(opened_at=at, pk__lt=pk)))
    return page.order_by("-opened_at", "-id")[:21].explain()


def assert_index_read(plan: str, *indexes: str) -> None:
    """No sequential scan of cases_case: it is read through one of `indexes` with the list
    key in the index condition, so the read starts at the page and stops after it. (With
    thousands of rows the planner may bitmap-read a small range and sort it; with millions it
    reads the index in order and stops at the LIMIT: both read only the range.)"""
    assert "Seq Scan on cases_case" not in plan, plan
    conditions = [
        line for line in plan.splitlines() if "Index Cond" in line and "opened_at" in line
    ]
    assert conditions, plan
    assert any(re.search(rf"\b{name}\b", plan) for name in indexes), plan


FILTERS = [
    ({}, ["cases_municipality_opened"]),
    ({"status": "closed"}, ["cases_municipality_status"]),
    ({"acknowledged": False}, ["cases_municipality_unack"]),
    ({"acknowledged": True}, ["cases_municipality_ack"]),
    ({"since": "recent"}, ["cases_municipality_opened"]),
    ({"office": "second"}, ["cases_office_opened"]),
    (
        {"status": "closed", "office": "second"},
        ["cases_office_status", "cases_municipality_status"],
    ),
]


def test_every_filter_of_the_api_list_reads_an_index(seeded):
    first, second_office = seeded[1]
    actor = replace(Actor.system("tests"), municipality_id=first.municipality_id)
    for filters, indexes in FILTERS:
        if filters.get("office") == "second":
            filters = {**filters, "office": second_office.pk}
        if filters.get("since") == "recent":
            filters = {"since": timezone.now() - dt.timedelta(hours=10)}
        assert_index_read(deep_page_plan(client_cases(actor=actor, **filters)), *indexes)


def test_the_inbox_reads_an_index(seeded):
    """One office: its index; all offices of a municipality: the municipality's index."""
    first, second_office = seeded[2]
    one = make_staff("clerk-one-office", (second_office, Role.CASE_WORKER))
    assert_index_read(deep_page_plan(inbox_cases(user=one)), "cases_office_opened")
    assert_index_read(deep_page_plan(inbox_cases(user=one, status="query")), "cases_office_status")
    everything = make_staff(
        "clerk-all-offices",
        (first.office, Role.CASE_WORKER),
        (second_office, Role.TEAM_LEAD),
    )
    assert_index_read(deep_page_plan(inbox_cases(user=everything)), "cases_municipality_opened")
    assert_index_read(
        deep_page_plan(inbox_cases(user=everything, status="closed")), "cases_municipality_status"
    )


TRIGRAMS = "cases_case_municipality_reference_trgm"


def test_the_reference_search_is_served_by_the_trigram_index(seeded):
    """The inbox search (`reference__icontains`) matches the expression of the trigram index,
    which has the municipality in front (migration cases 0004, extension btree_gin) and
    replaced the one of 0003: a plan that may not scan the table reads it, also without a
    municipality (a superuser's inbox)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        [(name, definition)] = cursor.fetchall()
        assert name == TRIGRAMS
        assert "gin (municipality_id, upper((reference)::text) gin_trgm_ops)" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Case.objects.filter(reference__icontains="000123").only("id").explain()
    assert TRIGRAMS in plan, plan


def search_index_flushed() -> None:
    """Move the fixture's rows from the GIN index's pending list into the index proper, as
    autovacuum does on a database in use (with thousands of entries still pending, the
    planner rightly prefers reading a B-tree), and forbid a sequential scan."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [TRIGRAMS])
        cursor.execute("SET LOCAL enable_seqscan = off")


def search_index_conditions(plan: str) -> list[str]:
    lines = plan.splitlines()
    return [
        line
        for n, line in enumerate(lines)
        if "Index Cond" in line and n and TRIGRAMS in lines[n - 1]
    ]


def test_a_reference_with_its_prefix_is_searched_by_its_number_part(seeded):
    """The letters and year every reference shares would make the trigram index read a list
    of every case: the index is asked for the number part, the whole query checked on the
    rows it finds (issue 9)."""
    first, _ = seeded[2]
    search_index_flushed()
    plan = reference_matches("dure-2026-000123", municipality_id=first.municipality_id).explain()
    conditions = search_index_conditions(plan)
    assert len(conditions) == 1, plan
    condition = conditions[0]
    assert "%000123%" in condition and "DURE" not in condition, plan
    assert "strpos" in plan and "DURE-2026-000123" in plan, plan


def test_a_number_part_reads_the_matches_of_the_clerks_municipality_only(seeded):
    """A short number part matches cases of every municipality; the search index reads
    those of the clerk's municipality only (its condition on both columns), where the index
    of migration 0003 listed every municipality's matches to be intersected with the
    municipality's cases (18 ms at a million) or PostgreSQL walked the municipality's cases
    newest first rechecking each reference (0.27 s; issue 9, third round). The query asks
    nothing else (the reader's offices and the order are applied to the matches by
    `inbox_list`), so no estimate can turn it into such a plan (fourth round)."""
    first, _ = seeded[2]
    search_index_flushed()
    for query in ("0123", f"{first.reference}-0123"):
        plan = reference_matches(query, municipality_id=first.municipality_id).explain()
        conditions = search_index_conditions(plan)
        assert len(conditions) == 1, plan
        condition = conditions[0]
        assert f"municipality_id = '{first.municipality_id}'" in condition, plan
        assert "%0123%" in condition, plan
        assert "BitmapAnd" not in plan, plan


def test_each_branch_of_the_applicant_list_reads_its_index(seeded):
    """The applicant's list is two queries (as applicant, as principal), each a range of its
    own index in list order; "applicant OR principal" in one query had none (issue 9)."""
    first, _ = seeded[0]
    mine, for_me = submission_list_of(user=first.applicant)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "submission_applicant_list" in mine[:21].explain()
    assert "submission_principal_list" in for_me[:21].explain()
