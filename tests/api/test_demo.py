"""The Zuständigkeit examples of the demo data, asked through the API; and every endpoint
over the whole demo data set, validated against the OpenAPI document."""

import pytest

from rathaus.demo.loader import demo_load
from rathaus.municipalities.models import Municipality, Office

pytestmark = pytest.mark.django_db

URL = "/api/v1/responsibility/"


@pytest.fixture
def demo(db):
    result = demo_load()
    assert result.changed


def authority(api, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()["responsible_authority"]


def test_zustaendigkeit_examples_and_every_endpoint(api, demo):
    """Vehicle registration for an Ortsgemeinde of VG Ulmen → Kreisverwaltung Cochem-Zell;
    residence registration there → VG Ulmen; both in Gütersloh → Stadt Gütersloh. Then every
    endpoint over the demo data."""
    ulmen = {"postcode": "56766", "place_name": "Ulmen"}
    found = authority(api, service="fahrzeug-zulassen", **ulmen)
    assert (found["slug"], found["authority_name"]) == (
        "cochem-zell",
        "Kreisverwaltung Cochem-Zell",
    )
    found = authority(api, service="wohnsitz-anmelden", **ulmen)
    assert (found["slug"], found["authority_name"]) == (
        "vg-ulmen",
        "Verbandsgemeindeverwaltung Ulmen",
    )

    guetersloh = Municipality.objects.get(slug="guetersloh")
    for service in ("fahrzeug-zulassen", "wohnsitz-anmelden"):
        found = authority(api, service=service, ars=guetersloh.ars)
        assert (found["slug"], found["authority_name"]) == (
            "guetersloh",
            "Stadtverwaltung Gütersloh",
        )


def every_endpoint_over_the_demo_data(api):
    """Realistic data (all fee kinds, offices with exceptions, three levels of hierarchy)
    through every operation; `api.get` validates each response against the schema."""

    def ok(path, params=None, lang=""):
        response = api.get(path, params, lang=lang)
        assert response.status_code == 200, (path, response.content)
        return response.json()

    for lang in ("de", "en"):
        ok("/api/v1/municipalities/", {"page_size": 100}, lang)
        for service in ok("/api/v1/services/", {"page_size": 100}, lang)["results"]:
            ok(f"/api/v1/services/{service['slug']}/", lang=lang)
    for municipality in Municipality.objects.filter(has_portal=True):
        base = f"/api/v1/municipalities/{municipality.slug}/"
        ok(base)
        ok(f"{base}offices/", {"page_size": 100})
        assert ok(f"{base}services/", {"page_size": 100})["results"], municipality.slug
        hits = ok(f"{base}search/", {"q": "Reisepass"})["results"]
        assert "reisepass-beantragen" in [hit["slug"] for hit in hits], municipality.slug
    for slug in ("cochem-zell", "ulmen", "guetersloh"):
        base = f"/api/v1/municipalities/{slug}/services/"
        for offer in ok(base, {"page_size": 100})["results"]:
            ok(f"{base}{offer['slug']}/", lang="en")
    for office in Office.objects.select_related("municipality"):
        ok(f"/api/v1/municipalities/{office.municipality.slug}/offices/{office.slug}/")
