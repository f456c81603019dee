"""Service search page (catalog.selectors.service_search behind it)."""

import pytest
from django.urls import reverse

from rathaus.catalog.search import search_index_rebuild
from tests.portal.page_audit import assert_page_is_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(portal_data):
    search_index_rebuild()
    return portal_data


def search(client, slug, query, language="de"):
    client.cookies["django_language"] = language
    response = client.get(reverse("portal:search", args=[slug]), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_services_of_the_municipality(client, indexed):
    html = search(client, "musterkreis", "Hund")
    assert 'href="/musterkreis/leistungen/hund-anmelden/"' in html
    assert "1 Treffer für „Hund“" in html
    assert 'value="Hund"' in html
    assert "<title>Suchergebnisse für „Hund“" in html
    assert_page_is_clean(html, language="de")


def test_search_is_limited_to_the_municipalitys_services(client, indexed):
    html = search(client, "anderswo", "Hund")
    assert "hund-anmelden" not in html
    assert "0 Treffer für „Hund“" in html
    assert "Keine passende Leistung gefunden" in html
    assert 'href="/anderswo/leistungen/"' in html  # way out: the A–Z list


def test_search_in_english(client, indexed):
    html = search(client, "musterkreis", "driving licence", language="en")
    assert 'href="/musterkreis/leistungen/fuehrerschein-umtauschen/"' in html
    assert "Exchange a driving licence" in html


def test_empty_query_asks_for_a_term(client, indexed):
    html = search(client, "musterkreis", "   ")
    assert "Geben Sie einen Begriff ein" in html
    assert "Treffer" not in html


def test_markup_in_the_query_is_escaped(client, indexed):
    html = search(client, "musterkreis", '<img src=x onerror="alert(1)">')
    assert "<img src=x" not in html
    assert_page_is_clean(html, language="de")


def test_live_search_is_only_an_enhancement_of_a_plain_get_form(client, indexed):
    html = search(client, "musterkreis", "Hund")
    start = html.index('<form class="search-form"')
    form = html[start : html.index("\n", start)]  # the opening tag is one line
    assert 'action="/musterkreis/suche/" method="get"' in form
    assert 'hx-get="/musterkreis/suche/"' in form
    assert 'hx-select="#search-results > *"' in form
    # The count is announced from a live region outside the swapped results.
    assert '<p id="search-count" class="kern-body search-count" aria-live="polite">' in html
    start = client.get(reverse("portal:start", args=["musterkreis"])).content.decode()
    assert "hx-get" not in start
