"""§41 (2a) VwVfG dates: calendar days in Europe/Berlin across DST changes, month and year
ends and leap days, whatever the moment's own zone."""

import datetime as dt

import pytest

from rathaus.core.legal_time import (
    BERLIN,
    end_of_day,
    local_date,
    notified_on,
    retrieval_ends_at,
    retrieval_last_day,
)

UTC = dt.UTC


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("retrieved_at", "notified"),
    [
        (berlin(2026, 3, 10, 12, 0), dt.date(2026, 3, 11)),
        # 23:30 UTC on 10 March is 00:30 on 11 March in Berlin: the Berlin day counts.
        (dt.datetime(2026, 3, 10, 23, 30, tzinfo=UTC), dt.date(2026, 3, 12)),
        (dt.datetime(2026, 7, 31, 22, 30, tzinfo=UTC), dt.date(2026, 8, 2)),  # 00:30 CEST 1 Aug
        (berlin(2026, 12, 31, 23, 59), dt.date(2027, 1, 1)),  # year end
        (berlin(2028, 2, 28, 9, 0), dt.date(2028, 2, 29)),  # leap day
        (berlin(2028, 2, 29, 9, 0), dt.date(2028, 3, 1)),
        (berlin(2027, 2, 28, 9, 0), dt.date(2027, 3, 1)),  # no leap day
    ],
)
def test_notified_the_day_after_retrieval(retrieved_at, notified):
    assert notified_on(retrieved_at) == notified


@pytest.mark.parametrize(
    ("sent_at", "last_day"),
    [
        (berlin(2026, 3, 1, 10, 0), dt.date(2026, 3, 11)),
        (berlin(2026, 3, 25, 10, 0), dt.date(2026, 4, 4)),  # across the spring DST change
        (berlin(2026, 10, 20, 10, 0), dt.date(2026, 10, 30)),
        (berlin(2026, 10, 24, 23, 30), dt.date(2026, 11, 3)),  # across the autumn change
        (berlin(2026, 12, 25, 8, 0), dt.date(2027, 1, 4)),  # year end
        (berlin(2028, 2, 20, 8, 0), dt.date(2028, 3, 1)),  # leap year: 29 Feb counts
        (berlin(2027, 2, 20, 8, 0), dt.date(2027, 3, 2)),
        (dt.datetime(2026, 5, 31, 22, 15, tzinfo=UTC), dt.date(2026, 6, 11)),  # 00:15 on 1 June
    ],
)
def test_retrieval_ends_with_the_tenth_day_after_the_notice(sent_at, last_day):
    assert retrieval_last_day(sent_at) == last_day
    ends = retrieval_ends_at(sent_at)
    assert ends.tzinfo is not None
    # The end is midnight in Berlin after the last day, not midnight UTC.
    assert ends.astimezone(BERLIN).time() == dt.time(0, 0)
    assert ends.astimezone(BERLIN).date() == last_day + dt.timedelta(days=1)
    assert local_date(ends - dt.timedelta(microseconds=1)) == last_day


def test_end_of_day_follows_daylight_saving_time():
    # 29 March 2026 has 23 hours in Berlin, 25 October 2026 has 25.
    assert end_of_day(dt.date(2026, 3, 28)) == dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end_of_day(dt.date(2026, 3, 29)) == dt.datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert end_of_day(dt.date(2026, 10, 24)) == dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert end_of_day(dt.date(2026, 10, 25)) == dt.datetime(2026, 10, 25, 23, 0, tzinfo=UTC)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(dt.datetime(2026, 3, 1, 10, 0))
