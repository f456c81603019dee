"""Every portal page renders in German and English and follows the page rules."""

import pytest
from django.urls import reverse

from tests.portal.page_audit import assert_page_is_clean

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]


def portal_urls(data) -> list[str]:
    kreis, vg = data.kreis.slug, data.vg.slug
    return [
        reverse("portal:landing"),
        reverse("portal:start", args=[kreis]),
        reverse("portal:start", args=[vg]),
        reverse("portal:search", args=[kreis]),
        reverse("portal:service-list", args=[kreis]),
        reverse("portal:service-detail", args=[kreis, data.dog.slug]),
        reverse("portal:service-detail", args=[kreis, data.licence.slug]),
        reverse("portal:service-detail", args=[vg, data.id_card.slug]),
        reverse("portal:life-situation-list", args=[kreis]),
        reverse("portal:life-situation-detail", args=[kreis, data.moving.slug]),
        reverse("portal:office-list", args=[vg]),
        reverse("portal:office-detail", args=[vg, data.vg_office.slug]),
        reverse("portal:office-detail", args=[kreis, data.kreis_office.slug]),
        reverse("portal:responsibility", args=[kreis]),
        reverse("portal:responsibility", args=[kreis]) + "?leistung=hund-anmelden&plz=56812",
        reverse("portal:responsibility", args=[kreis]) + "?leistung=hund-anmelden&plz=56999",
        reverse("portal:responsibility", args=[kreis]) + "?leistung=hund-anmelden&ars=071355001001",
        reverse("portal:responsibility", args=[kreis]) + "?leistung=&plz=123",
        reverse("portal:imprint", args=[kreis]),
        reverse("portal:privacy", args=[kreis]),
        reverse("portal:accessibility", args=[kreis]),
        reverse("portal:easy-language", args=[kreis]),
        reverse("portal:sign-language", args=[kreis]),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_and_follows_the_page_rules(client, portal_data, language):
    client.cookies["django_language"] = language
    for url in portal_urls(portal_data):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language
        assert_page_is_clean(response.content.decode(), language=language)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", ["Leistungen A–Z", "Wer ist zuständig?", "Impressum"]),
        ("en", ["Services A–Z", "Who is responsible?", "Legal notice"]),
    ],
)
def test_interface_is_translated(client, portal_data, language, expected):
    client.cookies["django_language"] = language
    html = client.get(reverse("portal:start", args=[portal_data.kreis.slug])).content.decode()
    for text in expected:
        assert text in html


def test_municipality_pages_link_the_required_pages_in_the_footer(client, portal_data):
    slug = portal_data.vg.slug
    html = client.get(reverse("portal:office-list", args=[slug])).content.decode()
    footer = html[html.index("<footer") :]
    for name in ["imprint", "privacy", "accessibility", "easy-language", "sign-language"]:
        assert f'href="{reverse(f"portal:{name}", args=[slug])}"' in footer
    assert f'href="{reverse("portal:start", args=[portal_data.kreis.slug])}"' in footer


def test_municipality_branding_accent_and_coat_of_arms(client, portal_data):
    portal_data.vg.coat_of_arms = "demo/wappen/musterland.svg"
    portal_data.vg.save(update_fields=["coat_of_arms"])
    html = client.get(reverse("portal:start", args=[portal_data.vg.slug])).content.decode()
    assert '<body class="accent-teal">' in html
    assert 'src="/static/demo/wappen/musterland.svg"' in html
    kreis = client.get(reverse("portal:start", args=[portal_data.kreis.slug])).content.decode()
    assert '<body class="accent-green">' in kreis
    assert "/static/portal/img/wappen-platzhalter.svg" in kreis


def test_navigation_marks_the_current_section(client, portal_data):
    slug = portal_data.kreis.slug
    html = client.get(reverse("portal:service-detail", args=[slug, "hund-anmelden"])).content
    assert (
        f'href="{reverse("portal:service-list", args=[slug])}" aria-current="true"'.encode() in html
    )
    html = client.get(reverse("portal:office-list", args=[slug])).content
    assert (
        f'href="{reverse("portal:office-list", args=[slug])}" aria-current="page"'.encode() in html
    )


@pytest.mark.parametrize(
    "path",
    [
        "/gibt-es-nicht/",
        "/beispielhausen/",  # a municipality without its own portal
        "/musterland/leistungen/fuehrerschein-gibt-es-nicht/",
        "/musterland/aemter/strassenverkehrsamt/",  # an office of another municipality
        "/musterkreis/lebenslagen/unbekannt/",
    ],
)
def test_unknown_things_are_a_friendly_404(client, portal_data, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html
    assert_page_is_clean(html, language="de")


def test_service_outside_the_municipalitys_scope_is_404(client, portal_data):
    # Anderswo neither offers the dog licence nor lies below an offering municipality.
    response = client.get(reverse("portal:service-detail", args=["anderswo", "hund-anmelden"]))
    assert response.status_code == 404


def test_pages_refuse_unsafe_methods(client, portal_data):
    response = client.post(reverse("portal:service-list", args=[portal_data.kreis.slug]))
    assert response.status_code == 405


def test_csp_header_forbids_inline_code(client, portal_data):
    response = client.get(reverse("portal:start", args=[portal_data.kreis.slug]))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp


def test_server_error_page_needs_no_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Technische Störung" in html
    assert_page_is_clean(html, language="de")
