"""Read-only checks of the loaded demo data: one load per module (`demo_data_shared`)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from rathaus.catalog.fee_rules import KINDS, fee_compute
from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.catalog.responsibility import PlaceAmbiguous, place_resolve, responsibility_find
from rathaus.catalog.selectors import service_offers
from rathaus.municipalities.models import (
    Municipality,
    Office,
    OpeningException,
    OpeningHours,
    PostalArea,
)

pytestmark = pytest.mark.usefixtures("demo_data_shared", "db")

MODELS = [
    Municipality,
    PostalArea,
    Office,
    OpeningHours,
    OpeningException,
    LifeSituation,
    Service,
    RequiredDocument,
    LocalService,
]


def service(slug: str) -> Service:
    return Service.objects.get(slug=slug)


def test_every_row_passes_full_clean():
    for model in MODELS:
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.full_clean()


# --- Zuständigkeitsfinder ----------------------------------------------------------------------


def test_vehicle_registration_in_an_ortsgemeinde_of_vg_ulmen_is_done_by_the_kreis():
    place = place_resolve(postcode="56766", place_name="Auderath")
    assert place.slug == "auderath"

    result = responsibility_find(service=service("fahrzeug-zulassen"), place=place)

    assert result.local_service.municipality.display_authority == "Kreisverwaltung Cochem-Zell"
    assert result.local_service.responsible_office.slug == "zulassungsstelle"
    assert [m.slug for m in result.searched] == ["auderath", "vg-ulmen", "cochem-zell"]


def test_residence_registration_there_is_done_by_the_verbandsgemeinde():
    place = place_resolve(postcode="56766", place_name="Auderath")

    result = responsibility_find(service=service("wohnsitz-anmelden"), place=place)

    offer = result.local_service
    assert offer.municipality.display_authority == "Verbandsgemeindeverwaltung Ulmen"
    assert (offer.responsible_office.name, offer.responsible_office.street) == (
        "Bürgerbüro",
        "Marktplatz 1",
    )
    assert [m.slug for m in result.searched] == ["auderath", "vg-ulmen"]


@pytest.mark.parametrize("slug", ["fahrzeug-zulassen", "wohnsitz-anmelden"])
def test_in_guetersloh_the_city_does_both(slug):
    place = place_resolve(postcode="33332")

    result = responsibility_find(service=service(slug), place=place)

    assert result.local_service.municipality.display_authority == "Stadtverwaltung Gütersloh"
    assert result.searched == [place]


def test_postcodes_shared_by_several_places_ask_which_one():
    with pytest.raises(PlaceAmbiguous) as within_ulmen:
        place_resolve(postcode="56766")
    assert {m.slug for m in within_ulmen.value.candidates} == {"ulmen", "auderath"}
    # 56814 spans two Verbandsgemeinden.
    with pytest.raises(PlaceAmbiguous) as across_vgs:
        place_resolve(postcode="56814")
    assert {m.slug for m in across_vgs.value.candidates} == {"ediger-eller", "landkern"}
    # An Ortsteil name picks its municipality.
    assert place_resolve(postcode="56766", place_name="Meiserich").slug == "ulmen"


def test_a_service_not_offered_on_the_way_up_is_a_clear_no():
    parking = service("bewohnerparkausweis")

    assert not responsibility_find(service=parking, place=place_resolve(ars="071355003005")).found
    cochem = responsibility_find(service=parking, place=place_resolve(postcode="56812"))
    assert cochem.local_service.municipality.slug == "vg-cochem"


# --- Content ------------------------------------------------------------------------------------


def test_fee_rules_use_every_kind_and_compute():
    rules = [s.fee_rule for s in Service.objects.all()] + [
        o.fee_rule for o in LocalService.objects.all() if o.fee_rule
    ]
    assert {rule["kind"] for rule in rules} == set(KINDS)

    dog_tax = service("hund-anmelden").fee_rule
    assert [fee_compute(dog_tax, {"dogs": n}) for n in (1, 2, 3)] == [9600, 22800, 38400]
    street_use = service("sondernutzungserlaubnis").fee_rule
    assert fee_compute(street_use, {"area": 12, "weeks": 4}) == 7200
    assert fee_compute(street_use, {"area": 1, "weeks": 1}) == 2500
    id_card = service("personalausweis-beantragen").fee_rule
    assert (fee_compute(id_card, {"age": 30}), fee_compute(id_card, {"age": 20})) == (3700, 2280)
    assert fee_compute(service("fischereischein").fee_rule, {"years": 5}) == 7000


def test_local_details_override_the_shared_description():
    registration = service("wohnsitz-anmelden")
    kaisersesch = Municipality.objects.get(slug="kaisersesch")
    ulmen = Municipality.objects.get(slug="ulmen")

    [in_kaisersesch] = service_offers(municipality=kaisersesch, services=[registration])
    [in_ulmen] = service_offers(municipality=ulmen, services=[registration])

    assert not in_kaisersesch.online_available
    assert "Termin" in in_kaisersesch.local_service.local_notes_de
    assert in_ulmen.online_available
    assert in_ulmen.online_url == "https://www.wohnsitzanmeldung.gov.de/"

    certificate = service("meldebescheinigung")
    [in_guetersloh] = service_offers(
        municipality=Municipality.objects.get(slug="guetersloh"), services=[certificate]
    )
    [in_dueren] = service_offers(
        municipality=Municipality.objects.get(slug="dueren"), services=[certificate]
    )
    assert (in_guetersloh.fee_rule["amount"], in_dueren.fee_rule["amount"]) == (1000, 500)


def test_search_relevant_words_are_on_the_services():
    def words(slug: str) -> str:
        s = service(slug)
        return f"{s.keywords}, {s.synonyms}".lower()

    assert {"ummeldung", "umzug", "meldebescheinigung"} <= set(
        w.strip() for w in words("wohnsitz-anmelden").split(",")
    )
    assert {"hundesteuer", "hunde"} <= set(w.strip() for w in words("hund-anmelden").split(","))
    assert {"kfz", "auto", "zulassung"} <= set(
        w.strip() for w in words("fahrzeug-zulassen").split(",")
    )
    assert {"perso", "ausweis"} <= set(
        w.strip() for w in words("personalausweis-beantragen").split(",")
    )
    for s in Service.objects.all():
        assert s.name_en and s.summary_en and s.description_en and s.legal_basis_en, s
        assert s.life_situations.exists(), s


def test_portals_have_contact_details_and_their_own_demo_arms():
    contact_fields = [
        "authority_name",
        "street",
        "postcode",
        "city",
        "phone",
        "email",
        "website",
        "represented_by",
        "supervisory_authority",
        "data_protection_officer",
        "accessibility_contact",
    ]
    portals = Municipality.objects.filter(has_portal=True)
    assert sorted(portals.values_list("slug", flat=True)) == [
        "cochem-zell",
        "dueren",
        "guetersloh",
        "vg-cochem",
        "vg-kaisersesch",
        "vg-ulmen",
        "vg-zell",
    ]
    for municipality in portals:
        for name in contact_fields:
            assert getattr(municipality, name), (municipality, name)
        # Demo mail must never reach a real town hall.
        assert municipality.email.endswith(".example")
        assert municipality.accessibility_contact.endswith(".example")
        path = finders.find(municipality.coat_of_arms)
        assert path, municipality.coat_of_arms
        svg = Path(path).read_text()
        assert "<title" in svg and "NOT the official coat of arms" in svg
    assert not Office.objects.exclude(email="").exclude(email__endswith=".example").exists()
    assert not Municipality.objects.filter(has_portal=False).exclude(coat_of_arms="").exists()
