"""The language switch is a plain form (works without JavaScript) that keeps the current page."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_offers_the_other_language_with_the_current_path(client, portal_data):
    page = reverse("portal:responsibility", args=[portal_data.kreis.slug]) + "?plz=56812"
    html = client.get(page).content.decode()
    switch = html[
        html.index('class="language-switch"') : html.index(
            "</form>", html.index('class="language-switch"')
        )
    ]
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in switch
    assert 'name="next" value="/musterkreis/zustaendigkeit/?plz=56812"' in switch
    assert 'name="language" value="en"' in switch
    assert '<span lang="en">English</span>' in switch
    assert 'value="de"' not in switch


def test_switching_to_english_and_back(client, portal_data):
    page = reverse("portal:office-list", args=[portal_data.vg.slug])
    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get(page).content.decode()
    assert '<html lang="en">' in html
    assert "Offices and opening hours" in html
    assert '<span lang="de">Deutsch</span>' in html

    client.post(reverse("set_language"), {"language": "de", "next": page})
    html = client.get(page).content.decode()
    assert '<html lang="de">' in html
    assert "Ämter und Öffnungszeiten" in html


def test_switch_refuses_to_redirect_to_another_site(client, portal_data):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_browser_language_is_honoured_without_a_choice(client, portal_data):
    page = reverse("portal:start", args=[portal_data.kreis.slug])
    assert '<html lang="en">' in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in client.get(page).content.decode()


def test_easy_language_content_stays_german_in_the_english_interface(client, portal_data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(
        reverse("portal:easy-language", args=[portal_data.kreis.slug])
    ).content.decode()
    assert '<html lang="en">' in html
    assert '<div class="easy-language kern-stack" lang="de">' in html
    assert "Das ist die Internet-Seite von: Kreisverwaltung Musterkreis." in html
    assert "This page is written in Leichte Sprache" in html
