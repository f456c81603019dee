"""Working days and statutory deadlines with the public holidays of a municipality's Land.

A working day is Monday to Friday and not a public holiday of the Land (from the `holidays`
package, which follows the Länder's Feiertagsgesetze). Saturday is not a working day: the
administration does not work on Saturdays, and the rules that count deadlines treat it like
Sunday (§193 BGB, §31 (3) VwVfG: "Sonnabend"). 24 and 31 December are working days: offices
often close, but they are no public holidays, so a deadline may end on them.

Holidays of part of a Land only: the Augsburger Hohes Friedensfest (8 August, the city of
Augsburg), Mariä Himmelfahrt (15 August, the Bavarian municipalities with a predominantly
Catholic population) and Fronleichnam in the Catholic municipalities of Sachsen (Sorbian
area) and Thüringen (mainly the Eichsfeld). The `holidays` package lists the last three in its
"catholic" category and Augsburg as a subdivision of its own. `land_holidays(…, "BY")` and
the other functions give the holidays of the whole Land; `catholic_community=True` adds
the Catholic-community holidays of BY, SN and TH (nothing changes in other Länder).
Augsburg's Friedensfest is not covered; a municipality that needs it cannot express it yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays

from rathaus.municipalities.keys import LAENDER
from rathaus.workflow.timers import date_months_add

if TYPE_CHECKING:
    from rathaus.municipalities.models import Municipality

# The Land keys of the ARS/AGS (first two digits, `municipalities.keys.LAENDER`) and the
# ISO 3166-2:DE codes the `holidays` package uses.
LAND_CODES_BY_KEY = {
    "01": "SH",
    "02": "HH",
    "03": "NI",
    "04": "HB",
    "05": "NW",
    "06": "HE",
    "07": "RP",
    "08": "BW",
    "09": "BY",
    "10": "SL",
    "11": "BE",
    "12": "BB",
    "13": "MV",
    "14": "SN",
    "15": "ST",
    "16": "TH",
}
LAND_CODES = frozenset(LAND_CODES_BY_KEY.values())
# The holiday calendar of reunified Germany starts in 1991; earlier years would silently
# have no holidays at all.
FIRST_YEAR = 1991


def _land_check(land: str) -> str:
    if land not in LAND_CODES:
        raise ValueError(
            f"“{land}” is not a German Land; use one of {', '.join(sorted(LAND_CODES))}."
        )
    return land


@lru_cache(maxsize=1024)
def _holidays_of_year(land: str, year: int, catholic_community: bool) -> dict[dt.date, str]:
    if year < FIRST_YEAR:
        raise ValueError(
            f"Public holidays are known from {FIRST_YEAR} on; {year} is too early for a deadline."
        )
    categories = ("public", "catholic") if catholic_community else ("public",)
    calendar = holidays.country_holidays(
        "DE", subdiv=land, years=year, categories=categories, language="de"
    )
    return {day: str(name) for day, name in calendar.items()}


def land_holidays(
    land: str, years: int | Iterable[int], *, catholic_community: bool = False
) -> dict[dt.date, str]:
    """The public holidays of `land` (BW, BY, BE, … as in ISO 3166-2:DE) in `years`, with
    their German names; `catholic_community` adds the holidays of Catholic communities only
    (BY: Mariä Himmelfahrt; SN, TH: Fronleichnam). Raises ValueError for an unknown Land."""
    _land_check(land)
    wanted = [years] if isinstance(years, int) else sorted(set(years))
    result: dict[dt.date, str] = {}
    for year in wanted:
        result.update(_holidays_of_year(land, year, catholic_community))
    return result


def is_working_day(day: dt.date, *, land: str, catholic_community: bool = False) -> bool:
    """Whether `day` is Monday to Friday and no public holiday of `land`."""
    _land_check(land)
    if day.weekday() >= 5:
        return False
    return day not in _holidays_of_year(land, day.year, catholic_community)


def working_day_add(
    start: dt.date, days: int, *, land: str, catholic_community: bool = False
) -> dt.date:
    """The `days`-th working day after `start` (`start` itself does not count). With 0:
    `start` if it is a working day, otherwise the next working day. Negative: ValueError."""
    _land_check(land)
    if days < 0:
        raise ValueError(f"working_day_add counts forward only; got {days} days.")
    day = start
    if days == 0:
        while not is_working_day(day, land=land, catholic_community=catholic_community):
            day += dt.timedelta(days=1)
        return day
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day, land=land, catholic_community=catholic_community):
            remaining -= 1
    return day


def working_days_between(
    start: dt.date, end: dt.date, *, land: str, catholic_community: bool = False
) -> int:
    """The number of working days after `start` up to and including `end`, so that
    `working_days_between(s, working_day_add(s, n)) == n` for n ≥ 1. When `end` lies before
    `start` the count is negative (the working days overdue)."""
    _land_check(land)
    if end < start:
        return -working_days_between(end, start, land=land, catholic_community=catholic_community)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, land=land, catholic_community=catholic_community):
            count += 1
    return count


def deadline_end(
    start: dt.date,
    *,
    days: int = 0,
    weeks: int = 0,
    months: int = 0,
    land: str,
    catholic_community: bool = False,
) -> dt.date:
    """The last day of a statutory deadline (Frist) that starts with the event on `start`
    (e.g. the day of notification), by §31 VwVfG with §§187–193 BGB:

    1. §187 (1) BGB: the day of the event does not count; the period starts the next day.
    2. §188 (1) BGB: a period of days ends with its last day, i.e. `start + days`.
    3. §188 (2) BGB: a period of weeks or months ends on the day of the last week or month
       that has the weekday or number of the event's day (`start + 7·weeks`, the same day of
       the month `months` later).
    4. §188 (3) BGB: if that month has no such day, the period ends on its last day
       (31 January + 1 month → 28 or 29 February).
    5. Periods combined of months and weeks/days: the months first, then weeks and days
       (as §189 (2) BGB does for "one and a half months").
    6. §31 (3) VwVfG / §193 BGB: if the last day is a Saturday, Sunday or public holiday of
       `land`, the deadline ends at the end of the next working day.

    Not covered: §31 (3) sentence 2 VwVfG (a date set by the authority with a note that it
    stands even on a holiday — then do not call this) and periods beginning at the start of
    a day (§187 (2) BGB: ages, the day of a contract's start). ValueError for a negative or
    empty period."""
    _land_check(land)
    if min(days, weeks, months) < 0:
        raise ValueError("A deadline cannot run backwards: days, weeks and months must be ≥ 0.")
    if not (days or weeks or months):
        raise ValueError("A deadline needs a length: give days, weeks or months.")
    last = date_months_add(start, months=months) + dt.timedelta(weeks=weeks, days=days)
    return working_day_add(last, 0, land=land, catholic_community=catholic_community)


def municipality_land(municipality: Municipality) -> str:
    """The Land code (e.g. "RP") of a municipality, from its stored Land key ("07") or,
    if that is empty, from the first two digits of its ARS."""
    key = municipality.land or (municipality.ars or "")[:2]
    if key not in LAND_CODES_BY_KEY:
        raise ValueError(
            f"The municipality “{municipality}” has no valid Land key (got “{key}”); "
            f"the ARS starts with one of {', '.join(sorted(LAENDER))}."
        )
    return LAND_CODES_BY_KEY[key]
