import pytest
from django.utils import translation

from rathaus.catalog.fee_display import fee_describe
from rathaus.catalog.models import Service
from tests.factories import (
    LifeSituationFactory,
    LocalServiceFactory,
    MunicipalityFactory,
    RequiredDocumentFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/services/"


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def test_shared_list(api, district):
    response = api.get(SERVICES)
    assert slugs(response) == ["fahrzeug-zulassen", "hundesteuer", "wohnsitz-anmelden"]
    vehicle = response.json()["results"][0]
    assert vehicle == {
        "slug": "fahrzeug-zulassen",
        "leika_key": district.vehicle_registration.leika_key,
        "name": "Fahrzeug zulassen",
        "summary": "Ein Fahrzeug anmelden.",
        "target_group": "both",
        "ozg_maturity": 3,
        "min_trust_level": "substantial",
        "online_application": "external",
        "life_situations": ["auto"],
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"target_group": "both"}, ["fahrzeug-zulassen"]),
        ({"life_situation": "umzug"}, ["wohnsitz-anmelden"]),
        ({"ozg_maturity": "2"}, ["wohnsitz-anmelden"]),
        ({"min_trust_level": "substantial"}, ["fahrzeug-zulassen"]),
        ({"q": "zulassen"}, ["fahrzeug-zulassen"]),
        ({"q": "vehicle"}, ["fahrzeug-zulassen"]),
        ({"q": "kennzeichen"}, ["fahrzeug-zulassen"]),
        ({"q": "anmelden hund"}, ["hundesteuer"]),
        ({"q": "anmelden"}, ["fahrzeug-zulassen", "hundesteuer", "wohnsitz-anmelden"]),
        ({"q": "Raumschiff"}, []),
    ],
)
def test_shared_list_filters(api, district, params, expected):
    assert slugs(api.get(SERVICES, params)) == expected


@pytest.mark.parametrize(
    "params", [{"ozg_maturity": "5"}, {"target_group": "aliens"}, {"min_trust_level": "x"}]
)
def test_shared_list_invalid_filter(api, district, params):
    body = api.assert_problem(api.get(SERVICES, params), 400, "ValidationProblem")
    assert list(body["errors"]) == list(params)


def test_shared_list_in_english(api, district):
    vehicle = api.get(SERVICES, lang="en").json()["results"][0]
    assert vehicle["name"] == "Register a vehicle"
    assert vehicle["summary"] == "Register a vehicle."


def test_shared_detail(api, district):
    body = api.get(f"{SERVICES}fahrzeug-zulassen/").json()
    assert body["description"] == "Sie melden Ihr Fahrzeug an."
    assert body["legal_basis"] == "§ 1 Beispielgesetz"
    assert body["online_url"] == "https://ikfz.example.org/"
    assert body["fee"] == {"rule": {"kind": "fixed", "amount": 2770}, "text": "27,70 €"}
    assert [d["name"] for d in body["required_documents"]] == [
        "Personalausweis",
        "Zulassungsbescheinigung Teil II",
    ]
    assert body["life_situations"] == [{"slug": "auto", "name": "Auto und Verkehr"}]


def test_shared_detail_in_english(api, district):
    body = api.get(f"{SERVICES}fahrzeug-zulassen/", lang="en").json()
    assert body["description"] == "You register your vehicle."
    assert body["legal_basis"] == "§ 1 Beispielgesetz"  # no English text: German fallback
    assert body["fee"]["text"] == "€27.70"
    assert body["required_documents"][0]["name"] == "Identity card"
    assert body["life_situations"] == [{"slug": "auto", "name": "Car and traffic"}]


def test_response_language_headers(api, district):
    english = api.get(SERVICES, lang="en")
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]  # caches must keep the languages apart
    assert api.get(SERVICES)["Content-Language"] == "de"


def test_shared_detail_unknown(api, district):
    body = api.assert_problem(api.get(f"{SERVICES}raumschiff-anmelden/"), 404)
    assert "raumschiff-anmelden" in body["detail"]


def _services(n):
    situations = LifeSituationFactory.create_batch(2)
    for service in ServiceFactory.create_batch(n):
        service.life_situations.set(situations)
        RequiredDocumentFactory(service=service)


def test_shared_list_queries_do_not_grow(api, db, count_queries, django_assert_max_num_queries):
    _services(2)
    with count_queries() as small:
        api.get(SERVICES)
    _services(15)
    with django_assert_max_num_queries(len(small)):
        assert api.get(SERVICES).json()["count"] == 17


# --- per municipality, local details applied ---


def local(slug):
    return f"/api/v1/municipalities/{slug}/services/"


def test_municipality_list_applies_the_offer_from_above(api, district):
    """In an Ortsgemeinde: vehicle registration by the Kreis, residence by the VG with its fee."""
    response = api.get(local("ulmen"))
    by_slug = {item["slug"]: item for item in response.json()["results"]}
    assert list(by_slug) == ["fahrzeug-zulassen", "hundesteuer", "wohnsitz-anmelden"]

    vehicle = by_slug["fahrzeug-zulassen"]
    assert vehicle["depends_on_place"] is False
    assert vehicle["responsible_authority"] == {
        "slug": "cochem-zell",
        "name": "Landkreis Cochem-Zell",
        "kind": "kreis",
        "ars": "071350000000",
        "authority_name": "Kreisverwaltung Cochem-Zell",
    }
    assert vehicle["responsible_office"]["slug"] == "zulassungsstelle"
    assert vehicle["responsible_office"]["municipality"] == "cochem-zell"
    assert vehicle["online_available"] is True
    assert vehicle["online_url"] == "https://ikfz.example.org/"
    assert vehicle["fee"]["text"] == "27,70 €"

    residence = by_slug["wohnsitz-anmelden"]
    assert residence["responsible_authority"]["slug"] == "vg-ulmen"
    assert residence["fee"] == {
        "rule": {
            "kind": "fixed",
            "amount": 1200,
            "note_de": "Gebühr der VG",
            "note_en": "Fee of the VG",
        },
        "text": "12,00 € (Gebühr der VG)",
    }
    assert residence["online_application"] == "internal"
    assert residence["online_available"] is False  # the VG switched it off


def test_municipality_list_of_the_kreis_marks_services_offered_below(api, district):
    by_slug = {item["slug"]: item for item in api.get(local("cochem-zell")).json()["results"]}
    assert by_slug["fahrzeug-zulassen"]["depends_on_place"] is False
    residence = by_slug["wohnsitz-anmelden"]
    assert residence["depends_on_place"] is True
    assert residence["responsible_authority"] is None
    assert residence["responsible_office"] is None
    with translation.override("de"):
        shared_text = fee_describe({"kind": "free"}, "de")
    assert residence["fee"] == {"rule": {"kind": "free"}, "text": shared_text}  # the shared rule


def test_municipality_list_filter_by_life_situation(api, district):
    assert slugs(api.get(local("ulmen"), {"life_situation": "umzug"})) == ["wohnsitz-anmelden"]
    api.assert_problem(api.get(local("ulmen"), {"life_situation": "weltreise"}), 404)
    api.assert_problem(
        api.get(local("ulmen"), {"life_situation": "kein slug"}), 400, "ValidationProblem"
    )


def test_municipality_list_is_paginated(api, district):
    body = api.get(local("ulmen"), {"page_size": 2, "page": 2}).json()
    assert body["count"] == 3
    assert [item["slug"] for item in body["results"]] == ["wohnsitz-anmelden"]


def test_municipality_without_offers_has_none(api, district):
    assert api.get(local("guetersloh")).json()["count"] == 0


def test_municipality_detail_with_local_notes(api, district):
    body = api.get(f"{local('auderath')}wohnsitz-anmelden/").json()
    assert body["local_notes"] == "Bitte Termin vereinbaren."
    assert body["responsible_office"]["name"] == "Bürgerbüro"
    assert body["life_situations"] == [{"slug": "umzug", "name": "Umzug"}]
    assert body["ozg_maturity"] == 2
    assert body["min_trust_level"] == "low"

    english = api.get(f"{local('auderath')}wohnsitz-anmelden/", lang="en").json()
    assert english["local_notes"] == "Please book an appointment."
    assert english["fee"]["text"] == "€12.00 (Fee of the VG)"
    assert english["name"] == "Register your residence"


def test_municipality_detail_documents_in_order(api, district):
    body = api.get(f"{local('ulmen')}fahrzeug-zulassen/").json()
    assert body["required_documents"] == [
        {
            "name": "Personalausweis",
            "note": "",
            "form": "copy",
            "electronic_accepted": True,
            "mandatory": True,
        },
        {
            "name": "Zulassungsbescheinigung Teil II",
            "note": "",
            "form": "copy",
            "electronic_accepted": True,
            "mandatory": True,
        },
    ]
    assert body["local_notes"] == ""


def test_municipality_detail_not_offered_there(api, district):
    body = api.assert_problem(api.get(f"{local('guetersloh')}fahrzeug-zulassen/"), 404)
    assert "Gütersloh" in body["detail"]


def test_dog_tax_offered_by_one_ortsgemeinde_is_not_offered_in_the_other(api, district):
    api.assert_problem(api.get(f"{local('auderath')}hundesteuer/"), 404)
    assert (
        api.get(f"{local('ulmen')}hundesteuer/").json()["responsible_authority"]["slug"] == "ulmen"
    )


def _offers(municipality, n):
    for offer in LocalServiceFactory.create_batch(n, municipality=municipality):
        offer.service.life_situations.set(LifeSituationFactory.create_batch(1))


def test_municipality_list_queries_do_not_grow(
    api, db, count_queries, django_assert_max_num_queries
):
    kreis = MunicipalityFactory(kind="kreis")
    town = MunicipalityFactory(parent=kreis)
    _offers(kreis, 2)
    _offers(town, 1)
    path = local(town.slug)
    with count_queries() as small:
        api.get(path)
    _offers(kreis, 12)
    _offers(town, 6)
    with django_assert_max_num_queries(len(small)):
        assert api.get(path, {"page_size": 100}).json()["count"] == 21
    assert Service.objects.count() == 21
