import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command

from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.core.models import AuditEvent
from rathaus.demo.data import local_services as local_service_data
from rathaus.demo.loader import demo_load
from rathaus.municipalities.models import (
    Municipality,
    Office,
    OpeningException,
    OpeningHours,
    PostalArea,
)

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


def test_load_creates_municipalities_offices_and_services(demo_data):
    assert Counter(Municipality.objects.values_list("kind", flat=True)) == {
        "grosse_kreisangehoerige_stadt": 2,
        "kreis": 1,
        "verbandsgemeinde": 4,
        "ortsgemeinde": 13,
    }
    assert demo_data.created["municipality"] == 20
    assert demo_data.created["service"] == Service.objects.count() >= 25
    assert demo_data.created["local_service"] == LocalService.objects.count()
    assert not demo_data.warnings

    dueren = Municipality.objects.get(slug="dueren")
    assert (dueren.ars, dueren.ags, dueren.land, dueren.parent) == (
        "053580008008",
        "05358008",
        "05",
        None,
    )
    kreis = Municipality.objects.get(ars="071350000000")
    assert (kreis.slug, kreis.kind, kreis.ags, kreis.land) == ("cochem-zell", "kreis", "", "07")
    for vg in Municipality.objects.filter(kind="verbandsgemeinde"):
        assert vg.parent == kreis
        assert vg.ars.endswith("000") and vg.ars.startswith("071355")
        assert vg.children.count() == 3 if vg.slug != "vg-ulmen" else 4
    ulmen = Municipality.objects.get(slug="ulmen")
    assert (ulmen.ars, ulmen.ags, ulmen.parent.slug) == ("071355003083", "07135083", "vg-ulmen")
    assert not ulmen.has_portal
    assert not Municipality.objects.filter(kind="ortsgemeinde", postal_areas=None).exists()

    # Every portal has offices that receive the public, with hours and the closing days.
    for municipality in Municipality.objects.filter(has_portal=True):
        open_offices = Office.objects.filter(
            municipality=municipality, opening_hours__isnull=False
        ).distinct()
        assert open_offices.count() >= 4, municipality
        front_desk = open_offices.get(
            slug="zulassungsstelle" if municipality.slug == "cochem-zell" else "buergerbuero"
        )
        assert front_desk.opening_exceptions.filter(date=dt.date(2026, 12, 24), closed=True)
    assert Office.objects.get(municipality=dueren, slug="zulassungsstelle").parent.slug == (
        "strassenverkehrsamt"
    )
    assert AuditEvent.objects.exists()
    assert not AuditEvent.objects.exclude(actor_type=AuditEvent.ActorType.SYSTEM).exists()


def test_second_load_changes_nothing(demo_data):
    events = AuditEvent.objects.count()
    rows = {model: set(model.objects.values_list("pk", "updated_at")) for model in MODELS}

    again = demo_load()

    assert not again.changed
    assert (again.created, again.updated, again.warnings) == (Counter(), Counter(), [])
    assert again.summary() == "Demo data is up to date – nothing changed."
    assert AuditEvent.objects.count() == events
    assert {model: set(model.objects.values_list("pk", "updated_at")) for model in MODELS} == rows


def test_load_corrects_rows_that_drifted(demo_data):
    # Simulate edits made behind the loader's back (e.g. in the admin).
    Service.objects.filter(slug="hund-anmelden").update(name_de="Hundesteuer")
    LocalService.objects.filter(
        municipality__slug="vg-kaisersesch", service__slug="wohnsitz-anmelden"
    ).update(online_available=True)
    OpeningHours.objects.filter(
        office__municipality__slug="dueren", office__slug="buergerbuero", weekday=5
    ).update(closes=dt.time(13, 0))
    last_event = AuditEvent.objects.order_by("-id").first().id

    result = demo_load()

    assert result.updated == Counter({"service": 1, "local_service": 1, "weekly_hours": 1})
    assert not result.created
    assert service("hund-anmelden").name_de == "Hund anmelden (Hundesteuer)"
    assert not LocalService.objects.get(
        municipality__slug="vg-kaisersesch", service__slug="wohnsitz-anmelden"
    ).online_available
    assert OpeningHours.objects.get(
        office__municipality__slug="dueren", office__slug="buergerbuero", weekday=5
    ).closes == dt.time(12, 0)
    new_events = AuditEvent.objects.filter(id__gt=last_event)
    assert sorted(new_events.values_list("action", flat=True)) == [
        "local_service.update",
        "office.opening_hours.set",
        "service.update",
    ]
    assert new_events.get(action="service.update").details["name_de"] == [
        "Hundesteuer",
        "Hund anmelden (Hundesteuer)",
    ]


def test_load_corrects_life_situations_documents_exceptions_and_postal_areas(demo_data):
    from rathaus.catalog.models import LifeSituation, RequiredDocument
    from rathaus.catalog.search import search_services
    from rathaus.municipalities.models import OpeningException, PostalArea

    situation = LifeSituation.objects.get(slug=LifeSituation.objects.first().slug)
    LifeSituation.objects.filter(pk=situation.pk).update(name_de="Geändert")
    document = RequiredDocument.objects.filter(service__slug="hund-anmelden").first()
    RequiredDocument.objects.filter(pk=document.pk).update(note_de="geändert")
    extra = RequiredDocument.objects.create(
        service=document.service, name_de="Überflüssig", position=99
    )
    exception = OpeningException.objects.first()
    OpeningException.objects.filter(pk=exception.pk).update(note_de="geändert")
    stale = PostalArea.objects.create(
        municipality=Municipality.objects.get(slug="dueren"),
        postcode="52399",
        place_name="Irgendwo",
    )
    last_event = AuditEvent.objects.order_by("-id").first().id

    result = demo_load()

    assert result.updated == Counter(
        {"life_situation": 1, "required_document": 2, "opening_exception": 1, "postal_area": 1}
    )
    assert not result.warnings
    assert LifeSituation.objects.get(pk=situation.pk).name_de == situation.name_de
    assert RequiredDocument.objects.get(pk=document.pk).note_de == document.note_de
    assert not RequiredDocument.objects.filter(pk=extra.pk).exists()
    assert OpeningException.objects.get(pk=exception.pk).note_de == exception.note_de
    assert not PostalArea.objects.filter(pk=stale.pk).exists()
    assert sorted(
        AuditEvent.objects.filter(id__gt=last_event).values_list("action", flat=True)
    ) == [
        "life_situation.update",
        "office.opening_exception.update",
        "postal_area.delete",
        "service.required_document.delete",
        "service.required_document.update",
    ]
    # The life situation's services were reindexed with its restored name.
    assert search_services(query=situation.name_de, service_ids=None, language="de", limit=5)


def test_a_failing_load_leaves_nothing_behind(db, monkeypatch):
    monkeypatch.setitem(local_service_data.LOCAL_DETAILS, ("dueren", "no-such-service"), {})

    with pytest.raises(ValueError, match="no-such-service"):
        demo_load()

    assert not Municipality.objects.exists()
    assert not AuditEvent.objects.exists()


def test_command_prints_what_it_did(db):
    first, second = io.StringIO(), io.StringIO()

    call_command("load_demo_data", stdout=first)
    call_command("load_demo_data", stdout=second)

    assert f"{Service.objects.count()} × service" in first.getvalue()
    assert "20 × municipality" in first.getvalue()
    assert second.getvalue().strip() == "Demo data is up to date – nothing changed."
