"""The staff inbox at scale (issue 9 §5): keyset pages newest first, every case once with
equal timestamps, filters kept across pages, no OFFSET and no COUNT over the whole inbox (a
count that stops at a cap: "more than N"), only the shown columns, a tampered page link
falls back to the first page."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.backoffice import submission_views
from rathaus.cases import selectors as case_selectors
from rathaus.cases.models import Case
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.cases.list_data import copy_submissions
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

URL = "/intern/antraege/"
ROW = re.compile(r'<td class="kern-table__cell"><a class="kern-link" href="[^"]+">([^<]+)</a>')
NEXT = re.compile(r'rel="next" href="([^"]+)"')
CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.S)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(submission_views, "PAGE_SIZE", 4)


@pytest.fixture
def office():
    return OfficeFactory(name="Bürgerbüro")


@pytest.fixture
def cases(office):
    """A real submission and 21 copies at `office`, 9 of them in the same second, every third
    closed; and one at another office."""
    first = make_submission(office=office)
    base = timezone.now().replace(microsecond=0)
    copies = copy_submissions(
        first,
        21,
        opened_at=lambda n: base - dt.timedelta(hours=1, minutes=0 if n < 9 else n),
    )
    Case.objects.filter(pk__in=[c.case_id for c in copies[::3]]).update(status=Case.Status.CLOSED)
    make_submission()
    return first


@pytest.fixture
def clerk(client, office):
    user = make_staff("clerk-pages", (office, Role.CASE_WORKER))
    login_with_mfa(client, user)
    return user


def expected(office, **filters) -> list[str]:
    return list(
        Case.objects.filter(office=office, **filters)
        .order_by("-opened_at", "-id")
        .values_list("reference", flat=True)
    )


def walk(client, query: str) -> tuple[list[str], list[list[str]], str]:
    """Every page from the first by its "next page" link: references in order, the SQL of
    each page's case queries, and the first page's caption."""
    references: list[str] = []
    sql: list[list[str]] = []
    caption = ""
    url: str | None = URL + query
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        caption = caption or CAPTION.search(page).group(1).strip()
        references += ROW.findall(page)
        sql.append([q["sql"].upper() for q in queries if "CASES_CASE" in q["sql"].upper()])
        found = NEXT.search(page)
        url = URL + html.unescape(found.group(1)) if found else None
    return references, sql, caption


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("?status=closed", {"status": Case.Status.CLOSED}),
        ("?status=submitted", {"status": Case.Status.SUBMITTED}),
        ("?q=-001", {"reference__icontains": "-001"}),
    ],
)
def test_pages_cover_every_case_once_newest_first_without_offset(
    client, clerk, office, cases, query, filters
):
    references, sql, caption = walk(client, query)
    want = expected(office, **filters)
    assert len(want) >= 5  # more than one page
    assert references == want
    searching = query.startswith("?q=")
    for page in sql:
        assert all("OFFSET" not in q for q in page)
        counts = [q for q in page if "COUNT(" in q]
        if searching:
            # The search's matches as keys, one query by the search index (at most
            # SEARCH_MATCHES_CAP + 1 of them, unsorted), the page cut from them and its rows
            # loaded by primary key; the keys are the count (issue 9).
            matches, rows = page
            assert "LIMIT 2001" in matches and "ORDER BY" not in matches, matches
            assert '"CASES_CASE"."ID" IN (' in rows and "ORDER BY" not in rows, rows
            assert counts == []
        else:
            # The only count is capped (a LIMIT inside it), never one over the whole inbox.
            assert len(counts) == 1 and "LIMIT 1001" in counts[0]
            rows = next(q for q in page if "COUNT(" not in q and "ORDER BY" in q)
            assert "LIMIT 5" in rows
        # Only the shown columns: not the form data, nor the applicant's password hash.
        assert '"APPLICATIONS_SUBMISSION"."DATA"' not in rows
        assert "PASSWORD" not in rows
    # Page n costs what page 1 costs.
    assert all(len(page) == len(sql[0]) for page in sql)
    assert f" {len(want)} " in f" {caption} "


def test_a_search_with_more_matches_than_it_holds_walks_the_list(
    client, clerk, office, cases, monkeypatch
):
    """A search with more matches than `SEARCH_MATCHES_CAP` (e.g. the year) is read like the
    list, page by page from its index, and says "more than 4" instead of counting."""
    monkeypatch.setattr(case_selectors, "SEARCH_MATCHES_CAP", 3)
    references, sql, caption = walk(client, "?q=-001")
    assert references == expected(office, reference__icontains="-001")
    assert all("OFFSET" not in q for page in sql for q in page)
    assert " 4 " in caption and str(len(references)) not in caption


def test_a_search_shows_the_readers_offices_and_the_status_asked_for_only(
    client, clerk, office, cases
):
    """The search's matches are read for the whole municipality; the reader's offices and the
    status are checked on them (issue 9): a match at another office of the municipality
    stays out, and so do matches in another status."""
    other = OfficeFactory(municipality=office.municipality)
    moved = Case.objects.filter(office=office).order_by("-opened_at")[0]
    Case.objects.filter(pk=moved.pk).update(office=other)
    references, _, _ = walk(client, "?q=-001")
    assert moved.reference not in references
    assert references == expected(office, reference__icontains="-001")
    closed, _, _ = walk(client, "?q=-001&status=closed")
    assert closed == expected(office, reference__icontains="-001", status=Case.Status.CLOSED)
    assert 0 < len(closed) < len(references)


def test_a_large_inbox_shows_more_than_the_cap(client, clerk, office, cases, monkeypatch):
    monkeypatch.setattr(submission_views, "INBOX_COUNT_CAP", 10)
    caption = CAPTION.search(client.get(URL).content.decode()).group(1)
    assert "10" in caption and "22" not in caption


def test_a_tampered_page_link_shows_the_first_page(client, clerk, office, cases):
    page = client.get(URL).content.decode()
    link = html.unescape(NEXT.search(page).group(1))
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.get(URL + tampered)
    assert response.status_code == 200
    assert ROW.findall(response.content.decode()) == expected(office)[:4]
    assert 'role="status"' in response.content.decode()
