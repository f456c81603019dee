"""Files (Akten, issue 11 §1): a file reference from the municipality's pattern with a
running number per everything else in it (a counter row, no MAX() race), close (zdA) and
reopen with reasons, only by the office's case-handling roles, every step audited."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings

from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict, DomainError, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.records import services
from rathaus.records.file_references import InvalidPattern, pattern_check
from rathaus.records.models import RecordFile
from rathaus.staff.models import Role
from tests.factories import MunicipalityFactory, OfficeFactory
from tests.staff.people import make_staff

SYSTEM = Actor.system("tests")
PLAN = "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n9;;Finanzen;;B\n963;9;Hundesteuer;10;V\n964;9;Zweitwohnungsteuer;10;V\n"


@pytest.fixture
def world(db):
    municipality = MunicipalityFactory(slug="dueren", name="Stadt Düren")
    office = OfficeFactory(municipality=municipality, slug="steueramt", name="Steueramt")
    services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    items = {i.number: i for i in municipality_items(municipality)}
    return municipality, office, items


def municipality_items(municipality):
    from rathaus.records.models import FilePlanItem

    return FilePlanItem.objects.filter(municipality=municipality)


@pytest.mark.django_db
def test_references_count_per_office_plan_item_and_year(world):
    municipality, office, items = world

    def make(item, year):
        return services.file_create(
            actor=SYSTEM,
            office=office,
            plan_item=items[item],
            title="Hundesteuer Mustermann",
            year=year,
        ).file_reference

    assert make("963", 2026) == "STEUERAMT-963/2026/1"
    assert make("963", 2026) == "STEUERAMT-963/2026/2"
    assert make("964", 2026) == "STEUERAMT-964/2026/1"
    assert make("963", 2027) == "STEUERAMT-963/2027/1"
    services.reference_pattern_set(
        actor=SYSTEM, municipality=municipality, pattern=" {plan}-{seq:04d} "
    )
    assert make("963", 2026) == "963-0001"
    assert make("963", 2027) == "963-0002"  # without {year}: counted over the years
    event = AuditEvent.objects.filter(action="records.file_create").latest("occurred_at")
    assert event.details == {"file_reference": "963-0002", "plan_item": "963"}


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{office}-{plan}/{year}", "genau einmal"),
        ("{seq}/{seq}", "genau einmal"),
        ("{amt}/{seq}", "Unbekanntes Feld {amt}"),
        ("{year:04d}/{seq}", "Nur die laufende Nummer"),
        ("{seq:x9}", "nicht gültig"),
        ("{seq!r}", "Nur die laufende Nummer"),
        ("{seq", "nicht gültig"),
        ("{seq:c}", "nicht gültig"),
        ("{seq:e}", "nicht gültig"),
        ("{plan}{seq}", "durch Text"),
        ("{seq}{year}", "durch Text"),
        ("{plan}/" + "x" * 120 + "/{seq}", "120 Zeichen"),
    ],
)
def test_a_pattern_that_cannot_work_is_refused(pattern, message):
    with pytest.raises(InvalidPattern, match=message):
        pattern_check(pattern)


@override_settings(RATHAUS_FILE_REFERENCE_PATTERN="{office}/{seq}/{plan}")
@pytest.mark.django_db
def test_the_installations_pattern_serves_municipalities_without_one(world):
    _, office, items = world
    record = services.file_create(actor=SYSTEM, office=office, plan_item=items["963"], title="X")
    assert record.file_reference == "STEUERAMT/1/963"


@pytest.mark.django_db
def test_close_and_reopen_with_reasons_by_the_office_only(world):
    municipality, office, items = world
    clerk = make_staff("sachbearbeitung", (office, Role.CASE_WORKER))
    other = make_staff("anderes-amt", (OfficeFactory(municipality=municipality), Role.CASE_WORKER))
    data_protection = make_staff("datenschutz", (office, Role.DATA_PROTECTION))
    for user in (other, data_protection):
        with pytest.raises(NotPermitted):
            services.file_create(
                actor=Actor.person(user), office=office, plan_item=items["963"], title="X"
            )
    record = services.file_create(
        actor=Actor.person(clerk), office=office, plan_item=items["963"], title="  Hund  Bello "
    )
    assert (record.title, record.status, record.created_by) == ("Hund Bello", "open", clerk)
    with pytest.raises(DomainError, match="Grund"):
        services.file_close(actor=Actor.person(clerk), record=record, reason="  ")
    with pytest.raises(NotPermitted):
        services.file_close(actor=Actor.person(other), record=record, reason="erledigt")
    closed = services.file_close(actor=Actor.person(clerk), record=record, reason="erledigt")
    assert closed.status == RecordFile.Status.CLOSED and closed.closed_at is not None
    with pytest.raises(Conflict):
        services.file_close(actor=Actor.person(clerk), record=record, reason="nochmal")
    reopened = services.file_reopen(actor=Actor.person(clerk), record=record, reason="Widerspruch")
    assert (reopened.status, reopened.closed_at) == ("open", None)
    with pytest.raises(Conflict):
        services.file_reopen(actor=Actor.person(clerk), record=record, reason="x")
    reasons = [
        e.details["reason"]
        for e in AuditEvent.objects.filter(
            action__in=["records.file_close", "records.file_reopen"]
        ).order_by("occurred_at", "id")
    ]
    assert reasons == ["erledigt", "Widerspruch"]


@pytest.mark.django_db
def test_no_file_under_another_municipality_or_an_inactive_item(world):
    _, office, items = world
    foreign = OfficeFactory()
    with pytest.raises(DomainError, match="anderen Kommune"):
        services.file_create(actor=SYSTEM, office=foreign, plan_item=items["963"], title="X")
    item = items["964"]
    item.active = False
    item.save()
    with pytest.raises(Conflict, match="inaktiven"):
        services.file_create(actor=SYSTEM, office=office, plan_item=item, title="X")
    with pytest.raises(DomainError, match="Titel"):
        services.file_create(actor=SYSTEM, office=office, plan_item=items["963"], title=" ")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (CI runs it)"
)
def test_concurrent_files_get_distinct_gap_free_numbers(world):
    _, office, items = world
    errors: list[BaseException] = []

    def create() -> None:
        try:
            for _ in range(15):
                services.file_create(actor=SYSTEM, office=office, plan_item=items["963"], title="X")
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(
        int(r.split("/")[-1]) for r in RecordFile.objects.values_list("file_reference", flat=True)
    )
    assert numbers == list(range(1, 46))


@pytest.mark.django_db
def test_a_new_pattern_never_issues_a_reference_twice(world):
    municipality, office, items = world

    def make() -> str:
        return services.file_create(
            actor=SYSTEM, office=office, plan_item=items["963"], title="X", year=2026
        ).file_reference

    services.reference_pattern_set(actor=SYSTEM, municipality=municipality, pattern="{plan}/{seq}")
    assert [make(), make()] == ["963/1", "963/2"]
    # The same references with a format: the same counter, and numbers in use are skipped.
    services.reference_pattern_set(
        actor=SYSTEM, municipality=municipality, pattern="{plan}/{seq:d}"
    )
    assert make() == "963/3"
    services.reference_pattern_set(
        actor=SYSTEM, municipality=municipality, pattern="{plan}/{seq:02d}"
    )
    assert make() == "963/04"
    RecordFile.objects.create(  # e.g. taken over from the former system
        municipality=municipality,
        office=office,
        plan_item=items["963"],
        file_reference="963/05",
        title="Altakte",
        year=2019,
    )
    assert make() == "963/06"  # the number in use is skipped
    with pytest.raises(DomainError, match="1900"):
        services.file_create(
            actor=SYSTEM, office=office, plan_item=items["963"], title="X", year=26
        )
