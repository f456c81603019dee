"""Working days and statutory deadlines with the public holidays of the Länder."""

import datetime as dt

import holidays
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.municipalities.keys import LAENDER
from rathaus.workflow.working_days import (
    LAND_CODES,
    LAND_CODES_BY_KEY,
    deadline_end,
    is_working_day,
    land_holidays,
    municipality_land,
    working_day_add,
    working_days_between,
)
from tests.factories import MunicipalityFactory

D = dt.date

ALL = sorted(LAND_CODES)
REFORMATION_DAY = {"BB", "HB", "HH", "MV", "NI", "SH", "SN", "ST", "TH"}
ALL_SAINTS = {"BW", "BY", "NW", "RP", "SL"}
CORPUS_CHRISTI = {"BW", "BY", "HE", "NW", "RP", "SL"}
EPIPHANY = {"BW", "BY", "ST"}


def test_land_codes_are_the_sixteen_laender_of_the_holidays_package():
    package = set(holidays.country_holidays("DE").subdivisions) - {"Augsburg"}
    assert len(LAND_CODES) == 16
    assert package == LAND_CODES
    assert set(LAND_CODES_BY_KEY) == set(LAENDER)
    # The package knows the Länder by name too: each ARS key must lead to the same code.
    aliases = holidays.country_holidays("DE").subdivisions_aliases
    for key, code in LAND_CODES_BY_KEY.items():
        assert aliases[LAENDER[key]] == code, key


@pytest.mark.parametrize("land", ["XX", "by", "Bayern", "DE", "", "Augsburg"])
def test_unknown_land_is_refused(land):
    with pytest.raises(ValueError, match="not a German Land"):
        land_holidays(land, 2026)
    with pytest.raises(ValueError, match="not a German Land"):
        is_working_day(D(2026, 5, 4), land=land)
    with pytest.raises(ValueError, match="not a German Land"):
        working_day_add(D(2026, 5, 4), 1, land=land)
    with pytest.raises(ValueError, match="not a German Land"):
        deadline_end(D(2026, 5, 4), days=1, land=land)


def test_years_before_reunification_are_refused_instead_of_having_no_holidays():
    with pytest.raises(ValueError, match="1991"):
        land_holidays("BE", 1990)
    with pytest.raises(ValueError, match="1991"):
        is_working_day(D(1990, 12, 25), land="BE")


def test_land_holidays_have_german_names_and_cover_several_years():
    days = land_holidays("NW", [2026, 2027])
    assert days[D(2026, 12, 25)] == "Erster Weihnachtstag"
    assert days[D(2027, 3, 29)] == "Ostermontag"
    assert D(2026, 12, 24) not in days  # Heiligabend is no public holiday
    assert D(2026, 12, 31) not in days
    assert len(land_holidays("NW", 2026)) == 11


@pytest.mark.parametrize(
    ("day", "name"),
    [
        # Easter 2026 is 5 April, Easter 2027 is 28 March.
        (D(2026, 4, 3), "Karfreitag"),
        (D(2026, 4, 6), "Ostermontag"),
        (D(2026, 5, 14), "Christi Himmelfahrt"),
        (D(2026, 5, 25), "Pfingstmontag"),
        (D(2027, 3, 26), "Karfreitag"),
        (D(2027, 3, 29), "Ostermontag"),
        (D(2027, 5, 6), "Christi Himmelfahrt"),
        (D(2027, 5, 17), "Pfingstmontag"),
        (D(2026, 1, 1), "Neujahr"),
        (D(2026, 5, 1), "Erster Mai"),
        (D(2027, 10, 3), "Tag der Deutschen Einheit"),
    ],
)
@pytest.mark.parametrize("land", ALL)
def test_nationwide_and_easter_holidays_in_every_land(land, day, name):
    assert land_holidays(land, day.year)[day] == name
    if day.weekday() < 5:
        assert not is_working_day(day, land=land)


@pytest.mark.parametrize("land", ALL)
def test_reformation_day(land):
    # 31 October 2025 is a Friday, 31 October 2028 a Tuesday.
    for day in (D(2025, 10, 31), D(2028, 10, 31)):
        assert is_working_day(day, land=land) is (land not in REFORMATION_DAY)


@pytest.mark.parametrize("land", ALL)
def test_all_saints_day(land):
    assert is_working_day(D(2027, 11, 1), land=land) is (land not in ALL_SAINTS)


@pytest.mark.parametrize("land", ALL)
def test_corpus_christi(land):
    # Thursdays: 4 June 2026, 27 May 2027 (60 days after Easter).
    for day in (D(2026, 6, 4), D(2027, 5, 27)):
        assert is_working_day(day, land=land) is (land not in CORPUS_CHRISTI)


@pytest.mark.parametrize("land", ALL)
def test_epiphany(land):
    assert is_working_day(D(2027, 1, 6), land=land) is (land not in EPIPHANY)


@pytest.mark.parametrize("land", ALL)
def test_repentance_day_only_in_saxony(land):
    # Buß- und Bettag: the Wednesday before 23 November.
    assert is_working_day(D(2026, 11, 18), land=land) is (land != "SN")
    assert is_working_day(D(2027, 11, 17), land=land) is (land != "SN")


def test_womens_day_in_berlin_since_2019_and_mecklenburg_since_2023():
    assert not is_working_day(D(2027, 3, 8), land="BE")
    assert not is_working_day(D(2019, 3, 8), land="BE")
    assert is_working_day(D(2018, 3, 8), land="BE")
    assert not is_working_day(D(2023, 3, 8), land="MV")
    assert is_working_day(D(2022, 3, 8), land="MV")
    for land in ("BB", "SN", "NW", "HH"):
        assert is_working_day(D(2027, 3, 8), land=land)


def test_world_childrens_day_only_in_thuringia():
    assert not is_working_day(D(2027, 9, 20), land="TH")
    assert land_holidays("TH", 2027)[D(2027, 9, 20)] == "Weltkindertag"
    for land in ("SN", "BE", "ST", "BY"):
        assert is_working_day(D(2027, 9, 20), land=land)


def test_assumption_day_in_bavaria_only_for_catholic_communities():
    # 15 August 2025 is a Friday; Saarland has it everywhere.
    assert is_working_day(D(2025, 8, 15), land="BY")
    assert not is_working_day(D(2025, 8, 15), land="BY", catholic_community=True)
    assert land_holidays("BY", 2025, catholic_community=True)[D(2025, 8, 15)] == "Mariä Himmelfahrt"
    assert not is_working_day(D(2025, 8, 15), land="SL")
    assert is_working_day(D(2025, 8, 15), land="NW", catholic_community=True)
    # The Augsburger Friedensfest (8 August, a Friday in 2025) is the city's alone.
    assert is_working_day(D(2025, 8, 8), land="BY", catholic_community=True)


@pytest.mark.parametrize("land", ["SN", "TH"])
def test_corpus_christi_in_saxony_and_thuringia_only_for_catholic_communities(land):
    assert is_working_day(D(2026, 6, 4), land=land)
    assert not is_working_day(D(2026, 6, 4), land=land, catholic_community=True)


def test_saturday_and_sunday_are_no_working_days():
    assert not is_working_day(D(2026, 5, 9), land="NW")  # Saturday
    assert not is_working_day(D(2026, 5, 10), land="NW")  # Sunday
    assert is_working_day(D(2026, 5, 11), land="NW")  # Monday


@pytest.mark.parametrize(
    ("start", "days", "land", "expected"),
    [
        (D(2026, 5, 4), 1, "NW", D(2026, 5, 5)),
        (D(2026, 5, 8), 1, "NW", D(2026, 5, 11)),  # Friday → Monday
        (D(2026, 5, 4), 5, "NW", D(2026, 5, 11)),
        (D(2026, 4, 2), 1, "NW", D(2026, 4, 7)),  # over Good Friday and Easter Monday
        (D(2026, 6, 3), 1, "NW", D(2026, 6, 5)),  # over Corpus Christi in NW …
        (D(2026, 6, 3), 1, "NI", D(2026, 6, 4)),  # … not in Niedersachsen
        # Year ends.
        (D(2026, 12, 23), 1, "NW", D(2026, 12, 24)),
        (D(2026, 12, 23), 2, "NW", D(2026, 12, 28)),
        (D(2026, 12, 31), 1, "NW", D(2027, 1, 4)),
        (D(2026, 12, 31), 3, "NW", D(2027, 1, 6)),
        (D(2026, 12, 31), 3, "BY", D(2027, 1, 7)),  # Heilige Drei Könige
        (D(2025, 12, 30), 2, "BE", D(2026, 1, 2)),
        # days = 0: the day itself if it is a working day, else the next one.
        (D(2026, 5, 4), 0, "NW", D(2026, 5, 4)),
        (D(2026, 5, 9), 0, "NW", D(2026, 5, 11)),
        (D(2026, 4, 3), 0, "NW", D(2026, 4, 7)),
    ],
)
def test_working_day_add(start, days, land, expected):
    assert working_day_add(start, days, land=land) == expected


def test_working_day_add_refuses_negative_days():
    with pytest.raises(ValueError, match="forward only"):
        working_day_add(D(2026, 5, 4), -1, land="NW")


def test_working_days_between():
    assert working_days_between(D(2026, 12, 23), D(2027, 1, 8), land="BY") == 9
    assert working_days_between(D(2026, 12, 23), D(2027, 1, 8), land="NW") == 10
    assert working_days_between(D(2026, 5, 4), D(2026, 5, 4), land="NW") == 0
    assert working_days_between(D(2026, 5, 8), D(2026, 5, 10), land="NW") == 0
    # Overdue: negative.
    assert working_days_between(D(2027, 1, 8), D(2026, 12, 23), land="BY") == -9


@pytest.mark.parametrize(
    ("start", "kwargs", "land", "expected"),
    [
        # §188 (3) BGB: 28 February 2026 is the last day — a Saturday, so Monday (§193 BGB).
        (D(2026, 1, 31), {"months": 1}, "NW", D(2026, 3, 2)),
        (D(2024, 1, 31), {"months": 1}, "NW", D(2024, 2, 29)),
        (D(2026, 8, 31), {"months": 1}, "NW", D(2026, 9, 30)),
        (D(2026, 1, 15), {"months": 1}, "NW", D(2026, 2, 16)),  # 15 Feb is a Sunday
        # Ending on Easter Monday moves to Tuesday.
        (D(2026, 3, 23), {"days": 14}, "NW", D(2026, 4, 7)),
        (D(2026, 3, 6), {"months": 1}, "BE", D(2026, 4, 7)),
        # Ending on Good Friday 2027: Saturday, Sunday, Easter Monday follow.
        (D(2027, 2, 26), {"weeks": 4}, "HH", D(2027, 3, 30)),
        # §188 (2) BGB: two weeks from a Friday end on a Friday.
        (D(2026, 5, 8), {"weeks": 2}, "NW", D(2026, 5, 22)),
        # Corpus Christi ends it only where it is a holiday.
        (D(2026, 5, 21), {"weeks": 2}, "NW", D(2026, 6, 5)),
        (D(2026, 5, 21), {"weeks": 2}, "NI", D(2026, 6, 4)),
        # Reformation Day 2025 (Friday) in Saxony, not in Bavaria.
        (D(2025, 10, 17), {"weeks": 2}, "SN", D(2025, 11, 3)),
        (D(2025, 10, 17), {"weeks": 2}, "BY", D(2025, 10, 31)),
        # Months first, then days (§189 (2) BGB): 28 Feb + 15 days = 15 March, a Sunday.
        (D(2026, 1, 31), {"months": 1, "days": 15}, "NW", D(2026, 3, 16)),
        # A year (12 months) from a leap day.
        (D(2024, 2, 29), {"months": 12}, "NW", D(2025, 2, 28)),
        # Over the year end: one month from 1 December 2026 is 1 January (Neujahr) → 4 Jan.
        (D(2026, 12, 1), {"months": 1}, "NW", D(2027, 1, 4)),
    ],
)
def test_deadline_end(start, kwargs, land, expected):
    assert deadline_end(start, land=land, **kwargs) == expected


def test_deadline_end_refuses_negative_or_empty_periods():
    with pytest.raises(ValueError, match="backwards"):
        deadline_end(D(2026, 5, 4), days=-1, land="NW")
    with pytest.raises(ValueError, match="needs a length"):
        deadline_end(D(2026, 5, 4), land="NW")


def test_municipality_land_from_the_land_key_or_the_ars():
    assert municipality_land(MunicipalityFactory.build()) == "RP"
    assert municipality_land(MunicipalityFactory.build(land="09", ars="091620000000")) == "BY"
    assert municipality_land(MunicipalityFactory.build(land="", ars="146270000000")) == "SN"
    with pytest.raises(ValueError, match="no valid Land key"):
        municipality_land(MunicipalityFactory.build(land="", ars=""))
    with pytest.raises(ValueError, match="no valid Land key"):
        municipality_land(MunicipalityFactory.build(land="17", ars="171620000000"))


days_since_1995 = st.dates(min_value=D(1995, 1, 1), max_value=D(2090, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    start=days_since_1995, days=st.integers(min_value=1, max_value=250), land=st.sampled_from(ALL)
)
def test_working_day_add_lands_on_a_working_day_n_working_days_later(start, days, land):
    result = working_day_add(start, days, land=land)
    assert result > start
    assert is_working_day(result, land=land)
    assert working_days_between(start, result, land=land) == days
    # The day before the result leaves one working day short.
    assert working_days_between(start, result - dt.timedelta(days=1), land=land) == days - 1


@settings(max_examples=150, deadline=None)
@given(
    start=days_since_1995,
    days=st.integers(min_value=0, max_value=60),
    months=st.integers(min_value=0, max_value=24),
    land=st.sampled_from(ALL),
)
def test_deadline_end_is_the_first_working_day_from_the_nominal_end(start, days, months, land):
    if not (days or months):
        days = 1
    end = deadline_end(start, days=days, months=months, land=land)
    # An independent reading of §188 (2)/(3) BGB: dateutil clamps to the month's last day too.
    nominal = start + relativedelta(months=months) + dt.timedelta(days=days)
    assert end >= nominal
    assert is_working_day(end, land=land)
    # §193 BGB: only Saturdays, Sundays and holidays are skipped, never a working day.
    skipped = [nominal + dt.timedelta(days=offset) for offset in range((end - nominal).days)]
    assert not any(is_working_day(day, land=land) for day in skipped)
