import datetime as dt

import pytest

from rathaus.municipalities.models import Municipality, OpeningException
from tests.factories import MunicipalityFactory, OfficeFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/municipalities/"


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def test_list_is_paginated_and_sorted_by_name(api, district):
    response = api.get(LIST, {"page_size": 2})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["count"] == 5
    assert slugs(response) == ["auderath", "guetersloh"]
    assert body["previous"] is None
    assert body["next"].endswith("/api/v1/municipalities/?page=2&page_size=2")

    last = api.get(LIST, {"page_size": 2, "page": 3})
    assert slugs(last) == ["vg-ulmen"]
    assert last.json()["next"] is None


def test_list_item_fields(api, district):
    item = next(i for i in api.get(LIST).json()["results"] if i["slug"] == "ulmen")
    assert item == {
        "slug": "ulmen",
        "name": "Ulmen",
        "kind": "ortsgemeinde",
        "kind_label": "Ortsgemeinde",
        "land": "07",
        "land_name": "Rheinland-Pfalz",
        "ars": "071355010094",
        "ags": "07135094",
        "parent": "vg-ulmen",
        "has_portal": False,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "ortsgemeinde"}, ["auderath", "ulmen"]),
        ({"land": "05"}, ["guetersloh"]),
        ({"parent": "vg-ulmen"}, ["auderath", "ulmen"]),
        ({"parent": "cochem-zell"}, ["vg-ulmen"]),
        ({"has_portal": "false"}, ["auderath", "ulmen"]),
        ({"has_portal": "true", "land": "07"}, ["cochem-zell", "vg-ulmen"]),
        ({"q": "ulm"}, ["ulmen", "vg-ulmen"]),
        ({"q": "güters"}, ["guetersloh"]),
        ({"parent": "nowhere"}, []),
    ],
)
def test_list_filters(api, district, params, expected):
    assert slugs(api.get(LIST, params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "dorf"}, "kind"),
        ({"land": "17"}, "land"),
        ({"has_portal": "vielleicht"}, "has_portal"),
    ],
)
def test_invalid_filter_is_a_validation_problem(api, district, params, field):
    body = api.assert_problem(api.get(LIST, params), 400, "ValidationProblem")
    assert body["type"] == "about:blank"
    assert body["title"] == "Bad Request"
    assert list(body["errors"]) == [field]


def test_page_out_of_range_is_a_problem(api, district):
    body = api.assert_problem(api.get(LIST, {"page": 9}), 404)
    assert body["title"] == "Not Found"


def test_page_size_is_capped(api, db):
    MunicipalityFactory.create_batch(101)
    assert len(api.get(LIST, {"page_size": 1000}).json()["results"]) == 100


def test_detail(api, district):
    body = api.get(f"{LIST}vg-ulmen/").json()
    assert body["parent"] == "cochem-zell"
    assert body["children"] == ["auderath", "ulmen"]
    assert body["kind"] == "verbandsgemeinde"
    assert body["ars"] == "071355010000"
    assert body["ags"] == ""
    assert body["contact"]["authority_name"] == "Verwaltung Verbandsgemeinde Ulmen"
    kreis = api.get(f"{LIST}cochem-zell/").json()
    assert kreis["parent"] is None
    assert kreis["contact"]["authority_name"] == "Kreisverwaltung Cochem-Zell"
    assert kreis["contact"]["website"] == "https://www.cochem-zell.de"
    assert kreis["contact"]["phone"] == "+49 2671 610"


def test_unknown_municipality_is_a_problem(api, district):
    for path in (f"{LIST}atlantis/", f"{LIST}atlantis/offices/", f"{LIST}atlantis/services/"):
        body = api.assert_problem(api.get(path), 404)
        assert "atlantis" in body["detail"]


def test_offices_list(api, district):
    response = api.get(f"{LIST}cochem-zell/offices/")
    body = response.json()
    assert body["count"] == 1
    office = body["results"][0]
    assert office["slug"] == "zulassungsstelle"
    assert office["name"] == "Zulassungsstelle"
    assert office["municipality"] == "cochem-zell"
    assert office["address"] == {
        "street": "Endertplatz 2",
        "postcode": "56812",
        "city": "Cochem",
        "room": "E 12",
    }
    assert office["opening_hours"] == [
        {
            "weekday": 0,
            "label": "Montag",
            "intervals": [
                {"opens": "08:00", "closes": "12:00", "by_appointment_only": False},
                {"opens": "14:00", "closes": "16:00", "by_appointment_only": False},
            ],
        },
        {
            "weekday": 3,
            "label": "Donnerstag",
            "intervals": [{"opens": "08:00", "closes": "18:00", "by_appointment_only": True}],
        },
    ]
    assert "accessibility" not in office


def test_office_detail_with_upcoming_exceptions_and_accessibility(api, district):
    body = api.get(f"{LIST}cochem-zell/offices/zulassungsstelle/").json()
    assert body["accessibility"] == "Stufenloser Zugang über den Seiteneingang."
    upcoming = dt.date.today() + dt.timedelta(days=7)
    assert body["opening_exceptions"] == [
        {
            "date": upcoming.isoformat(),
            "closed": False,
            "opens": "09:00",
            "closes": "11:00",
            "note": "Betriebsversammlung",
        }
    ]


def test_office_detail_in_english(api, district):
    body = api.get(f"{LIST}cochem-zell/offices/zulassungsstelle/", lang="en").json()
    assert body["name"] == "Vehicle registration office"
    assert body["accessibility"] == "Step-free access through the side entrance."
    assert body["opening_hours"][0]["label"] == "Monday"
    assert body["opening_exceptions"][0]["note"] == "Staff meeting"


def test_office_detail_english_falls_back_to_german(api, district):
    body = api.get(f"{LIST}vg-ulmen/offices/buergerbuero/", lang="en").json()
    assert body["name"] == "Bürgerbüro"
    assert body["accessibility"] == ""
    assert body["opening_exceptions"] == []


def test_office_of_another_municipality_is_not_found(api, district):
    body = api.assert_problem(api.get(f"{LIST}vg-ulmen/offices/zulassungsstelle/"), 404)
    assert "zulassungsstelle" in body["detail"]


def test_closed_exception_has_no_times(api, district):
    OpeningException.objects.create(
        office=district.vg_office, date=dt.date.today() + dt.timedelta(days=1), note_de="Brückentag"
    )
    body = api.get(f"{LIST}vg-ulmen/offices/buergerbuero/").json()
    assert body["opening_exceptions"][0]["closed"] is True
    assert body["opening_exceptions"][0]["opens"] is None


def _municipalities(n):
    parent = MunicipalityFactory(kind=Municipality.Kind.KREIS)
    MunicipalityFactory.create_batch(n, parent=parent)


def test_municipality_list_queries_do_not_grow(
    api, db, count_queries, django_assert_max_num_queries
):
    _municipalities(2)
    with count_queries() as small:
        api.get(LIST)
    _municipalities(15)
    with django_assert_max_num_queries(len(small)):
        assert api.get(LIST).json()["count"] == 19


def _offices(municipality, n):
    for _ in range(n):
        office = OfficeFactory(municipality=municipality)
        OpeningHoursFactory(office=office, weekday=0)
        OpeningHoursFactory(office=office, weekday=2)


def test_office_list_queries_do_not_grow(api, db, count_queries, django_assert_max_num_queries):
    municipality = MunicipalityFactory()
    path = f"{LIST}{municipality.slug}/offices/"
    _offices(municipality, 2)
    with count_queries() as small:
        api.get(path)
    _offices(municipality, 15)
    with django_assert_max_num_queries(len(small)):
        assert api.get(path).json()["count"] == 17
