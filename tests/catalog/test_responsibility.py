import pytest

from rathaus.catalog.responsibility import (
    PlaceAmbiguous,
    PlaceNotFound,
    place_resolve,
    responsibility_find,
)
from tests.factories import LocalServiceFactory, OfficeFactory, ServiceFactory

pytestmark = pytest.mark.usefixtures("in_english")


def test_walks_up_to_the_kreis_for_vehicle_registration(hierarchy, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        result = responsibility_find(service=hierarchy.kfz, place=hierarchy.ortsgemeinde)
        assert result.local_service == hierarchy.kfz_kreis
        assert result.local_service.responsible_office == hierarchy.kreis_office
    assert [m.slug for m in result.searched] == ["ulmen", "vg-u", "kreis"]


def test_stops_at_the_verbandsgemeinde_for_residence_registration(hierarchy):
    result = responsibility_find(service=hierarchy.meldewesen, place=hierarchy.ortsgemeinde)
    assert result.found
    assert result.local_service.municipality == hierarchy.vg


def test_a_stadt_is_responsible_for_both(hierarchy):
    for service in (hierarchy.kfz, hierarchy.meldewesen):
        result = responsibility_find(service=service, place=hierarchy.stadt)
        assert result.local_service.municipality == hierarchy.stadt


def test_lower_offer_overrides_higher_one(hierarchy):
    own = OfficeFactory(municipality=hierarchy.ortsgemeinde)
    LocalServiceFactory(
        municipality=hierarchy.ortsgemeinde, service=hierarchy.kfz, responsible_office=own
    )
    assert (
        responsibility_find(
            service=hierarchy.kfz, place=hierarchy.ortsgemeinde
        ).local_service.responsible_office
        == own
    )
    # The neighbour still goes to the Kreis.
    result = responsibility_find(service=hierarchy.kfz, place=hierarchy.other_ortsgemeinde)
    assert result.local_service == hierarchy.kfz_kreis


def test_nothing_known_is_a_clear_answer(hierarchy):
    result = responsibility_find(service=ServiceFactory(), place=hierarchy.ortsgemeinde)
    assert not result.found
    assert [m.slug for m in result.searched] == ["ulmen", "vg-u", "kreis"]


def test_place_by_ars_postcode_and_name(hierarchy):
    assert place_resolve(ars="071355006071") == hierarchy.ortsgemeinde
    assert place_resolve(postcode="56766", place_name="auderath") == hierarchy.other_ortsgemeinde
    assert place_resolve(postcode=" 33330 ") == hierarchy.stadt
    assert place_resolve(municipality=hierarchy.vg) == hierarchy.vg


def test_ambiguous_postcode_lists_candidates(hierarchy):
    with pytest.raises(PlaceAmbiguous) as exc:
        place_resolve(postcode="56766")
    assert {m.slug for m in exc.value.candidates} == {"ulmen", "auderath"}


@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        ({"ars": "999999999999"}, "No municipality with the key", "ars"),
        ({"postcode": "1234"}, "five digits", "postcode"),
        ({"postcode": "99999"}, "No municipality with the postcode", "postcode"),
        ({}, "Please give", "postcode"),
    ],
)
def test_unknown_places_are_explained(hierarchy, kwargs, message, field):
    from django.utils import translation

    with translation.override("en"), pytest.raises(PlaceNotFound, match=message) as exc:
        place_resolve(**kwargs)
    assert exc.value.field == field
