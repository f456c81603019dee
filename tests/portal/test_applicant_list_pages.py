"""The applicant's list of submitted applications ("Mein Bereich", /antraege/) by keyset
pages: newest first, every submission once with equal timestamps, their own and those made for
them (proxy) merged, no OFFSET or COUNT, only the shown columns, a tampered page link falls
back to the first page."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rathaus.applications.models import Submission
from rathaus.applications.submissions import submission_create
from rathaus.core.actors import Actor
from rathaus.portal import application_views
from tests.cases.list_data import copy_submissions
from tests.factories import DraftFactory, UserFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<th class="kern-table__header" scope="row"><a class="kern-link" href="[^"]+">([^<]+)</a>'
)
NEXT = re.compile(r'rel="next" href="([^"]+)"')


@pytest.fixture(autouse=True)
def small_pages(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(application_views, "SUBMISSION_PAGE_SIZE", 3)


@pytest.fixture
def citizen(client):
    user = UserFactory(last_name="Mustermann")
    client.force_login(user)
    return user


@pytest.fixture
def references(citizen):
    """The citizen's 11 submissions (one real, ten copies, five in the same second) and someone
    else's; the citizen's references newest first."""
    draft = DraftFactory(applicant=citizen)
    first = submission_create(draft=draft, actor=Actor.person(citizen))
    base = timezone.now().replace(microsecond=0)
    copy_submissions(
        first, 10, opened_at=lambda n: base - dt.timedelta(days=1, minutes=0 if n < 5 else n)
    )
    other = DraftFactory()
    submission_create(draft=other, actor=Actor.person(other.applicant))
    # Some were made for the citizen by someone else (proxy), some of them in the second that
    # five share; one names the citizen as both (it is listed once).
    copies = Submission.objects.filter(applicant=citizen).order_by("reference")
    proxied = [s.pk for s in copies[1:4]] + [s.pk for s in copies[8:9]]
    Submission.objects.filter(pk__in=proxied).update(
        applicant=other.applicant, principal_user=citizen
    )
    Submission.objects.filter(pk=copies[6].pk).update(principal_user=citizen)
    return list(
        Submission.objects.filter(Q(applicant=citizen) | Q(principal_user=citizen))
        .order_by("-submitted_at", "-id")
        .values_list("reference", flat=True)
    )


def test_pages_cover_every_submission_once_newest_first(client, citizen, references):
    url: str | None = reverse("apply:overview")
    client.get(url)  # warm up session and caches
    seen: list[str] = []
    sizes = []
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        seen += ROW.findall(page)
        lists = [
            q["sql"].upper()
            for q in queries
            if 'FROM "APPLICATIONS_SUBMISSION"' in q["sql"].upper()
        ]
        # One query per branch (as applicant, as principal), each a page from its index.
        assert len(lists) == 2 and all("LIMIT 4" in sql for sql in lists)
        assert all("OFFSET" not in sql and "COUNT(" not in sql for sql in lists)
        assert all('"APPLICATIONS_SUBMISSION"."DATA"' not in sql for sql in lists)
        sizes.append(len(queries))
        found = NEXT.search(page)
        url = reverse("apply:overview") + html.unescape(found.group(1)) if found else None
    assert seen == references and len(seen) == 11
    assert len(set(sizes)) == 1  # the last page costs what the first costs


def test_a_tampered_page_link_shows_the_first_page(client, citizen, references):
    response = client.get(reverse("apply:overview"), {"cursor": "forged:signature"})
    assert response.status_code == 200
    assert ROW.findall(response.content.decode()) == references[:3]
