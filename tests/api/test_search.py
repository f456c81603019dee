"""Ranked search through the API, against the real search backend (SQLite FTS5 or PostgreSQL
full-text search): services are created through the catalogue services, which index them."""

import pytest

from rathaus.catalog import services as catalog_services
from rathaus.core.actors import Actor
from rathaus.municipalities.models import Municipality
from tests.factories import LocalServiceFactory, MunicipalityFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def _service(slug, name_de, name_en, **extra):
    return catalog_services.service_create(
        actor=Actor.system("tests"),
        leika_key=extra.pop("leika_key"),
        slug=slug,
        name_de=name_de,
        name_en=name_en,
        summary_de=extra.pop("summary_de", name_de),
        summary_en=extra.pop("summary_en", name_en),
        description_de=extra.pop("description_de", name_de),
        legal_basis_de="§ 1 Beispielgesetz",
        **extra,
    )


@pytest.fixture
def world(db):
    kreis = MunicipalityFactory(kind=Municipality.Kind.KREIS, slug="kreis", name="Landkreis")
    town = MunicipalityFactory(
        kind=Municipality.Kind.STADT, slug="stadt", name="Stadt", parent=kreis
    )
    elsewhere = MunicipalityFactory(slug="anderswo", name="Anderswo")
    vehicle = _service(
        "fahrzeug-zulassen",
        "Fahrzeug zulassen",
        "Register a vehicle",
        leika_key="99050012104000",
        keywords="Auto, Kfz",
        synonyms="Kennzeichen, Autozulassung",
    )
    parking = _service(
        "bewohnerparkausweis",
        "Bewohnerparkausweis beantragen",
        "Apply for a resident parking permit",
        leika_key="99050008001000",
        keywords="Parken, Auto",
    )
    passport = _service(
        "reisepass", "Reisepass beantragen", "Apply for a passport", leika_key="99106001001000"
    )
    office = OfficeFactory(municipality=kreis, slug="zulassung")
    LocalServiceFactory(municipality=kreis, service=vehicle, responsible_office=office)
    LocalServiceFactory(municipality=town, service=parking)
    LocalServiceFactory(municipality=elsewhere, service=passport)
    return {"kreis": kreis, "town": town}


def url(slug="stadt"):
    return f"/api/v1/municipalities/{slug}/search/"


def result_slugs(response):
    return [hit["slug"] for hit in response.json()["results"]]


def test_best_match_first_with_local_details(api, world):
    response = api.get(url(), {"q": "Kennzeichen"})
    body = response.json()
    assert body["query"] == "Kennzeichen"
    assert result_slugs(response)[0] == "fahrzeug-zulassen"
    first = body["results"][0]
    assert first["responsible_authority"]["slug"] == "kreis"
    assert first["responsible_office"]["slug"] == "zulassung"


def test_matches_a_word_shared_by_several_services(api, world):
    assert set(result_slugs(api.get(url(), {"q": "Auto"}))) == {
        "fahrzeug-zulassen",
        "bewohnerparkausweis",
    }


def test_only_services_relevant_in_the_municipality(api, world):
    assert result_slugs(api.get(url(), {"q": "Reisepass"})) == []
    assert result_slugs(api.get(url("anderswo"), {"q": "Reisepass"})) == ["reisepass"]


def test_english_query_and_texts(api, world):
    response = api.get(url(), {"q": "vehicle"}, lang="en")
    assert result_slugs(response)[0] == "fahrzeug-zulassen"
    assert response.json()["results"][0]["name"] == "Register a vehicle"


def test_limit(api, world):
    assert len(result_slugs(api.get(url(), {"q": "Auto", "limit": 1}))) == 1


@pytest.mark.parametrize(
    ("params", "field"), [({}, "q"), ({"q": ""}, "q"), ({"q": "Auto", "limit": "0"}, "limit")]
)
def test_invalid_query(api, world, params, field):
    body = api.assert_problem(api.get(url(), params), 400, "ValidationProblem")
    assert list(body["errors"]) == [field]


def test_unknown_municipality(api, world):
    api.assert_problem(api.get(url("atlantis"), {"q": "Auto"}), 404)
