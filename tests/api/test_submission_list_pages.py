"""`/api/v1/submissions/` at scale (issue 9 §5): newest first by keyset pages, every row once
with equal timestamps, filters kept across pages, no COUNT and no OFFSET on any page of any
filter, only the columns the list shows, a tampered cursor a 400 problem."""

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.cases.models import Case
from tests.api.test_submissions_api import bearer_for
from tests.applications.inbox_data import make_submission
from tests.cases.list_data import copy_submissions
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

BASE = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rows():
    """One real submission and 29 copies in its municipality, 12 of them opened in the same
    second; a quarter closed, every third acknowledged, a third at a second office; and a
    submission of another municipality."""
    first = make_submission()
    second_office = OfficeFactory(municipality=first.municipality)

    def at(n: int) -> dt.datetime:
        return BASE - dt.timedelta(hours=1) if n < 12 else BASE - dt.timedelta(hours=2, minutes=n)

    copies = copy_submissions(first, 29, opened_at=at)
    for n, copy in enumerate(copies):
        changes: dict[str, Any] = {}
        if n % 4 == 0:
            changes["status"] = Case.Status.CLOSED
        if n % 3 == 0:
            changes["acknowledged_at"] = BASE
        if n % 3 == 1:
            changes["office"] = second_office
        if changes:
            Case.objects.filter(pk=copy.case_id).update(**changes)
    make_submission()  # another municipality: never listed
    return first, second_office


@pytest.fixture
def reader(rows):
    return bearer_for(rows[0].municipality, "applications:read")


def expected(municipality, **filters: Any) -> list[str]:
    """References of the municipality's cases matching `filters`, newest first (by opened_at,
    then id): what the pages must show, in this order."""
    return list(
        Case.objects.filter(municipality=municipality, **filters)
        .order_by("-opened_at", "-id")
        .values_list("submission__reference", flat=True)
    )


def walk(api, reader, params: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """All pages from the first, following `next`: the references in order, and the SQL of
    each page's requests."""
    references: list[str] = []
    sql: list[list[str]] = []
    url: str | None = "/api/v1/submissions/"
    query: dict[str, Any] | None = params
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url, query, **reader)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "previous", "results"}  # no count
        references += [item["reference"] for item in body["results"]]
        sql.append([q["sql"].upper() for q in queries])
        url = body["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
        query = None
    return references, sql


FILTERS = [
    ({}, {}),
    ({"status": "closed"}, {"status": "closed"}),
    ({"status": "submitted"}, {"status": "submitted"}),
    ({"acknowledged": "false"}, {"acknowledged_at__isnull": True}),
    ({"acknowledged": "true"}, {"acknowledged_at__isnull": False}),
    (
        {"since": (BASE - dt.timedelta(hours=2, minutes=20)).isoformat()},
        {"opened_at__gte": BASE - dt.timedelta(hours=2, minutes=20)},
    ),
    (
        {"status": "submitted", "acknowledged": "false"},
        {"status": "submitted", "acknowledged_at__isnull": True},
    ),
]


@pytest.mark.parametrize(("params", "filters"), FILTERS)
def test_pages_cover_every_row_once_newest_first_without_count_or_offset(
    api, rows, reader, params, filters
):
    references, sql = walk(api, reader, {**params, "page_size": 4})
    want = expected(rows[0].municipality, **filters)
    assert references == want  # newest first, ties by id, no row twice, none left out
    assert len(sql) == max(1, -(-len(want) // 4))
    for page in sql:
        lists = [q for q in page if "CASES_CASE" in q]
        assert len(lists) == 1  # one query per page, whatever its depth
        assert "COUNT(" not in lists[0] and "OFFSET" not in lists[0] and "LIMIT 5" in lists[0]
        # Only the shown columns: not the ~1 KB form data, computed values or declarations.
        assert '"APPLICATIONS_SUBMISSION"."DATA"' not in lists[0]
        assert '"APPLICATIONS_SUBMISSION"."DECLARATIONS"' not in lists[0]
    # A deep page costs what page 1 costs (which may also record the token's use).
    assert all(len(page) <= len(sql[0]) for page in sql[1:])


def test_office_filter_and_cursor_combine(api, rows, reader):
    first, second_office = rows
    references, _ = walk(api, reader, {"office": str(second_office.pk), "page_size": 3})
    assert references == expected(first.municipality, office=second_office)
    assert len(references) == 10


def test_previous_link_leads_back(api, rows, reader):
    page1 = api.get("/api/v1/submissions/", {"page_size": 5}, **reader).json()
    page2 = api.get(page1["next"], **reader).json()
    page3 = api.get(page2["next"], **reader).json()
    back = api.get(page3["previous"], **reader).json()
    assert back["results"] == page2["results"]
    assert [r["reference"] for r in page1["results"]] == expected(first_of(rows))[:5]


def first_of(rows):
    return rows[0].municipality


def test_a_tampered_cursor_is_a_400_problem(api, rows, reader):
    next_url = api.get("/api/v1/submissions/", {"page_size": 5}, **reader).json()["next"]
    cursor = next_url.partition("cursor=")[2]
    tampered = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    response = api.get(f"/api/v1/submissions/?cursor={tampered}", validate=False, **reader)
    body = api.assert_problem(response, 400, "ValidationProblem")
    assert "cursor" in body["errors"]
