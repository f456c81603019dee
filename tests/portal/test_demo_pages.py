"""The portal with the demo data (Düren, Gütersloh, Cochem-Zell).

In German and English: the fixed pages of every portal, and every detail page (services,
offices, life situations) linked from a sample of portals – the Kreis Cochem-Zell and the
city of Düren in German, Düren in English. The demo load is slow, so each test loads it once.
"""

import re
from collections import deque

import pytest
from django.urls import Resolver404, resolve, reverse

from rathaus.municipalities.models import Municipality
from tests.demo.fixtures import demo_data  # noqa: F401
from tests.portal.page_audit import assert_page_is_clean, audit_page

pytestmark = pytest.mark.django_db

FIXED_PAGES = [
    "start",
    "service-list",
    "life-situation-list",
    "office-list",
    "responsibility",
    "imprint",
    "privacy",
    "accessibility",
    "easy-language",
    "sign-language",
]
CRAWLED = {"de": {"cochem-zell", "dueren"}, "en": {"dueren"}}
DETAIL_ROUTES = {"portal:service-detail", "portal:office-detail", "portal:life-situation-detail"}
HREF = re.compile(r'href="(/[^"#?]*)"')


def check(client, url: str, language: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert_page_is_clean(html, language=language)
    return html


def test_demo_portals_render_in_both_languages(client, demo_data):  # noqa: F811
    portals = list(Municipality.objects.filter(has_portal=True).values_list("slug", flat=True))
    assert len(portals) >= 3
    for language, crawled in CRAWLED.items():
        client.cookies["django_language"] = language
        landing = check(client, reverse("portal:landing"), language)
        assert all(f'href="/{slug}/"' in landing for slug in portals)
        seen: set[str] = set()
        queue: deque[str] = deque()
        for slug in portals:
            for name in FIXED_PAGES:
                url = reverse(f"portal:{name}", args=[slug])
                html = check(client, url, language)
                seen.add(url)
                if slug in crawled:
                    queue.extend(HREF.findall(html))
        details = 0
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            try:
                match = resolve(url)
            except Resolver404:
                continue
            if match.view_name in DETAIL_ROUTES and match.kwargs["municipality_slug"] in crawled:
                html = check(client, url, language)
                details += 1
                if match.view_name == "portal:service-detail":
                    (data,) = audit_page(html).json_ld
                    assert data["@type"] == "GovernmentService"
        assert details > 30, language


def test_demo_responsibility_finder(client, demo_data):  # noqa: F811
    url = reverse("portal:responsibility", args=["cochem-zell"])
    html = client.get(url, {"leistung": "wohnsitz-anmelden", "plz": "56759"}).content.decode()
    assert "Für „Wohnsitz anmelden“ in Stadt Kaisersesch ist zuständig: " in html
    assert "Verbandsgemeindeverwaltung Kaisersesch" in html
    # 56814 is shared by Ediger-Eller (VG Cochem) and Landkern (VG Kaisersesch).
    html = client.get(url, {"leistung": "wohnsitz-anmelden", "plz": "56814"}).content.decode()
    assert "Bitte wählen Sie Ihren Ort" in html
    assert "Ediger-Eller" in html and "Landkern" in html
    html = client.get(url, {"leistung": "wohnsitz-anmelden", "plz": "56814", "ort": "Landkern"})
    assert "ist zuständig: Verbandsgemeindeverwaltung Kaisersesch" in html.content.decode()
