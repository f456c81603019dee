"""The file plan (Aktenplan, issue 11 §1): items with number, title, retention and archive
rule inherited down the hierarchy; CSV import (all or nothing, every problem with its line,
German and English columns, semicolons or commas) and export that reads back unchanged;
only the registry or system administration keeps it; every change audited."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.demo.loader import FILE_PLAN_CSV
from rathaus.records import selectors, services
from rathaus.records.file_plan_csv import FilePlanCsvError
from rathaus.records.models import FilePlanItem
from rathaus.staff.models import Role
from tests.factories import MunicipalityFactory, OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = """Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung
9;;Finanzen;;B
96;9;Steuern und Abgaben;;V
963;96;Hundesteuer;10;
1;;Sicherheit und Ordnung;30;A
120;1;Meldewesen;5;V
"""


@pytest.fixture
def municipality():
    return MunicipalityFactory(slug="dueren", name="Stadt Düren")


def test_import_builds_the_hierarchy_with_inherited_rules(municipality):
    result = services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    assert sorted(result.created) == ["1", "120", "9", "96", "963"]
    entries = {e.item.number: e for e in selectors.file_plan(municipality=municipality)}
    assert [e.item.number for e in selectors.file_plan(municipality=municipality)] == [
        "1",
        "120",
        "9",
        "96",
        "963",
    ]
    assert entries["963"].depth == 2
    assert entries["963"].item.parent.number == "96"
    # Retention from the item itself, the archive rule from its parent.
    assert (entries["963"].retention_years, entries["963"].archive_rule) == (10, "destroy")
    assert (entries["96"].retention_years, entries["96"].archive_rule) == (None, "destroy")
    assert (entries["120"].retention_years, entries["120"].archive_rule) == (5, "destroy")
    assert AuditEvent.objects.filter(action="records.plan_item_create").count() == 5
    assert AuditEvent.objects.filter(action="records.plan_import").count() == 1


def test_export_reads_back_unchanged_and_opens_in_a_spreadsheet(municipality):
    services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    exported = selectors.file_plan_csv(municipality=municipality)
    assert exported.startswith("\ufeff".encode())  # umlauts intact in spreadsheet programs
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == PLAN.splitlines()[0] + ";Aktiv"
    assert "963;96;Hundesteuer;10;;ja\r\n" in text
    other = MunicipalityFactory(slug="guetersloh")
    services.file_plan_import(actor=SYSTEM, municipality=other, data=exported)
    assert selectors.file_plan_csv(municipality=other) == exported
    again = services.file_plan_import(actor=SYSTEM, municipality=municipality, data=exported)
    assert (again.created, again.changed, len(again.unchanged)) == ([], [], 5)


def test_english_columns_commas_and_changes_by_number(municipality):
    services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    update = (
        "number,parent,title,retention_years,archive_rule\n963,96,Hundesteuer (neu),12,archive\n"
    )
    result = services.file_plan_import(actor=SYSTEM, municipality=municipality, data=update)
    assert (result.changed, result.not_in_file) == (["963"], ["1", "120", "9", "96"])
    item = FilePlanItem.objects.get(municipality=municipality, number="963")
    assert (item.title, item.retention_years, item.archive_rule) == (
        "Hundesteuer (neu)",
        12,
        "archive",
    )
    change = AuditEvent.objects.get(action="records.plan_item_change")
    assert change.details["changes"]["retention_years"] == {"old": 10, "new": 12}


def test_a_bad_file_changes_nothing_and_names_every_line(municipality):
    bad = (
        "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n"
        "9;;Finanzen;;B\n"
        ";9;Ohne Nummer;;\n"
        "96;9;;zehn;X\n"
        "9;;Doppelt;;\n"
        "97;55;Eltern fehlen;;\n"
    )
    with pytest.raises(FilePlanCsvError) as raised:
        services.file_plan_import(actor=SYSTEM, municipality=municipality, data=bad)
    errors = raised.value.errors
    assert [e.split(":")[0] for e in errors] == ["Zeile 3", "Zeile 4", "Zeile 5"]
    assert "der Titel fehlt" in errors[1] and "nicht zehn" in errors[1] and "X (A, V" in errors[1]
    assert "kommt zweimal vor" in errors[2]
    assert not FilePlanItem.objects.exists()
    with pytest.raises(FilePlanCsvError) as raised:
        services.file_plan_import(
            actor=SYSTEM, municipality=municipality, data="Nummer;Übergeordnet;Titel\n97;55;X\n"
        )
    assert raised.value.errors == [
        "Zeile 2: Die übergeordnete Position 55 steht weder in der Datei noch im Aktenplan."
    ]
    with pytest.raises(FilePlanCsvError):
        services.file_plan_import(actor=SYSTEM, municipality=municipality, data="Titel\nX\n")


def test_a_cycle_through_the_parents_is_refused(municipality):
    services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    cycle = "Nummer;Übergeordnet;Titel\n9;963;Finanzen\n"
    with pytest.raises(FilePlanCsvError, match="bilden einen Kreis"):
        services.file_plan_import(actor=SYSTEM, municipality=municipality, data=cycle)
    nine = FilePlanItem.objects.get(municipality=municipality, number="9")
    assert nine.parent_id is None
    dog_tax = FilePlanItem.objects.get(municipality=municipality, number="963")
    with pytest.raises(DomainError, match="unter sich selbst"):
        services.plan_item_save(
            actor=SYSTEM, municipality=municipality, number="9", title="Finanzen", parent=dog_tax
        )


def test_only_the_registry_or_system_administration_keeps_the_plan(municipality):
    office = OfficeFactory(municipality=municipality)
    clerk = make_staff("sachbearbeitung", (office, Role.CASE_WORKER))
    registry = make_staff("registratur", (office, Role.REGISTRY))
    elsewhere = make_staff("anderswo", (OfficeFactory(), Role.REGISTRY))
    for user in (clerk, elsewhere):
        with pytest.raises(NotPermitted):
            services.plan_item_save(
                actor=Actor.person(user), municipality=municipality, number="9", title="Finanzen"
            )
    item = services.plan_item_save(
        actor=Actor.person(registry),
        municipality=municipality,
        number="9",
        title="Finanzen",
        retention_years=10,
        archive_rule="evaluate",
    )
    assert (item.retention_years, item.archive_rule) == (10, "evaluate")
    event = AuditEvent.objects.get(action="records.plan_item_create")
    assert (event.actor_id, event.municipality_id) == (str(registry.pk), municipality.pk)


def test_the_commands_import_and_export(municipality, tmp_path):
    path = tmp_path / "aktenplan.csv"
    path.write_text(PLAN, encoding="utf-8")
    out = StringIO()
    call_command("file_plan_import", "dueren", str(path), stdout=out)
    assert "5 created, 0 changed" in out.getvalue()
    exported = tmp_path / "export.csv"
    call_command("file_plan_export", "dueren", str(exported))
    assert exported.read_bytes() == selectors.file_plan_csv(municipality=municipality)
    path.write_text("Nummer;Titel\n;X\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Zeile 2: die Nummer fehlt"):
        call_command("file_plan_import", "dueren", str(path))
    with pytest.raises(CommandError, match="No municipality"):
        call_command("file_plan_import", "nirgendwo", str(path))


def test_the_demo_plan_imports(municipality):
    result = services.file_plan_import(
        actor=SYSTEM, municipality=municipality, data=FILE_PLAN_CSV.read_bytes()
    )
    assert "963" in result.created
    entry = next(
        e for e in selectors.file_plan(municipality=municipality) if e.item.number == "963"
    )
    assert entry.item.title == "Hundesteuer"


def test_columns_left_out_keep_what_the_plan_holds(municipality):
    services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    titles_only = "Nummer;Titel\n963;Hundesteuer (Satzung 2027)\n"
    result = services.file_plan_import(actor=SYSTEM, municipality=municipality, data=titles_only)
    assert result.changed == ["963"]
    item = FilePlanItem.objects.get(municipality=municipality, number="963")
    assert (item.title, item.parent.number, item.retention_years) == (
        "Hundesteuer (Satzung 2027)",
        "96",
        10,
    )
    with pytest.raises(FilePlanCsvError) as raised:  # a misspelt column is not ignored
        services.file_plan_import(
            actor=SYSTEM, municipality=municipality, data="Nummer;Titel;Frist\n963;X;12\n"
        )
    assert raised.value.errors[0].startswith("Zeile 1: Unbekannte Spalte Frist")
    assert FilePlanItem.objects.get(municipality=municipality, number="963").retention_years == 10


def test_inactive_items_and_formula_cells_survive_the_round_trip(municipality):
    services.file_plan_import(actor=SYSTEM, municipality=municipality, data=PLAN)
    services.plan_item_save(
        actor=SYSTEM, municipality=municipality, number="120", title="=Meldewesen", active=False
    )
    exported = selectors.file_plan_csv(municipality=municipality)
    assert "120;;'=Meldewesen;;;nein\r\n" in exported.decode("utf-8-sig")
    again = services.file_plan_import(actor=SYSTEM, municipality=municipality, data=exported)
    assert again.changed == [] and again.created == []
    item = FilePlanItem.objects.get(municipality=municipality, number="120")
    assert (item.title, item.active) == ("=Meldewesen", False)


def test_a_file_saved_by_a_german_spreadsheet_program_imports(municipality):
    windows = "Nummer;Übergeordnet;Titel\n1;;Sicherheit und Ordnung\n12;1;Einwohnerwesen (Bürger)\n"
    result = services.file_plan_import(
        actor=SYSTEM, municipality=municipality, data=windows.encode("cp1252")
    )
    assert len(result.created) == 2
    item = FilePlanItem.objects.get(municipality=municipality, number="12")
    assert item.title == "Einwohnerwesen (Bürger)"


def test_line_numbers_count_lines_of_the_file(municipality):
    text = 'Nummer;Titel\n1;"Zwei\nZeilen"\n;ohne Nummer\n'
    with pytest.raises(FilePlanCsvError) as raised:
        services.file_plan_import(actor=SYSTEM, municipality=municipality, data=text)
    assert raised.value.errors == ["Zeile 4: die Nummer fehlt."]
