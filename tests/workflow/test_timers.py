"""ISO 8601 timer definitions as BPMN 2.0 uses them (timeDate, timeDuration, timeCycle)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rathaus.workflow.timers import (
    Cycle,
    Duration,
    TimerError,
    TimerNeedsExpression,
    cycle_parse,
    date_months_add,
    date_parse,
    duration_parse,
    timer_parse,
)

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def berlin(year, month, day, hour=0, minute=0, second=0):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


def utc(year, month, day, hour=0, minute=0, second=0):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def offset(hours, minutes=0):
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    # Python subtracts two datetimes of one zone on the wall clock; elapsed time needs UTC.
    return end.astimezone(UTC) - start.astimezone(UTC)


def same_instant(first: dt.datetime, second: dt.datetime) -> bool:
    return first.astimezone(UTC) == second.astimezone(UTC) and first.utcoffset() == (
        second.utcoffset()
    )


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "years", "months", "days", "time"),
    [
        ("P1Y2M10DT2H30M", 1, 2, 10, dt.timedelta(hours=2, minutes=30)),
        ("PT10M", 0, 0, 0, dt.timedelta(minutes=10)),
        ("P3W", 0, 0, 21, dt.timedelta(0)),
        ("P2W3D", 0, 0, 17, dt.timedelta(0)),
        ("PT0.5S", 0, 0, 0, dt.timedelta(milliseconds=500)),
        ("PT1.5H", 0, 0, 0, dt.timedelta(minutes=90)),
        ("PT1,5H", 0, 0, 0, dt.timedelta(minutes=90)),
        ("PT1H0.25M", 0, 0, 0, dt.timedelta(hours=1, seconds=15)),
        ("P0.5D", 0, 0, 0, dt.timedelta(hours=12)),
        ("P1.5W", 0, 0, 10, dt.timedelta(hours=12)),
        ("P1.5Y", 1, 6, 0, dt.timedelta(0)),
        ("P14M", 0, 14, 0, dt.timedelta(0)),
        ("P0D", 0, 0, 0, dt.timedelta(0)),
        ("PT0S", 0, 0, 0, dt.timedelta(0)),
        ("PT36H", 0, 0, 0, dt.timedelta(hours=36)),
        ("PT0.0000015S", 0, 0, 0, dt.timedelta(microseconds=2)),
        ("p1dt2h", 0, 0, 1, dt.timedelta(hours=2)),
        ("  P1D\n", 0, 0, 1, dt.timedelta(0)),
        # The alternative format of ISO 8601 (4.4.3.3), extended and basic.
        ("P0001-02-10T02:30:00", 1, 2, 10, dt.timedelta(hours=2, minutes=30)),
        ("P00010210T023000", 1, 2, 10, dt.timedelta(hours=2, minutes=30)),
        ("P0000-00-03", 0, 0, 3, dt.timedelta(0)),
    ],
)
def test_duration_parse_reads_every_iso_form(text, years, months, days, time):
    assert duration_parse(text) == Duration(years=years, months=months, days=days, time=time)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P1Y2M10DT2H30M", "P1Y2M10DT2H30M"),
        ("P3W", "P21D"),
        ("P14M", "P14M"),
        ("P1.5Y", "P1Y6M"),
        ("PT90M", "PT1H30M"),
        ("PT1,5S", "PT1.5S"),
        ("P0D", "PT0S"),
    ],
)
def test_duration_isoformat_writes_it_back(text, expected):
    assert duration_parse(text).isoformat() == expected
    assert duration_parse(expected) == duration_parse(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-P1D", "backwards"),
        ("P-1D", "backwards"),
        ("PT-10M", "backwards"),
        ("P1.5M", "fraction of a month"),
        ("P1.1Y", "fraction of a year"),
        ("P1.5DT1H", "only in the last component"),
        ("PT1.5H30M", "only in the last component"),
        ("", "not an ISO 8601 duration"),
        ("P", "not an ISO 8601 duration"),
        ("PT", "not an ISO 8601 duration"),
        ("P1DT", "not an ISO 8601 duration"),
        ("1D", "not an ISO 8601 duration"),
        ("P1H", "not an ISO 8601 duration"),
        ("PT1D", "not an ISO 8601 duration"),
        ("P1M1Y", "not an ISO 8601 duration"),
        ("P.5D", "not an ISO 8601 duration"),
        ("10 minutes", "not an ISO 8601 duration"),
        ("P0000-13-00", "carry-over"),
        ("PT99999999999999H", "too long"),
    ],
)
def test_duration_parse_refuses_what_iso_does_not_allow(text, message):
    with pytest.raises(TimerError, match=message) as raised:
        duration_parse(text)
    assert raised.value.text == text
    assert isinstance(raised.value, ValueError)


def test_duration_constructor_refuses_negative_parts():
    with pytest.raises(ValueError, match="backwards"):
        Duration(days=-1)
    with pytest.raises(ValueError, match="backwards"):
        Duration(time=dt.timedelta(seconds=-1))


@pytest.mark.parametrize(
    ("start", "text", "expected"),
    [
        # The day is clamped to the end of a shorter month (java.time, XML Schema).
        (dt.date(2024, 1, 31), "P1M", dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 31), "P1M", dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 31), "P1M", dt.date(2026, 4, 30)),
        (dt.date(2026, 1, 31), "P2M", dt.date(2026, 3, 31)),
        (dt.date(2024, 2, 29), "P1Y", dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), "P4Y", dt.date(2028, 2, 29)),
        # Years and months are added as one number of months, not one after the other.
        (dt.date(2024, 2, 29), "P1Y1M", dt.date(2025, 3, 29)),
        # Months first, then days.
        (dt.date(2026, 1, 31), "P1M1D", dt.date(2026, 3, 1)),
        (dt.date(2026, 12, 15), "P1M", dt.date(2027, 1, 15)),
        (dt.date(2026, 12, 31), "P3W", dt.date(2027, 1, 21)),
    ],
)
def test_calendar_months_at_month_ends(start, text, expected):
    moment = dt.datetime.combine(start, dt.time(9, 30), tzinfo=BERLIN)
    result = duration_parse(text).add_to(moment)
    assert result.date() == expected
    assert result.time() == dt.time(9, 30)


def test_date_months_add_clamps_and_goes_back():
    assert date_months_add(dt.date(2024, 3, 31), months=-1) == dt.date(2024, 2, 29)
    assert date_months_add(dt.date(2026, 12, 31), months=2) == dt.date(2027, 2, 28)
    assert date_months_add(dt.date(2026, 1, 15), months=-13) == dt.date(2024, 12, 15)


def test_one_day_over_the_spring_change_is_23_hours_of_wall_clock_day():
    start = berlin(2026, 3, 28, 12)
    one_day = duration_parse("P1D").add_to(start)
    assert one_day == berlin(2026, 3, 29, 12)
    assert one_day.utcoffset() == dt.timedelta(hours=2)
    assert elapsed(start, one_day) == dt.timedelta(hours=23)

    hours = duration_parse("PT24H").add_to(start)
    assert same_instant(hours, berlin(2026, 3, 29, 13))
    assert elapsed(start, hours) == dt.timedelta(hours=24)


def test_one_day_over_the_autumn_change_is_25_hours():
    start = berlin(2026, 10, 24, 12)
    one_day = duration_parse("P1D").add_to(start)
    assert same_instant(one_day, berlin(2026, 10, 25, 12))
    assert elapsed(start, one_day) == dt.timedelta(hours=25)

    hours = duration_parse("PT24H").add_to(start)
    assert same_instant(hours, berlin(2026, 10, 25, 11))
    assert elapsed(start, hours) == dt.timedelta(hours=24)


def test_day_and_time_parts_combine_wall_clock_and_elapsed_time():
    # P1D on the wall clock (to 29 March 12:00 CEST), then one exact hour.
    result = duration_parse("P1DT1H").add_to(berlin(2026, 3, 28, 12))
    assert same_instant(result, berlin(2026, 3, 29, 13))
    # Across the night of the change: 01:30 CET + 2 h elapsed = 04:30 CEST.
    across = duration_parse("PT2H").add_to(berlin(2026, 3, 29, 1, 30))
    assert same_instant(across, berlin(2026, 3, 29, 4, 30))
    assert across.astimezone(UTC) == utc(2026, 3, 29, 2, 30)


def test_a_wall_clock_time_in_the_spring_gap_moves_forward():
    result = duration_parse("P1D").add_to(berlin(2026, 3, 28, 2, 30))
    assert result.astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert result.replace(tzinfo=None) == dt.datetime(2026, 3, 29, 3, 30)


def test_a_wall_clock_time_that_exists_twice_keeps_the_offset_it_had():
    summer = berlin(2026, 9, 25, 2, 30)  # CEST, +02:00
    assert duration_parse("P1M").add_to(summer).astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    winter = berlin(2026, 3, 25, 2, 30)  # CET, +01:00
    assert duration_parse("P7M").add_to(winter).astimezone(UTC) == utc(2026, 10, 25, 1, 30)


def test_days_in_utc_are_24_hours():
    start = utc(2026, 3, 28, 12)
    assert duration_parse("P1D").add_to(start) == utc(2026, 3, 29, 12)


def test_zero_duration_is_the_moment_itself():
    start = berlin(2026, 5, 1, 8)
    assert duration_parse("P0D").add_to(start) == start
    assert duration_parse("P0D").is_zero


def test_add_to_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="no time zone"):
        duration_parse("P1D").add_to(dt.datetime(2026, 5, 1, 8))


def test_add_to_beyond_the_calendar_is_a_timer_error():
    with pytest.raises(TimerError, match="9999"):
        duration_parse("P9000Y").add_to(berlin(2026, 5, 1, 8))


def test_subtract_from_undoes_add_to():
    duration = duration_parse("P1M2DT3H")
    start = berlin(2026, 3, 10, 8)
    assert duration.add_to(duration.subtract_from(start)) == start
    assert duration_parse("P1M").subtract_from(berlin(2026, 3, 31, 8)) == berlin(2026, 2, 28, 8)


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-24T10:00:00Z", utc(2026, 12, 24, 10)),
        ("2026-12-24t10:00:00z", utc(2026, 12, 24, 10)),
        ("2026-12-24T10:00:00+01:00", dt.datetime(2026, 12, 24, 10, tzinfo=offset(1))),
        ("2026-12-24T10:00:00-05:30", dt.datetime(2026, 12, 24, 10, tzinfo=offset(-5, -30))),
        ("2026-12-24T10:00+0100", dt.datetime(2026, 12, 24, 10, tzinfo=offset(1))),
        ("2026-12-24T10:00+01", dt.datetime(2026, 12, 24, 10, tzinfo=offset(1))),
        ("2026-12-24T10:00:00.250Z", dt.datetime(2026, 12, 24, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2026-12-24T10:00:00,5Z", dt.datetime(2026, 12, 24, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2026-12-24T10:00:00.123456789Z", dt.datetime(2026, 12, 24, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2026-12-24T10:30.5Z", utc(2026, 12, 24, 10, 30, 30)),
        ("2026-12-24T10.25Z", utc(2026, 12, 24, 10, 15)),
        ("20261224T100000Z", utc(2026, 12, 24, 10)),
        ("2026-12-24T10:00:00", berlin(2026, 12, 24, 10)),
        ("2026-07-24T10:00:00", berlin(2026, 7, 24, 10)),
        ("2026-12-24", berlin(2026, 12, 24)),
        ("20261224", berlin(2026, 12, 24)),
        ("2026-12-24T24:00", berlin(2026, 12, 25)),
        ("2026-W52-4", berlin(2026, 12, 24)),
        ("2026W524", berlin(2026, 12, 24)),
        ("2026-358", berlin(2026, 12, 24)),
        ("2024-366", berlin(2024, 12, 31)),
        ("2026-12-24T10:00:00+01:00[Europe/Berlin]", berlin(2026, 12, 24, 10)),
        ("2026-07-24T10:00:00[Europe/Berlin]", berlin(2026, 7, 24, 10)),
        (
            "2026-12-24T10:00:00[America/New_York]",
            dt.datetime(2026, 12, 24, 10, tzinfo=ZoneInfo("America/New_York")),
        ),
        ("\n  2026-12-24T10:00:00Z  \n", utc(2026, 12, 24, 10)),
    ],
)
def test_date_parse_reads_iso_date_times(text, expected):
    result = date_parse(text, default_tz=BERLIN)
    assert result.astimezone(UTC) == expected.astimezone(UTC)
    assert result.utcoffset() == expected.utcoffset()


def test_date_parse_uses_the_default_zone_for_local_times():
    new_york = ZoneInfo("America/New_York")
    assert date_parse("2026-12-24T10:00", default_tz=new_york).astimezone(UTC) == utc(
        2026, 12, 24, 15
    )
    assert date_parse("2026-12-24", default_tz=new_york).tzinfo is new_york


def test_date_parse_moves_a_local_time_in_the_spring_gap_forward():
    result = date_parse("2026-03-29T02:30:00", default_tz=BERLIN)
    assert result.astimezone(UTC) == utc(2026, 3, 29, 1, 30)


def test_date_parse_takes_the_earlier_of_two_local_times_in_autumn():
    result = date_parse("2026-10-25T02:30:00", default_tz=BERLIN)
    assert result.astimezone(UTC) == utc(2026, 10, 25, 0, 30)


def test_date_parse_with_offset_and_region_takes_the_instant_of_the_offset():
    # Camunda's own documentation writes +02:00 for Berlin in January.
    result = date_parse("2022-01-01T10:00:00+02:00[Europe/Berlin]", default_tz=BERLIN)
    assert result.astimezone(UTC) == utc(2022, 1, 1, 8)
    assert result.tzinfo == BERLIN
    with pytest.raises(TimerError, match=r"\+01:00 at that time"):
        date_parse("2022-01-01T10:00:00+02:00[!Europe/Berlin]", default_tz=BERLIN)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-12", "not a day"),
        ("2026", "not a day"),
        ("2026-W52", "not a day"),
        ("2026-02-30", "does not exist"),
        ("2025-W53-1", "does not exist"),
        ("2026-366", "does not exist"),
        ("2026-12-24 10:00", "space"),
        ("2026-12-24T10:00:60Z", "leap second"),
        ("2026-12-24T25:00", "out of range"),
        ("2026-12-24T24:30", "24:00"),
        ("2026-12-24T10:00+25:00", "offset out of range"),
        ("20261224T10:00", "mixes"),
        ("2026-12-24T1000", "mixes"),
        ("T10:00", "not an ISO 8601 date-time"),
        ("24.12.2026", "not an ISO 8601 date-time"),
        ("tomorrow", "not an ISO 8601 date-time"),
        ("", "empty"),
        ("2026-12-24T10:00[Mars/Olympus]", "not an IANA time zone"),
    ],
)
def test_date_parse_refuses_clearly(text, message):
    with pytest.raises(TimerError, match=message) as raised:
        date_parse(text, default_tz=BERLIN)
    assert raised.value.text == text


# --- cycles ------------------------------------------------------------------------------


def test_cycle_with_count_is_due_one_period_after_the_start_each_time():
    cycle = cycle_parse("R3/PT10M", default_tz=BERLIN)
    assert cycle.repetitions == 3
    assert cycle.period == Duration(time=dt.timedelta(minutes=10))
    started = berlin(2026, 12, 1, 8)
    assert cycle.occurrences(started, limit=10) == [
        berlin(2026, 12, 1, 8, 10),
        berlin(2026, 12, 1, 8, 20),
        berlin(2026, 12, 1, 8, 30),
    ]
    assert cycle.first_due(started=started) == berlin(2026, 12, 1, 8, 10)
    # As an engine uses it: each firing asks for the next one, until there is none.
    fired = []
    due = cycle.first_due(started=started)
    while due is not None:
        fired.append(due)
        due = cycle.next_after(due, started=started)
    assert fired == [berlin(2026, 12, 1, 8, minute) for minute in (10, 20, 30)]


def test_cycle_count_applies_to_the_whole_series():
    cycle = cycle_parse("R3/PT10M", default_tz=BERLIN)
    started = berlin(2026, 12, 1, 8)
    later = cycle.occurrences(berlin(2026, 12, 1, 8, 15), limit=10, started=started)
    assert later == [berlin(2026, 12, 1, 8, 20), berlin(2026, 12, 1, 8, 30)]
    assert cycle.next_after(berlin(2026, 12, 1, 8, 30), started=started) is None


def test_unbounded_cycle_never_ends():
    cycle = cycle_parse("R/PT1H", default_tz=BERLIN)
    assert cycle.repetitions is None
    started = berlin(2026, 12, 1, 8)
    due = cycle.occurrences(started, limit=1000)
    assert len(due) == 1000
    assert due[-1] == berlin(2027, 1, 12, 0)
    assert cycle.next_after(berlin(2030, 1, 1, 0, 30), started=started) == berlin(2030, 1, 1, 1)


def test_unbounded_cycle_with_a_start_long_ago_skips_ahead_quickly():
    cycle = cycle_parse("R/2020-01-01T00:00:00Z/PT1S", default_tz=BERLIN)
    assert cycle.next_after(utc(2026, 6, 1, 12), started=utc(2026, 6, 1)) == utc(
        2026, 6, 1, 12, 0, 1
    )


def test_cycle_with_start_is_first_due_at_the_start():
    cycle = cycle_parse("R5/2026-12-01T08:00:00Z/P1D", default_tz=BERLIN)
    assert cycle.start == utc(2026, 12, 1, 8)
    before = berlin(2026, 11, 1)
    assert cycle.occurrences(before, limit=10) == [utc(2026, 12, day, 8) for day in range(1, 6)]
    assert cycle.first_due(started=before) == utc(2026, 12, 1, 8)
    # Started in the middle of the series: what is left of the five.
    assert cycle.first_due(started=utc(2026, 12, 3, 8)) == utc(2026, 12, 3, 8)
    assert cycle.next_after(utc(2026, 12, 3, 8), started=before) == utc(2026, 12, 4, 8)
    assert cycle.next_after(utc(2026, 12, 5, 8), started=before) is None


def test_cycle_with_a_local_start_stays_on_the_wall_clock_across_dst():
    cycle = cycle_parse("R/2026-03-27T09:00/P1D", default_tz=BERLIN)
    due = cycle.occurrences(berlin(2026, 3, 1), limit=4)
    assert [moment.replace(tzinfo=None) for moment in due] == [
        dt.datetime(2026, 3, day, 9) for day in (27, 28, 29, 30)
    ]
    assert elapsed(due[1], due[2]) == dt.timedelta(hours=23)


def test_cycle_with_a_utc_start_keeps_utc_days():
    cycle = cycle_parse("R/2026-03-27T08:00:00Z/P1D", default_tz=BERLIN)
    due = cycle.occurrences(berlin(2026, 3, 1), limit=3)
    assert all(
        elapsed(first, second) == dt.timedelta(hours=24)
        for first, second in itertools.pairwise(due)
    )


def test_cycle_in_the_spring_gap_does_not_drift():
    cycle = cycle_parse("R/2026-03-27T02:30/P1D", default_tz=BERLIN)
    due = cycle.occurrences(berlin(2026, 3, 1), limit=4)
    assert [moment.replace(tzinfo=None) for moment in due] == [
        dt.datetime(2026, 3, 27, 2, 30),
        dt.datetime(2026, 3, 28, 2, 30),
        dt.datetime(2026, 3, 29, 3, 30),  # 02:30 does not exist that night
        dt.datetime(2026, 3, 30, 2, 30),
    ]


def test_cycle_of_months_steps_from_one_due_time_to_the_next():
    cycle = cycle_parse("R4/2026-01-31T09:00/P1M", default_tz=BERLIN)
    due = cycle.occurrences(berlin(2026, 1, 1), limit=10)
    assert [moment.date() for moment in due] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 28),
        dt.date(2026, 4, 28),
    ]


def test_cycle_with_start_and_end_repeats_the_interval_between_them():
    cycle = cycle_parse("R2/2026-12-01T08:00:00Z/2026-12-02T08:00:00Z", default_tz=BERLIN)
    assert cycle.period == Duration(time=dt.timedelta(hours=24))
    assert cycle.occurrences(berlin(2026, 11, 1), limit=10) == [
        utc(2026, 12, 1, 8),
        utc(2026, 12, 2, 8),
    ]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("R/2026-12-01T08:00/10:00", dt.timedelta(hours=2)),
        ("R/2026-12-01T08:00Z/T09:30", dt.timedelta(minutes=90)),
        ("R/2026-12-01T08:00/03T08:00", dt.timedelta(days=2)),
        ("R/2026-12-01T08:00/12-08T08:00", dt.timedelta(days=7)),
        ("R/2026-12-01/03", dt.timedelta(days=2)),
        ("R/2026-11-30/12-01", dt.timedelta(days=1)),
    ],
)
def test_cycle_end_may_leave_out_what_it_shares_with_the_start(text, period):
    assert cycle_parse(text, default_tz=BERLIN).period == Duration(time=period)


def test_shortened_end_takes_the_zone_of_the_start():
    cycle = cycle_parse("R/2026-12-01T08:00Z/10:00", default_tz=BERLIN)
    assert cycle.start == utc(2026, 12, 1, 8)
    assert cycle.period == Duration(time=dt.timedelta(hours=2))


def test_cycle_with_duration_and_end_ends_at_the_end():
    cycle = cycle_parse("R/P1D/2026-12-31T00:00:00Z", default_tz=BERLIN)
    assert cycle.end == utc(2026, 12, 31)
    assert cycle.start is None
    due = cycle.occurrences(utc(2026, 12, 26, 12), limit=10)
    assert due == [utc(2026, 12, day) for day in (27, 28, 29, 30, 31)]
    assert cycle.next_after(utc(2026, 12, 31), started=utc(2026, 12, 1)) is None
    # Aligned to the end, not to when the timer started.
    assert cycle.first_due(started=utc(2026, 12, 1, 17)) == utc(2026, 12, 2)


def test_counted_cycle_with_end_is_the_last_n_periods():
    cycle = cycle_parse("R3/P1D/2026-12-31T00:00:00Z", default_tz=BERLIN)
    assert cycle.occurrences(utc(2026, 1, 1), limit=10) == [
        utc(2026, 12, day) for day in (29, 30, 31)
    ]
    exact = cycle_parse("R3/PT6H/2026-12-31T00:00:00Z", default_tz=BERLIN)
    assert exact.occurrences(utc(2026, 1, 1), limit=10) == [
        utc(2026, 12, 30, 12),
        utc(2026, 12, 30, 18),
        utc(2026, 12, 31),
    ]
    assert exact.occurrences(utc(2026, 12, 30, 12), limit=10) == [
        utc(2026, 12, 30, 18),
        utc(2026, 12, 31),
    ]


def test_unbounded_cycle_with_end_reaches_back_as_far_as_the_calendar():
    cycle = cycle_parse("R/PT1H/2026-12-31T00:00:00Z", default_tz=BERLIN)
    first = cycle.occurrences(utc(1, 1, 1), limit=2)
    assert first[0].year == 1
    assert elapsed(first[0], first[1]) == dt.timedelta(hours=1)
    assert (utc(2026, 12, 31) - first[0].astimezone(UTC)) % dt.timedelta(hours=1) == dt.timedelta(0)


def test_cycle_with_end_of_months_counts_back_on_the_calendar():
    cycle = cycle_parse("R3/P1M/2026-03-31T09:00", default_tz=BERLIN)
    assert [moment.date() for moment in cycle.occurrences(berlin(2025, 1, 1), limit=5)] == [
        dt.date(2026, 1, 28),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]


@pytest.mark.parametrize("text", ["R0/PT1H", "R0/2026-12-01T08:00:00Z/P1D", "R0/P1D/2026-12-31"])
def test_r0_is_never_due(text):
    cycle = cycle_parse(text, default_tz=BERLIN)
    assert cycle.repetitions == 0
    assert cycle.occurrences(berlin(2026, 1, 1), limit=5) == []
    assert cycle.first_due(started=berlin(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0 0 9-17 * * MON-FRI", "cron expressions are not supported; use ISO 8601 R/"),
        ("0 */5 * * * ?", "cron expressions are not supported"),
        ("0 0 12 ? * WED 2026", "cron expressions are not supported"),
        ("*/10 * * * *", "cron expressions are not supported"),
        ("@daily", "cron expressions are not supported"),
        ("PT10M", "a timeCycle starts with R"),
        ("R3", "no interval"),
        ("R/PT0S", "longer than zero"),
        ("R-1/PT1H", "not an ISO 8601 repeating interval"),
        ("RR/PT1H", "not an ISO 8601 repeating interval"),
        ("R3/P1D/P2D", "two durations"),
        ("R/2026-12-02T08:00/2026-12-01T08:00", "must end after it starts"),
        ("R/2026-12-01T08:00/2026-12-01T08:00", "must end after it starts"),
        ("R3/soon", "not an ISO 8601 duration"),
        ("R3/soon/P1D", "not an ISO 8601 date-time"),
        ("R3/-PT1H", "backwards"),
        ("R/PT1H/2026-12-01T00:00/2027-01-01", "4 parts"),
        ("every ten minutes", "not an ISO 8601 repeating interval"),
    ],
)
def test_cycle_parse_refuses_clearly(text, message):
    with pytest.raises(TimerError, match=message) as raised:
        cycle_parse(text, default_tz=BERLIN)
    assert raised.value.text == text


def test_cycle_refuses_inconsistent_construction():
    with pytest.raises(ValueError, match="longer than zero"):
        Cycle(repetitions=1, period=Duration())
    with pytest.raises(ValueError, match="not both"):
        Cycle(repetitions=1, period=Duration(days=1), start=utc(2026, 1, 1), end=utc(2026, 2, 1))
    with pytest.raises(ValueError, match="no time zone"):
        Cycle(repetitions=1, period=Duration(days=1), start=dt.datetime(2026, 1, 1))


@given(
    count=st.integers(min_value=1, max_value=30),
    minutes=st.integers(min_value=1, max_value=60 * 30),
    offset=st.integers(min_value=0, max_value=60 * 24 * 400),
)
def test_cycle_due_times_are_ordered_and_one_period_apart(count, minutes, offset):
    cycle = cycle_parse(f"R{count}/PT{minutes}M", default_tz=BERLIN)
    started = berlin(2026, 1, 1) + dt.timedelta(minutes=offset)
    due = cycle.occurrences(started, limit=count + 5)
    assert len(due) == count
    assert elapsed(started, due[0]) == dt.timedelta(minutes=minutes)
    assert all(elapsed(a, b) == dt.timedelta(minutes=minutes) for a, b in itertools.pairwise(due))


# --- timer definitions as the modelers write them ---------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "literal"),
    [
        ("timeDuration", "PT1H", "PT1H"),
        ("timeDuration", "\n        PT1H\n      ", "PT1H"),
        ("timeDuration", '="PT1H"', "PT1H"),
        ("timeDuration", '= "PT1H"', "PT1H"),
        ("timeDuration", '=" PT1H "', "PT1H"),
        ("timeDuration", '=duration("P1D")', "P1D"),
        ("timeDuration", 'duration("P1D")', "P1D"),
        ("timeDuration", '=duration( "P1D" )', "P1D"),
        ("timeDuration", '=@"P1D"', "P1D"),
        ("timeDate", '=date and time("2026-12-24T10:00:00")', "2026-12-24T10:00:00"),
        ("timeDate", 'date and time("2026-12-24T10:00:00")', "2026-12-24T10:00:00"),
        ("timeDate", '=date("2026-12-24")', "2026-12-24"),
        ("timeDate", '=@"2026-12-24T10:00:00"', "2026-12-24T10:00:00"),
        ("timeDate", '="2026-12-24T10:00:00Z"', "2026-12-24T10:00:00Z"),
        ("timeCycle", '= "R3/PT10M"', "R3/PT10M"),
        ("timeCycle", '=cycle(3, duration("PT1H"))', "R3/PT1H"),
        ("timeCycle", '=cycle(duration("PT1H"))', "R/PT1H"),
        ("timeCycle", '=cycle(null, duration("P7D"))', "R/P7D"),
    ],
)
def test_timer_parse_unwraps_literals(kind, text, literal):
    spec = timer_parse(kind, text, default_tz=BERLIN)
    assert spec.kind == kind
    assert spec.literal == literal


def test_timer_parse_gives_the_value_of_its_kind():
    duration = timer_parse("timeDuration", '="PT1H"', default_tz=BERLIN)
    assert duration.duration == Duration(time=dt.timedelta(hours=1))
    assert duration.moment is None
    assert duration.cycle is None

    date = timer_parse("timeDate", '=date and time("2026-12-24T10:00:00")', default_tz=BERLIN)
    assert date.moment == berlin(2026, 12, 24, 10)

    zoned = timer_parse(
        "timeDate", '=date and time("2026-07-24T10:00:00@Europe/Berlin")', default_tz=UTC
    )
    assert zoned.moment is not None
    assert zoned.moment.astimezone(UTC) == utc(2026, 7, 24, 8)

    cycle = timer_parse("timeCycle", '=cycle(3, duration("PT1H"))', default_tz=BERLIN)
    assert cycle.cycle == Cycle(repetitions=3, period=Duration(time=dt.timedelta(hours=1)))


def test_timer_spec_due_times():
    started = berlin(2026, 3, 28, 12)
    duration = timer_parse("timeDuration", "P1D", default_tz=BERLIN)
    assert duration.first_due(started=started) == berlin(2026, 3, 29, 12)
    assert duration.next_after(berlin(2026, 3, 29, 12), started=started) is None

    date = timer_parse("timeDate", "2026-12-24", default_tz=BERLIN)
    assert date.first_due(started=started) == berlin(2026, 12, 24)

    cycle = timer_parse("timeCycle", "R2/PT1H", default_tz=BERLIN)
    assert cycle.first_due(started=started) == berlin(2026, 3, 28, 13)
    assert cycle.next_after(berlin(2026, 3, 28, 13), started=started) == berlin(2026, 3, 28, 14)
    assert cycle.next_after(berlin(2026, 3, 28, 14), started=started) is None


@pytest.mark.parametrize(
    ("text", "expression", "template"),
    [
        ("${dueDate}", "dueDate", False),
        ("  ${ dueDate }\n", "dueDate", False),
        ("#{timers.reminder(case)}", "timers.reminder(case)", False),
        ("R3/${interval}", "R3/${interval}", True),
    ],
)
def test_camunda_7_expressions_are_for_the_process_to_evaluate(text, expression, template):
    with pytest.raises(TimerNeedsExpression, match="evaluated by the process") as raised:
        timer_parse("timeDuration", text, default_tz=BERLIN)
    assert raised.value.language == "juel"
    assert raised.value.expression == expression
    assert raised.value.template is template
    assert isinstance(raised.value, TimerError)


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("=remainingTime", "remainingTime"),
        (
            '=date and time(expirationDate) - date and time("2026-01-01T00:00:00")',
            'date and time(expirationDate) - date and time("2026-01-01T00:00:00")',
        ),
        ('= now() + duration("P1D")', 'now() + duration("P1D")'),
        ("=duration(reminderPeriod)", "duration(reminderPeriod)"),
    ],
)
def test_feel_expressions_are_for_the_process_to_evaluate(text, expression):
    with pytest.raises(TimerNeedsExpression) as raised:
        timer_parse("timeDuration", text, default_tz=BERLIN)
    assert raised.value.language == "feel"
    assert raised.value.expression == expression


def test_the_evaluated_result_parses_like_a_literal():
    variables = {"reminder": "R/P1D"}
    with pytest.raises(TimerNeedsExpression) as raised:
        timer_parse("timeCycle", "=reminder", default_tz=BERLIN)
    evaluated = variables[raised.value.expression]  # what the FEEL evaluator would give
    assert timer_parse("timeCycle", evaluated, default_tz=BERLIN).cycle == Cycle(
        repetitions=None, period=Duration(days=1)
    )


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (
            "timeCycle",
            "0 0 9-17 * * MON-FRI",
            "cron expressions are not supported; use ISO 8601 R/",
        ),
        ("timeCycle", '="0 0 9-17 * * MON-FRI"', "cron expressions are not supported"),
        ("timeDuration", "0 0 9-17 * * MON-FRI", "cron expression"),
        ("timeDuration", "garbage", "not an ISO 8601 duration"),
        ("timeDate", "garbage", "not an ISO 8601 date-time"),
        ("timeCycle", "garbage", "not an ISO 8601 repeating interval"),
        ("timeDuration", "", "empty"),
        ("timeDuration", "   \n ", "empty"),
        ("timeDuration", '"PT1H"', "quotes"),
        ("timeDuration", '=""', "not an ISO 8601 duration"),
        ("timeDuration", "= ", "empty FEEL expression"),
        ("timeDate", '=duration("P1D")', "needs a date-time"),
        ("timeDuration", '=date and time("2026-12-24T10:00:00")', "needs a duration"),
        ("timeCycle", '=duration("PT1H")', "needs a repeating interval"),
        ("timeDuration", "-PT10M", "backwards"),
        ("timeDuration", '="-PT10M"', "backwards"),
        ("timeDuration", '="P1\\qD"', "unknown escape"),
    ],
)
def test_timer_parse_refuses_clearly(kind, text, message):
    with pytest.raises(TimerError, match=message) as raised:
        timer_parse(kind, text, default_tz=BERLIN)
    assert not isinstance(raised.value, TimerNeedsExpression)
    assert raised.value.text == text


def test_timer_parse_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown timer kind"):
        timer_parse("timeSomething", "PT1H", default_tz=BERLIN)  # type: ignore[arg-type]
