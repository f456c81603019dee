import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.municipalities import services
from rathaus.municipalities.models import Municipality
from tests.factories import MunicipalityFactory, OfficeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def _create(**overrides):
    data = {
        "name": "Stadt Düren",
        "slug": "dueren",
        "kind": Municipality.Kind.GROSSE_KREISANGEHOERIGE_STADT,
        "ars": "053580008008",
        "ags": "05358008",
    }
    return services.municipality_create(actor=Actor.system("tests"), **{**data, **overrides})


def test_create_derives_land_and_audits():
    municipality = _create()
    assert municipality.land == "05"
    event = AuditEvent.objects.get(action="municipality.create")
    assert event.object_id == str(municipality.pk)
    assert event.details["ars"] == "053580008008"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ars": "12345"}, "ars"),
        ({"ags": "05358009"}, "ags"),
        ({"ags": "0535"}, "ags"),
        ({"land": "07"}, "land"),
    ],
)
def test_create_rejects_inconsistent_keys(overrides, field):
    with pytest.raises(ValidationError) as exc:
        _create(**overrides)
    assert field in exc.value.message_dict
    assert not Municipality.objects.exists()
    assert not AuditEvent.objects.exists()


def test_hierarchy_rules():
    kreis = _create(
        name="Kreis Cochem-Zell",
        slug="cochem-zell",
        kind=Municipality.Kind.KREIS,
        ars="071350000000",
        ags="",
    )
    vg = _create(
        name="VG Ulmen", slug="vg-ulmen", kind=Municipality.Kind.VERBANDSGEMEINDE,
        ars="071355006000", ags="", parent=kreis,
    )  # fmt: skip
    # A Gemeinde cannot be a parent, a parent must be in the same Land, and no cycles.
    gemeinde = _create(
        name="Ulmen", slug="ulmen", kind=Municipality.Kind.ORTSGEMEINDE, ars="071355006071",
        ags="07135071", parent=vg,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Gemeindeverband"):
        _create(name="X", slug="x", kind=Municipality.Kind.ORTSGEMEINDE, ars="071355006072",
                ags="07135072", parent=gemeinde)  # fmt: skip
    with pytest.raises(ValidationError, match="same Land"):
        _create(parent=kreis)
    with pytest.raises(ValidationError, match="own ancestor"):
        services.municipality_update(actor=Actor.system("tests"), municipality=kreis, parent=vg)


def test_update_records_old_and_new_values_and_skips_no_ops():
    municipality = _create()
    services.municipality_update(
        actor=Actor.system("tests"), municipality=municipality, name="Stadt Düren"
    )
    assert not AuditEvent.objects.filter(action="municipality.update").exists()
    services.municipality_update(
        actor=Actor.system("tests"), municipality=municipality, phone="+49 2421 250"
    )
    event = AuditEvent.objects.get(action="municipality.update")
    assert event.details == {"phone": ["", "+49 2421 250"]}
    municipality.refresh_from_db()
    assert municipality.phone == "+49 2421 250"


def test_office_must_belong_to_parent_municipality():
    office = OfficeFactory()
    other = MunicipalityFactory()
    with pytest.raises(ValidationError, match="same municipality"):
        services.office_create(
            actor=Actor.system("tests"), municipality=other, parent=office, name="Team", slug="team",
            street="A 1", postcode="12345", city="B",
        )  # fmt: skip


def test_opening_hours_replace_pattern_and_validate_order():
    office = OfficeFactory()
    services.office_set_opening_hours(
        actor=Actor.system("tests"),
        office=office,
        intervals=[(0, dt.time(8), dt.time(12)), (0, dt.time(14), dt.time(18))],
    )
    services.office_set_opening_hours(
        actor=Actor.system("tests"), office=office, intervals=[(1, dt.time(8), dt.time(12))]
    )
    assert [(h.weekday, h.opens) for h in office.opening_hours.all()] == [(1, dt.time(8))]
    event = AuditEvent.objects.filter(action="office.opening_hours.set").first()
    assert event.details == {"old": ["0 08:00-12:00", "0 14:00-18:00"], "new": ["1 08:00-12:00"]}
    with pytest.raises(ValidationError):
        services.office_set_opening_hours(
            actor=Actor.system("tests"), office=office, intervals=[(2, dt.time(12), dt.time(8))]
        )
    assert office.opening_hours.count() == 1


def test_opening_exception_needs_times_unless_closed():
    office = OfficeFactory()
    with pytest.raises(ValidationError, match="opening and closing"):
        services.office_add_opening_exception(
            actor=Actor.system("tests"), office=office, date=dt.date(2026, 12, 24), closed=False
        )
    services.office_add_opening_exception(
        actor=Actor.system("tests"), office=office, date=dt.date(2026, 12, 24), closed=True
    )
    assert office.opening_exceptions.count() == 1
