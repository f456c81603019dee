"""The service page: all catalogue information, the responsible office and how to apply."""

import pytest
from django.urls import reverse

from rathaus.catalog.models import Service
from tests.portal.page_audit import audit_page

pytestmark = pytest.mark.django_db


def detail(client, municipality, service, language="de"):
    client.cookies["django_language"] = language
    response = client.get(reverse("portal:service-detail", args=[municipality.slug, service.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_detail_shows_the_catalogue_information(client, portal_data):
    html = detail(client, portal_data.vg, portal_data.id_card)
    for text in [
        '<h1 class="kern-heading-large">Personalausweis beantragen</h1>',
        "Einen neuen Personalausweis beantragen.",
        "Bürgerinnen und Bürger",  # target group
        "Biometrisches Passfoto",
        "Original",
        "nein, bitte mitbringen",  # not accepted electronically
        "Alter Ausweis",
        "(falls zutreffend)",  # optional document
        "Falls vorhanden",  # document note
        "37,00 €",  # fee from the shared rule
        "Etwa drei bis vier Wochen",
        "Spätestens bei Ablauf des alten Ausweises.",
        "§ 1 Beispielgesetz",
        "Bitte vereinbaren Sie einen Termin.",  # local notes
        "substanziell",  # trust level
        "Stufe 2 von 4",  # OZG maturity
        portal_data.id_card.leika_key,
        'href="/musterland/lebenslagen/umzug/"',
    ]:
        assert text in html, text


def test_detail_shows_the_responsible_office_with_hours(client, portal_data):
    html = detail(client, portal_data.vg, portal_data.id_card)
    section = html[html.index("Zuständige Stelle</h2>") :]
    assert "Verbandsgemeindeverwaltung Musterland" in section
    assert "Bürgerbüro" in section
    assert "Raum E.04" in section
    assert 'href="tel:+492671000"' in section
    assert "08:00–12:00, 14:00–16:00" in section
    assert "Donnerstag" in section
    assert 'href="/musterland/aemter/buergerbuero/"' in section


def test_local_fee_rule_overrides_the_shared_one(client, portal_data):
    offer = portal_data.id_card_offer
    offer.fee_rule = {"kind": "fixed", "amount": 2280, "note_de": "unter 24 Jahren"}
    offer.save(update_fields=["fee_rule"])
    html = detail(client, portal_data.vg, portal_data.id_card)
    assert "22,80 € (unter 24 Jahren)" in html
    assert "37,00 €" not in html


def test_english_page_uses_the_english_texts(client, portal_data):
    html = detail(client, portal_data.vg, portal_data.id_card, language="en")
    assert "Apply for an identity card" in html
    assert "Biometric photo" in html
    assert "€37.00" in html
    assert "Required documents" in html


def test_external_online_service_gets_the_call_to_action(client, portal_data):
    html = detail(client, portal_data.kreis, portal_data.licence)
    assert 'href="https://online.example.org/fuehrerschein"' in html
    assert "Online beantragen" in html
    assert "25,40 € bis 40,00 €" in html


def test_local_online_url_wins_and_local_opt_out_means_in_person(client, portal_data):
    offer = portal_data.licence.local_services.get()
    offer.online_url = "https://kreis.example.org/fuehrerschein"
    offer.save(update_fields=["online_url"])
    html = detail(client, portal_data.kreis, portal_data.licence)
    assert 'href="https://kreis.example.org/fuehrerschein"' in html

    offer.online_available = False
    offer.save(update_fields=["online_available"])
    html = detail(client, portal_data.kreis, portal_data.licence)
    assert "Online beantragen" not in html
    assert "Diese Leistung können Sie nicht online beantragen." in html
    assert "Straßenverkehrsamt" in html


def test_internal_form_is_not_offered_yet(client, portal_data):
    html = detail(client, portal_data.vg, portal_data.id_card)
    assert "Der Online-Antrag in diesem Portal ist noch nicht verfügbar." in html
    assert "persönlich bei der zuständigen Stelle: Bürgerbüro" in html
    assert "Online beantragen" not in html


def test_service_without_online_application(client, portal_data):
    assert portal_data.registration.online_application == Service.OnlineApplication.NONE
    html = detail(client, portal_data.kreis, portal_data.registration)
    assert "Diese Leistung können Sie nicht online beantragen." in html


def test_place_dependent_responsibility_shows_an_inline_finder(client, portal_data):
    # On the Kreis portal the dog licence is offered by one Verbandsgemeinde only.
    html = detail(client, portal_data.kreis, portal_data.dog)
    assert 'class="place-finder" action="/musterkreis/zustaendigkeit/" method="get"' in html
    assert '<input type="hidden" name="leistung" value="hund-anmelden">' in html
    assert 'name="plz"' in html and 'name="ort"' in html
    assert "Welche Stelle zuständig ist, hängt von Ihrem Wohnort ab." in html
    assert "Bürgerbüro" not in html


def test_json_ld_describes_a_government_service(client, portal_data):
    html = detail(client, portal_data.vg, portal_data.id_card)
    (data,) = audit_page(html).json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Personalausweis beantragen"
    assert data["url"] == "http://testserver/musterland/leistungen/personalausweis-beantragen/"
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "LeiKa",
        "value": portal_data.id_card.leika_key,
    }
    assert data["provider"]["@type"] == "GovernmentOrganization"
    assert data["provider"]["name"] == "Verbandsgemeindeverwaltung Musterland"
    assert data["offers"]["price"] == "37.00"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["areaServed"]["identifier"] == "071355001000"
    (channel,) = data["availableChannel"]
    hours = channel["serviceLocation"]["openingHoursSpecification"]
    assert {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:00",
        "closes": "12:00",
    } in hours
    assert len(hours) == 3


def test_json_ld_of_an_online_service_with_a_fee_range(client, portal_data):
    (data,) = audit_page(detail(client, portal_data.kreis, portal_data.licence)).json_ld
    assert data["availableChannel"][0] == {
        "@type": "ServiceChannel",
        "serviceUrl": "https://online.example.org/fuehrerschein",
    }
    assert data["offers"]["priceSpecification"]["minPrice"] == "25.40"
    assert data["offers"]["priceSpecification"]["maxPrice"] == "40.00"


def test_json_ld_cannot_break_out_of_its_script_element(client, portal_data):
    portal_data.id_card.summary_de = "</script><script>alert(1)</script> & Co."
    portal_data.id_card.save(update_fields=["summary_de"])
    html = detail(client, portal_data.vg, portal_data.id_card)
    audit = audit_page(html)
    assert not audit.inline_scripts
    assert audit.json_ld[0]["description"] == "</script><script>alert(1)</script> & Co."
