import pytest

from tests.factories import PostalAreaFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/responsibility/"


def find(api, **params):
    return api.get(URL, params)


def test_vehicle_registration_in_an_ortsgemeinde_is_the_kreis(api, district):
    body = find(api, service="fahrzeug-zulassen", ars=district.ortsgemeinde.ars).json()
    assert body["service"] == {"slug": "fahrzeug-zulassen", "name": "Fahrzeug zulassen"}
    assert body["place"]["slug"] == "ulmen"
    assert body["responsible_authority"]["slug"] == "cochem-zell"
    assert body["responsible_authority"]["authority_name"] == "Kreisverwaltung Cochem-Zell"
    assert body["contact"]["phone"] == "+49 2671 610"
    office = body["responsible_office"]
    assert office["slug"] == "zulassungsstelle"
    assert office["address"]["street"] == "Endertplatz 2"
    assert [day["weekday"] for day in office["opening_hours"]] == [0, 3]
    assert body["searched"] == ["ulmen", "vg-ulmen", "cochem-zell"]
    assert body["fee"]["rule"] == {"kind": "fixed", "amount": 2770}


def test_residence_registration_by_postcode_and_place_is_the_vg(api, district):
    body = find(api, service="wohnsitz-anmelden", postcode="56766", place_name="Auderath").json()
    assert body["place"]["slug"] == "auderath"
    assert body["responsible_authority"]["slug"] == "vg-ulmen"
    assert body["responsible_office"]["slug"] == "buergerbuero"
    assert body["local_notes"] == "Bitte Termin vereinbaren."
    assert body["fee"]["rule"]["amount"] == 1200  # the VG's own fee
    assert body["searched"] == ["auderath", "vg-ulmen"]


def test_by_municipality_slug(api, district):
    body = find(api, service="fahrzeug-zulassen", municipality="vg-ulmen").json()
    assert body["responsible_authority"]["slug"] == "cochem-zell"


def test_in_english(api, district):
    body = api.get(URL, {"service": "wohnsitz-anmelden", "municipality": "ulmen"}, lang="en").json()
    assert body["service"]["name"] == "Register your residence"
    assert body["local_notes"] == "Please book an appointment."
    assert body["responsible_office"]["opening_hours"][0]["label"] == "Tuesday"


def test_ambiguous_postcode_lists_the_candidates(api, district):
    body = api.assert_problem(
        find(api, service="wohnsitz-anmelden", postcode="56766"), 409, "AmbiguousPlaceProblem"
    )
    assert body["type"] == "urn:rathaus:problem:place-ambiguous"
    assert [c["slug"] for c in body["candidates"]] == ["auderath", "ulmen"]
    assert body["candidates"][1] == {
        "slug": "ulmen",
        "name": "Ulmen",
        "kind": "ortsgemeinde",
        "ars": "071355010094",
    }


def test_unknown_place_name_with_a_known_postcode_is_still_ambiguous(api, district):
    body = api.assert_problem(
        find(api, service="wohnsitz-anmelden", postcode="56766", place_name="Nirgendwo"),
        409,
        "AmbiguousPlaceProblem",
    )
    assert len(body["candidates"]) == 2


def test_postcode_of_one_municipality_is_not_ambiguous(api, district):
    PostalAreaFactory(municipality=district.stadt, postcode="33330", place_name="Gütersloh")
    response = find(api, service="fahrzeug-zulassen", postcode="33330")
    body = api.assert_problem(response, 404, "ResponsibilityNotFoundProblem")
    assert body["place"] == "guetersloh"


@pytest.mark.parametrize(
    "params",
    [{"ars": "099999999999"}, {"postcode": "99999"}, {"municipality": "atlantis"}],
)
def test_unknown_place(api, district, params):
    response = api.get(URL, {"service": "fahrzeug-zulassen", **params}, lang="en")
    body = api.assert_problem(response, 404, "ResponsibilityNotFoundProblem")
    assert "searched" not in body
    assert body["type"] == "urn:rathaus:problem:place-not-found"
    assert body["title"] == "Place not found"


def test_nobody_responsible(api, district):
    body = api.assert_problem(
        find(api, service="hundesteuer", municipality="auderath"),
        404,
        "ResponsibilityNotFoundProblem",
    )
    assert body["type"] == "urn:rathaus:problem:responsibility-unknown"
    assert body["service"] == "hundesteuer"
    assert body["searched"] == ["auderath", "vg-ulmen", "cochem-zell"]
    assert "Auderath" in body["detail"]


def test_unknown_service(api, district):
    body = api.assert_problem(find(api, service="raumschiff", municipality="ulmen"), 404)
    assert body["type"] == "about:blank"
    assert "raumschiff" in body["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "ulmen"}, "service"),
        ({"service": "wohnsitz-anmelden"}, "non_field_errors"),
        (
            {"service": "wohnsitz-anmelden", "municipality": "ulmen", "ars": "071355010094"},
            "non_field_errors",
        ),
        ({"service": "wohnsitz-anmelden", "postcode": "5676"}, "postcode"),
        ({"service": "wohnsitz-anmelden", "ars": "07135"}, "ars"),
        (
            {"service": "wohnsitz-anmelden", "municipality": "ulmen", "place_name": "Ulmen"},
            "place_name",
        ),
    ],
)
def test_invalid_parameters(api, district, params, field):
    body = api.assert_problem(find(api, **params), 400, "ValidationProblem")
    assert list(body["errors"]) == [field]
