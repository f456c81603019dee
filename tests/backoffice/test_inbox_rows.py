"""The rows of the staff inbox (issue 9 §5, third round): the people and organisation some
rows name are fetched for those rows only (one query per kind present, none when no row has
one, never one per row), and each row links to its application's page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rathaus.cases.models import Case
from rathaus.organisations.models import Organisation
from tests.applications.inbox_data import make_submission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/intern/antraege/"
LINK = re.compile(r'<a class="kern-link" href="([^"]+)">([^<]+)</a></td>')

# office_a and clerk (logged in with MFA): tests/backoffice/conftest.py


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def inbox(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def people_queries(sql: list[str]) -> list[str]:
    """Queries for the rows' principal, assignee or organisation (not the session's user)."""
    return [
        q
        for q in sql
        if q.startswith('SELECT "organisations_organisation"')
        or (q.startswith('SELECT "accounts_user"') and '"accounts_user"."password"' not in q)
    ]


def test_rows_without_principal_or_assignee_need_no_query_for_them(client, clerk, office_a):
    make_submission(office=office_a)
    make_submission(office=office_a)
    client.get(URL)
    html, sql = inbox(client)
    assert people_queries(sql) == []
    assert html.count('<td class="kern-table__cell">–</td>') == 2  # nobody responsible


def test_principal_organisation_and_assignee_are_read_once_per_kind(client, clerk, office_a):
    firm = Organisation.objects.create(name="Muster GmbH", kind=Organisation.Kind.COMPANY)
    represented = UserFactory(first_name="Paula", last_name="Prinzipal")
    made = [make_submission(office=office_a) for _ in range(4)]
    Case.objects.filter(pk=made[0].case_id).update(organisation=firm, assignee=clerk)
    Case.objects.filter(pk=made[1].case_id).update(principal_user=represented)
    client.get(URL)
    html, sql = inbox(client)
    assert "(für Muster GmbH)" in html and "(für Paula Prinzipal)" in html
    assert "Anna Amt" in html  # the assignee
    assert len(people_queries(sql)) == 3  # principal, assignee, organisation
    # More such rows: still one query per kind, no query per row.
    for submission in made[2:]:
        Case.objects.filter(pk=submission.case_id).update(
            organisation=firm, assignee=clerk, principal_user=represented
        )
    html, more = inbox(client)
    assert html.count("(für Muster GmbH)") == 3 and len(more) == len(sql)


def test_each_row_links_to_its_application(client, clerk, office_a):
    made = {s.reference: s for s in (make_submission(office=office_a) for _ in range(3))}
    html, _ = inbox(client)
    links = dict((reference, href) for href, reference in LINK.findall(html))
    assert links == {
        reference: reverse("backoffice:submission-detail", args=[submission.pk])
        for reference, submission in made.items()
    }
