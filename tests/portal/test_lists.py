"""A–Z list, life situations and offices."""

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def get(client, name, *args, language="de"):
    client.cookies["django_language"] = language
    response = client.get(reverse(f"portal:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_a_to_z_groups_by_letter_with_umlauts_under_their_base_letter(client, portal_data):
    html = get(client, "service-list", "musterkreis")
    assert "4 Leistungen für Einwohnerinnen, Einwohner und Unternehmen." in html
    group_a = html[html.index('id="buchstabe-a"') : html.index('id="buchstabe-f"')]
    assert "Änderung der Fahrzeugzulassung" in group_a
    assert '<a href="#buchstabe-h">H</a>' in html
    assert '<span class="letter-nav__empty">B<span class="kern-sr-only"> (keine Einträge)' in html
    assert (
        html.index('id="buchstabe-f"')
        < html.index('id="buchstabe-h"')
        < html.index('id="buchstabe-p"')
    )


def test_a_to_z_in_english_sorts_by_the_english_names(client, portal_data):
    html = get(client, "service-list", "musterkreis", language="en")
    assert html.index("Apply for an identity card") < html.index("Change a vehicle registration")
    assert html.index("Change a vehicle registration") < html.index("Exchange a driving licence")
    assert 'id="buchstabe-r"' in html  # Register a dog


def test_municipality_sees_the_services_of_the_levels_above_it(client, portal_data):
    html = get(client, "service-list", "musterdorf")
    assert "Personalausweis beantragen" in html  # offered by its Verbandsgemeinde
    assert "Führerschein umtauschen" in html  # offered by the Kreis


def test_life_situations_with_their_service_count(client, portal_data):
    html = get(client, "life-situation-list", "musterkreis")
    assert 'href="/musterkreis/lebenslagen/umzug/"' in html
    assert "2 Leistungen" in html
    detail = get(client, "life-situation-detail", "musterkreis", "umzug")
    assert "Was Sie beim Umzug erledigen müssen." in detail
    assert "Hund anmelden" in detail and "Personalausweis beantragen" in detail
    assert "Führerschein" not in detail


def test_life_situation_without_services_here(client, portal_data):
    detail = get(client, "life-situation-detail", "anderswo", "umzug")
    assert "Zu dieser Lebenslage gibt es hier noch keine Leistungen." in detail


def test_office_list_shows_address_and_opening_days(client, portal_data):
    html = get(client, "office-list", "musterland")
    assert 'href="/musterland/aemter/buergerbuero/"' in html
    assert "Marktplatz 1, 56812 Cochem" in html
    assert "Montag, Donnerstag" in html


def test_office_page_shows_hours_exceptions_accessibility_and_services(client, portal_data):
    html = get(client, "office-detail", "musterland", "buergerbuero")
    assert "08:00–12:00, 14:00–16:00" in html
    assert "Abweichende Öffnungszeiten" in html
    assert "geschlossen (Betriebsausflug)" in html
    assert "Zur Barrierefreiheit dieses Gebäudes liegen noch keine Angaben vor." in html
    services = html[html.index("Leistungen dieser Dienststelle") :]
    assert 'href="/musterland/leistungen/personalausweis-beantragen/"' in services
    assert 'href="/musterland/leistungen/hund-anmelden/"' in services


def test_past_opening_exceptions_are_not_shown(client, portal_data):
    portal_data.vg_office.opening_exceptions.create(
        date=dt.date.today() - dt.timedelta(days=3), closed=True, note_de="Vergangen"
    )
    html = get(client, "office-detail", "musterland", "buergerbuero")
    assert "Vergangen" not in html


def test_office_page_in_english(client, portal_data):
    html = get(client, "office-detail", "musterkreis", "strassenverkehrsamt", language="en")
    assert '<h1 class="kern-heading-large">Road traffic office</h1>' in html
    assert "Stufenloser Zugang über den Hof." in html  # no English text: German fallback
