"""Zuständigkeitsfinder: form, results, ambiguity and the clear answer when nothing is known."""

import pytest
from django.urls import reverse

from tests.portal.page_audit import assert_page_is_clean

pytestmark = pytest.mark.django_db


def find(client, data, **params):
    response = client.get(reverse("portal:responsibility", args=[data.kreis.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_empty_form_shows_no_result_and_no_errors(client, portal_data):
    html = find(client, portal_data)
    assert 'name="leistung"' in html
    assert "error-summary" not in html
    assert "Ergebnis" not in html
    # The services of the Kreis and of the municipalities below it, sorted with "Ä" under A.
    options = html[html.index('name="leistung"') : html.index("</select>")]
    assert options.index("Änderung der Fahrzeugzulassung") < options.index("Führerschein")
    assert "Hund anmelden" in options


def test_postcode_of_one_place_finds_the_office(client, portal_data):
    html = find(client, portal_data, leistung="hund-anmelden", plz="56812", ort="Musterdorf")
    assert "Für „Hund anmelden“ in Musterdorf ist zuständig: " in html
    assert "Verbandsgemeindeverwaltung Musterland" in html
    assert "Bürgerbüro" in html
    assert "08:00–12:00, 14:00–16:00" in html
    assert 'href="/musterland/aemter/buergerbuero/"' in html
    assert 'href="/musterkreis/leistungen/hund-anmelden/"' in html


def test_ars_finds_the_office_of_a_higher_level(client, portal_data):
    html = find(client, portal_data, leistung="fuehrerschein-umtauschen", ars="071355001001")
    assert "ist zuständig: Kreisverwaltung Musterkreis" in html
    assert "Straßenverkehrsamt" in html


def test_ambiguous_postcode_offers_the_candidate_places(client, portal_data):
    html = find(client, portal_data, leistung="hund-anmelden", plz="56812")
    assert "Bitte wählen Sie Ihren Ort" in html
    assert "Zur Postleitzahl 56812 gehören mehrere Orte." in html
    assert 'type="radio" name="ars" id="place-071355001001" value="071355001001"' in html
    assert 'value="071355001002"' in html
    assert '<input type="hidden" name="leistung" value="hund-anmelden">' in html
    assert "ist zuständig:" not in html
    assert_page_is_clean(html, language="de")


def test_nothing_known_says_so_and_lists_the_searched_levels(client, portal_data):
    html = find(client, portal_data, leistung="hund-anmelden", plz="56999")
    assert (
        "Uns ist nicht bekannt, welche Stelle für „Hund anmelden“ in Fernheim zuständig ist."
        in html
    )
    levels = html[html.index("Verwaltungsebenen durchsucht") :]
    assert (
        levels.index("Fernheim (Ortsgemeinde)")
        < levels.index("Verbandsgemeinde Anderswo (Verbandsgemeinde)")
        < levels.index("Kreis Musterkreis (Kreis)")
    )
    assert "Bitte wenden Sie sich an: Kreisverwaltung Musterkreis." in html
    assert 'href="tel:+492671610"' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"leistung": "", "plz": "56812"}, "id_leistung", "Bitte wählen Sie eine Leistung aus."),
        (
            {"leistung": "gibt-es-nicht", "plz": "56812"},
            "id_leistung",
            "Bitte wählen Sie eine Leistung aus der Liste.",
        ),
        (
            {"leistung": "hund-anmelden", "plz": "123"},
            "id_plz",
            "Eine Postleitzahl hat genau fünf Ziffern, z. B. 56812.",
        ),
        (
            {"leistung": "hund-anmelden"},
            "id_plz",
            "Bitte geben Sie eine Postleitzahl oder einen Amtlichen Regionalschlüssel ein.",
        ),
        (
            {"leistung": "hund-anmelden", "plz": "99999"},
            "id_plz",
            "Zur Postleitzahl 99999 ist hier keine Kommune bekannt.",
        ),
        (
            {"leistung": "hund-anmelden", "ars": "0713"},
            "id_ars",
            "Der ARS muss genau 12 Ziffern haben",
        ),
        (
            {"leistung": "hund-anmelden", "ars": "071359999999"},
            "id_ars",
            "Es ist keine Kommune mit dem Schlüssel 071359999999 bekannt.",
        ),
    ],
)
def test_invalid_input_is_explained_at_the_field_and_in_the_summary(
    client, portal_data, params, field, message
):
    html = find(client, portal_data, **params)
    assert "<title>Fehler: Wer ist zuständig?" in html
    start = html.index('id="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert f'<a href="#{field}">{message}' in summary
    assert f'id="{field}_error"' in html
    control = html[html.index(f'id="{field}"') - 400 : html.index(f'id="{field}"')]
    assert 'aria-invalid="true"' in control
    assert f"{field}_error" in control  # aria-describedby
    assert "Ergebnis" not in html
    assert_page_is_clean(html, language="de")


def test_entered_values_are_kept_after_an_error(client, portal_data):
    html = find(client, portal_data, leistung="hund-anmelden", plz="5681", ort="Musterdorf")
    assert '<option value="hund-anmelden" selected>' in html
    assert 'value="5681"' in html
    assert 'value="Musterdorf"' in html


def test_english_result(client, portal_data):
    client.cookies["django_language"] = "en"
    html = find(client, portal_data, leistung="hund-anmelden", plz="56999")
    assert "We do not know which office is responsible for “Register a dog” in Fernheim." in html
