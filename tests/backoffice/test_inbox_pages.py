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
    for number, page in enumerate(sql):
        assert all("OFFSET" not in q for q in page)
        # The only count is capped (a LIMIT inside it), never one over the whole inbox; a
        # search does not count again while its page is full ("more than 4").
        counts = [q for q in page if "COUNT(" in q]
        if searching and number < len(sql) - 1:
            assert counts == []
        else:
            assert len(counts) == 1 and ("LIMIT 5" if searching else "LIMIT 1001") in counts[0]
        rows = [q for q in page if "COUNT(" not in q and "ORDER BY" in q]
        assert len(rows) == 1 and "LIMIT 5" in rows[0]
        # Only the shown columns: not the form data, nor the applicant's password hash.
        assert '"APPLICATIONS_SUBMISSION"."DATA"' not in rows[0]
        assert "PASSWORD" not in rows[0]
    # Page n costs what page 1 costs (a search's last page: plus its count).
    assert all(len(page) == len(sql[0]) for page in (sql[:-1] if searching else sql))
    if searching:  # "mehr als 4 Anträge"
        assert " 4 " in caption and str(len(want)) not in caption
    else:
        assert str(len(want)) in caption


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
