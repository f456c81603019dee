"""Retention of closed files (issue 11 §3): the disposal date is 1 January after the year of
closing (Europe/Berlin) plus the item's inherited retention; reopening clears it; the due
files of a municipality; a file that left the records cannot be reopened or closed again."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict
from rathaus.records import services
from rathaus.records.models import FilePlanItem, RecordFile
from rathaus.records.retention import disposal_date, files_due
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
BERLIN = ZoneInfo("Europe/Berlin")
PLAN = (
    "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n"
    "9;;Finanzen;10;B\n963;9;Hundesteuer;;V\n0;;Allgemeines;;\n"
)


def test_the_retention_runs_from_the_end_of_the_year_of_closing():
    closed = dt.datetime(2026, 3, 14, 10, 0, tzinfo=BERLIN)
    assert disposal_date(retention_years=10, closed_at=closed) == dt.date(2037, 1, 1)
    assert disposal_date(retention_years=0, closed_at=closed) == dt.date(2027, 1, 1)
    assert disposal_date(retention_years=None, closed_at=closed) is None
    # New Year's Eve 23:30 in Berlin is still the old year (22:30 UTC).
    late = dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC)
    assert disposal_date(retention_years=5, closed_at=late) == dt.date(2032, 1, 1)
    early = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 January in Berlin
    assert disposal_date(retention_years=5, closed_at=early) == dt.date(2033, 1, 1)


def test_closing_sets_the_date_reopening_clears_it_and_due_files_are_listed():
    office = OfficeFactory()
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    dog, general = (
        FilePlanItem.objects.get(municipality=office.municipality, number=n) for n in ("963", "0")
    )
    record = services.file_create(actor=SYSTEM, office=office, plan_item=dog, title="Hunde")
    other = services.file_create(actor=SYSTEM, office=office, plan_item=general, title="Post")
    services.file_close(actor=SYSTEM, record=record, reason="erledigt")
    services.file_close(actor=SYSTEM, record=other, reason="erledigt")
    record.refresh_from_db()
    other.refresh_from_db()
    year = record.closed_at.astimezone(BERLIN).year
    assert record.disposal_date == dt.date(year + 11, 1, 1)  # 10 years, inherited from "9"
    assert other.disposal_date is None  # no retention anywhere above it
    municipality = office.municipality_id
    assert list(files_due(municipality_id=municipality, today=dt.date(year + 11, 1, 1))) == [record]
    assert not files_due(municipality_id=municipality, today=dt.date(year + 10, 12, 31)).exists()
    services.file_reopen(actor=SYSTEM, record=record, reason="Nachtrag")
    record.refresh_from_db()
    assert record.disposal_date is None
    RecordFile.objects.filter(pk=record.pk).update(status=RecordFile.Status.DESTROYED)
    record.refresh_from_db()
    with pytest.raises(Conflict, match="Aktenbestand verlassen"):
        services.file_reopen(actor=SYSTEM, record=record, reason="zurück")
    with pytest.raises(Conflict):
        services.file_close(actor=SYSTEM, record=record, reason="zu")
