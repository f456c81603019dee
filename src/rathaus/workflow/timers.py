"""BPMN 2.0 timer definitions (`timeDate`, `timeDuration`, `timeCycle`) in ISO 8601.

BPMN 2.0.2 (Timer Event Definition) makes the three expressions and names ISO 8601 for
them: a date-time, a duration and a recurring time interval. Camunda 7 and 8, bpmn.io and
Signavio write ISO 8601 there (Camunda also cron and expressions, see `timer_parse`). This
module reads them without any Django model, so the engine, the model checks and the tests
share one reading:

* `duration_parse` — durations (`P1Y2M10DT2H30M`, `P3W`, `PT1,5H`, `P0001-02-10T02:30:00`);
* `date_parse` — a point in time for `timeDate`;
* `cycle_parse` — repeating intervals for `timeCycle` (`R3/PT10M`, `R/start/P1D`, …);
* `timer_parse` — one of the three as written in a model, with the expression wrappers
  other tools put around a literal (`="PT10M"`, `duration("P1D")`, `${…}`).

Decisions where the standards leave room (each follows java.time, which Camunda 8 uses,
and the XML Schema `dateTime + duration` algorithm, which Camunda 7 uses):

* Years and months are calendar units. `P1M` from 31 January is the last day of February
  (the day is clamped to the month's length); years and months are added as one number of
  months, so 2024-02-29 + `P1Y1M` is 2025-03-29, as in java.time and XML Schema.
* Years, months, weeks and days are added on the wall clock of the moment's own time
  zone; hours, minutes and seconds are exact elapsed time. So `P1D` from 2026-03-28 12:00
  Europe/Berlin is 2026-03-29 12:00 (23 hours later, the clocks went forward) while `PT24H`
  is 2026-03-29 13:00. A wall-clock time that does not exist (the spring gap) moves forward
  by the gap's length; one that exists twice (autumn) keeps the moment's offset if it can,
  otherwise the earlier one — both as java.time's `ZonedDateTime` does.
* A fraction is allowed on the last component only (ISO 8601). A fraction of a week or day
  becomes exact time (`P0.5D` = `PT12H`); a fraction of a year must be whole months
  (`P1.5Y` = `P1Y6M`); a fraction of a month has no fixed length and is refused. Fractions
  of a second finer than a microsecond are rounded to the microsecond.
* Negative durations are refused: a timer cannot run backwards.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

TimerKind = Literal["timeDate", "timeDuration", "timeCycle"]
ExpressionLanguage = Literal["feel", "juel"]

_MICROSECONDS_PER = {
    "day": 86_400_000_000,
    "hour": 3_600_000_000,
    "minute": 60_000_000,
    "second": 1_000_000,
}


# Names of a duration's components and of the kinds of date in messages (msgids).
_FIELD_NAMES = {
    "years": gettext_noop("years"),
    "months": gettext_noop("months"),
    "weeks": gettext_noop("weeks"),
    "days": gettext_noop("days"),
    "hours": gettext_noop("hours"),
    "minutes": gettext_noop("minutes"),
    "seconds": gettext_noop("seconds"),
}
_DATE_KINDS = {
    "calendar": gettext_noop("calendar date"),
    "week": gettext_noop("week date"),
    "ordinal": gettext_noop("ordinal date"),
}


class TimerError(ValueError):
    """A timer definition that cannot be used; the message names the text and the problem."""

    def __init__(self, message: str, *, text: str) -> None:
        super().__init__(message)
        self.text = text


class TimerNeedsExpression(TimerError):
    """The timer is an expression, not a literal: the process has to evaluate it first.

    `expression` is what to hand to the evaluator: for FEEL (Camunda 8, `=…`) the text after
    the `=`; for JUEL (Camunda 7, `${…}` / `#{…}`) the text between the braces, or — when the
    expression is embedded in literal text such as `R3/${interval}` (`template` is True) —
    the whole text, which JUEL evaluates as a composite expression. The result goes to
    `timer_parse` again.
    """

    def __init__(
        self, *, text: str, expression: str, language: ExpressionLanguage, template: bool = False
    ) -> None:
        super().__init__(
            _(
                "The timer “%(text)s” is an expression (%(language)s), not an ISO 8601 "
                "literal; expressions are evaluated by the process: evaluate “%(expression)s” "
                "and parse the result again."
            )
            % {"text": text, "language": language.upper(), "expression": expression},
            text=text,
        )
        self.expression = expression
        self.language = language
        self.template = template


# --- durations --------------------------------------------------------------------------

_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"""^P
    (?:(?P<years>{_NUMBER})Y)?
    (?:(?P<months>{_NUMBER})M)?
    (?:(?P<weeks>{_NUMBER})W)?
    (?:(?P<days>{_NUMBER})D)?
    (?:T
        (?:(?P<hours>{_NUMBER})H)?
        (?:(?P<minutes>{_NUMBER})M)?
        (?:(?P<seconds>{_NUMBER})S)?
    )?$""",
    re.VERBOSE,
)
# The "alternative format" of ISO 8601 (4.4.3.3): PYYYY-MM-DDThh:mm:ss or PYYYYMMDDThhmmss.
_DURATION_ALTERNATIVE = re.compile(
    r"""^P(?P<years>\d{4})(?P<dash>-?)(?P<months>\d{2})(?P=dash)(?P<days>\d{2})
    (?:T
        (?P<hours>\d{2})(?P<colon>:?)(?P<minutes>\d{2})(?P=colon)(?P<seconds>\d{2}(?:[.,]\d+)?)
    )?$""",
    re.VERBOSE,
)
_DURATION_FIELDS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")


@dataclass(frozen=True)
class Duration:
    """A non-negative ISO 8601 duration: calendar months and days plus exact time.

    Weeks are kept as days (1W = 7D, also on the wall clock). `time` holds hours, minutes,
    seconds and the exact remainder of a fractional week or day.
    """

    years: int = 0
    months: int = 0
    days: int = 0
    time: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if min(self.years, self.months, self.days) < 0 or self.time < timedelta(0):
            raise ValueError("A duration cannot be negative: a timer cannot run backwards.")

    @property
    def total_months(self) -> int:
        """Years and months as one number of months (how both are added)."""
        return self.years * 12 + self.months

    @property
    def is_exact(self) -> bool:
        """True when the duration has no calendar part (its length never depends on a date)."""
        return self.total_months == 0 and self.days == 0

    @property
    def is_zero(self) -> bool:
        """True for `P0D` / `PT0S`."""
        return self.is_exact and self.time == timedelta(0)

    def isoformat(self) -> str:
        """The duration in ISO 8601 (weeks written as days), e.g. `P1Y2M10DT2H30M`."""
        text = "P"
        if self.years:
            text += f"{self.years}Y"
        if self.months:
            text += f"{self.months}M"
        if self.days:
            text += f"{self.days}D"
        microseconds = self.time // timedelta(microseconds=1)
        if microseconds:
            hours, rest = divmod(microseconds, _MICROSECONDS_PER["hour"])
            minutes, rest = divmod(rest, _MICROSECONDS_PER["minute"])
            seconds, fraction = divmod(rest, _MICROSECONDS_PER["second"])
            text += "T"
            if hours:
                text += f"{hours}H"
            if minutes:
                text += f"{minutes}M"
            if seconds or fraction:
                text += f"{seconds}.{fraction:06d}".rstrip("0").rstrip(".") + "S"
        return text if text != "P" else "PT0S"

    def add_to(self, moment: datetime) -> datetime:
        """`moment` plus this duration: months and days on `moment`'s wall clock, then the
        exact time (see the module docstring for DST and month ends)."""
        try:
            return self._shift(moment, forward=True)
        except OverflowError:
            raise TimerError(
                _("Adding “%(duration)s” to %(moment)s goes past the year 9999.")
                % {"duration": self.isoformat(), "moment": moment.isoformat()},
                text=self.isoformat(),
            ) from None

    def subtract_from(self, moment: datetime) -> datetime:
        """`moment` minus this duration, the inverse order of `add_to` (exact time first,
        then days, then months), so `d.add_to(d.subtract_from(m))` is `m` unless a month end
        was clamped."""
        try:
            return self._shift(moment, forward=False)
        except OverflowError:
            raise TimerError(
                _("Subtracting “%(duration)s” from %(moment)s goes before the year 1.")
                % {"duration": self.isoformat(), "moment": moment.isoformat()},
                text=self.isoformat(),
            ) from None

    def _shift(self, moment: datetime, *, forward: bool) -> datetime:
        if forward:
            return _instant_add(self._wall_shift(moment, forward=True), self.time)
        return self._wall_shift(_instant_add(moment, -self.time), forward=False)

    def _wall_shift(self, moment: datetime, *, forward: bool) -> datetime:
        if self.total_months == 0 and self.days == 0:
            return moment
        wall = self._wall_step(moment.replace(tzinfo=None), forward=forward)
        return _wall_resolve(wall, _zone_of(moment), prefer_offset=moment.utcoffset())

    def _wall_step(self, wall: datetime, *, forward: bool) -> datetime:
        """The naive wall-clock time one duration (calendar part only) later or earlier."""
        if forward:
            day = date_months_add(wall.date(), months=self.total_months)
            day = _date_days_add(day, self.days)
        else:
            day = _date_days_add(wall.date(), -self.days)
            day = date_months_add(day, months=-self.total_months)
        return datetime.combine(day, wall.time())


def date_months_add(day: date, *, months: int) -> date:
    """`day` moved by `months` calendar months (negative: back); a day the target month does
    not have becomes its last day (31 January + 1 month = 28/29 February), as in java.time,
    XML Schema and §188(3) BGB."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date_days_add(day: date, days: int) -> date:
    return day + timedelta(days=days)


def duration_parse(text: str) -> Duration:
    """Parse an ISO 8601 duration (`P1Y2M10DT2H30M`, `PT10M`, `P3W`, `PT1,5H`, `P0D`, the
    alternative format `P0001-02-10T02:30:00`); see the module docstring for fractions and
    calendar units. Raises `TimerError` for anything else, including negative durations."""
    source = text
    value = text.strip().upper()
    if value.startswith("-") or re.search(r"[A-Z]-\d", value):
        raise TimerError(
            _(
                "“%(text)s” is a negative duration; a timer cannot run backwards. "
                "Write a positive duration such as P1D."
            )
            % {"text": source},
            text=source,
        )
    alternative = _DURATION_ALTERNATIVE.match(value)
    if alternative:
        return _duration_alternative(source, alternative)
    match = _DURATION.match(value)
    if not match or value in {"P", "PT"} or value.endswith("T"):
        raise TimerError(
            _(
                "“%(text)s” is not an ISO 8601 duration. Write P, then years (Y), months (M), "
                "weeks (W) and days (D), then T and hours (H), minutes (M) and seconds (S), "
                "e.g. P10D, PT10M or P1DT12H."
            )
            % {"text": source},
            text=source,
        )
    present = [(field, match.group(field)) for field in _DURATION_FIELDS if match.group(field)]
    if not present:
        raise TimerError(
            _("“%(text)s” names no amount; write e.g. P0D for a duration of zero.")
            % {"text": source},
            text=source,
        )
    for field, number in present[:-1]:
        if not number.isdigit():
            raise TimerError(
                _(
                    "“%(text)s” has a fraction in its %(field)s; ISO 8601 allows a fraction only "
                    "in the last component (e.g. PT1H30M or PT1.5H)."
                )
                % {"text": source, "field": _(_FIELD_NAMES[field])},
                text=source,
            )
    numbers = {field: Decimal(number.replace(",", ".")) for field, number in present}
    return _duration_build(source, numbers)


def _duration_alternative(source: str, match: re.Match[str]) -> Duration:
    numbers = {
        field: Decimal(match.group(field).replace(",", "."))
        for field in ("years", "months", "days", "hours", "minutes", "seconds")
        if match.group(field) is not None
    }
    # The alternative format must not exceed the carry-over points (ISO 8601 4.4.3.3).
    limits = {"months": 12, "days": 30, "hours": 24, "minutes": 60, "seconds": 60}
    for field, limit in limits.items():
        if numbers.get(field, Decimal(0)) > limit:
            raise TimerError(
                _(
                    "“%(text)s” exceeds the carry-over point of its %(field)s (%(limit)s); the "
                    "alternative format P0001-02-10T02:30:00 counts like a calendar."
                )
                % {"text": source, "field": _(_FIELD_NAMES[field]), "limit": limit},
                text=source,
            )
    return _duration_build(source, numbers)


def _duration_build(source: str, numbers: dict[str, Decimal]) -> Duration:
    years = numbers.get("years", Decimal(0))
    months = numbers.get("months", Decimal(0))
    if months != months.to_integral_value():
        raise TimerError(
            _(
                "“%(text)s” has a fraction of a month, which has no fixed length; "
                "write whole months and days instead (e.g. P1M15D)."
            )
            % {"text": source},
            text=source,
        )
    # Years and months stay as written (P14M is not rewritten as P1Y2M); only a fraction of a
    # year becomes months.
    whole_years = int(years.to_integral_value(rounding=ROUND_DOWN))
    total_months = (years - whole_years) * 12 + months
    if total_months != total_months.to_integral_value():
        raise TimerError(
            _(
                "“%(text)s” has a fraction of a year that is not a whole number of months; "
                "write months instead (e.g. P1Y6M for P1.5Y)."
            )
            % {"text": source},
            text=source,
        )
    day_amount = numbers.get("weeks", Decimal(0)) * 7 + numbers.get("days", Decimal(0))
    whole_days = int(day_amount.to_integral_value(rounding=ROUND_DOWN))
    microseconds = (
        (day_amount - whole_days) * _MICROSECONDS_PER["day"]
        + numbers.get("hours", Decimal(0)) * _MICROSECONDS_PER["hour"]
        + numbers.get("minutes", Decimal(0)) * _MICROSECONDS_PER["minute"]
        + numbers.get("seconds", Decimal(0)) * _MICROSECONDS_PER["second"]
    )
    try:
        exact = timedelta(microseconds=int(microseconds.quantize(1, rounding=ROUND_HALF_EVEN)))
    except OverflowError:
        raise TimerError(
            _("“%(text)s” is too long to be a timer.") % {"text": source}, text=source
        ) from None
    return Duration(years=whole_years, months=int(total_months), days=whole_days, time=exact)


# --- points in time ---------------------------------------------------------------------

_ZONE_SUFFIX = re.compile(r"(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)$")
_REGION_SUFFIX = re.compile(r"\[(?P<critical>!?)(?P<region>[^\[\]]+)\]$")
_CLOCK_EXTENDED = re.compile(
    r"^(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?(?:[.,](?P<fraction>\d+))?$"
)
_CLOCK_BASIC = re.compile(
    r"^(?P<hour>\d{2})(?:(?P<minute>\d{2})(?P<second>\d{2})?)?(?:[.,](?P<fraction>\d+))?$"
)


def date_parse(text: str, *, default_tz: tzinfo) -> datetime:
    """Parse an ISO 8601 date-time for `timeDate` into an aware datetime.

    Accepted: `2026-12-24T10:00:00Z`, an offset (`+01:00`, `+0100`, `+01`), fractions of the
    last time component (`10:00:00.5`, `10:30,5`), basic format (`20261224T100000Z`), a
    region in brackets as Camunda 8 and RFC 9557 write it (`…+01:00[Europe/Berlin]`: the
    offset gives the instant, the region the zone for later calendar arithmetic), week
    dates (`2026-W52-4`) and ordinal dates (`2026-358`), and `24:00` for the end of a day.
    Without a zone the time is wall-clock time in `default_tz`; a date alone is the start of
    that day in `default_tz`. Reduced precision (`2026-12`), times without a date, leap
    seconds and a space instead of `T` are refused with a `TimerError`.
    """
    source = text
    value = text.strip()
    if not value:
        raise TimerError(_("The date is empty; write e.g. 2026-12-24T10:00:00Z."), text=source)
    region: ZoneInfo | None = None
    region_match = _REGION_SUFFIX.search(value)
    if region_match:
        try:
            region = ZoneInfo(region_match.group("region"))
        except (ZoneInfoNotFoundError, ValueError):
            raise TimerError(
                _(
                    "“%(text)s” names the time zone “%(zone)s”, which is not an IANA time zone "
                    "such as Europe/Berlin."
                )
                % {"text": source, "zone": region_match.group("region")},
                text=source,
            ) from None
        value = value[: region_match.start()]
    if " " in value:
        raise TimerError(
            _(
                "“%(text)s” separates date and time with a space; ISO 8601 needs a “T” "
                "(e.g. 2026-12-24T10:00:00)."
            )
            % {"text": source},
            text=source,
        )
    date_text, separator, time_text = value.partition("T" if "T" in value else "t")
    day = _calendar_date_parse(date_text, source=source)
    offset: timedelta | None = None
    if separator:
        zone_match = _ZONE_SUFFIX.search(time_text)
        if zone_match:
            offset = _offset_parse(zone_match.group("zone"), source=source)
            time_text = time_text[: zone_match.start()]
        wall = _clock_apply(day, time_text, extended_date="-" in date_text, source=source)
    else:
        wall = datetime.combine(day, time(0))

    if region is not None:
        if offset is None:
            return _wall_resolve(wall, region, prefer_offset=None)
        # The offset fixes the instant, the region the zone it is seen in (java.time does the
        # same); a contradiction is an error only when the region is marked critical ("[!…]",
        # RFC 9557) — Camunda's own example `2022-01-01T10:00:00+02:00[Europe/Berlin]` has one.
        moment = (wall - offset).replace(tzinfo=UTC).astimezone(region)
        if moment.utcoffset() != offset and region_match and region_match.group("critical"):
            raise TimerError(
                _(
                    "“%(text)s” gives the offset %(offset)s, but %(zone)s has %(actual)s at that "
                    "time; correct the offset or leave it out."
                )
                % {
                    "text": source,
                    "offset": _offset_format(offset),
                    "zone": region.key,
                    "actual": _offset_format(moment.utcoffset() or timedelta(0)),
                },
                text=source,
            )
        return moment
    if offset is not None:
        zone: tzinfo = UTC if offset == timedelta(0) else timezone(offset)
        return wall.replace(tzinfo=zone)
    return _wall_resolve(wall, default_tz, prefer_offset=None)


def _calendar_date_parse(text: str, *, source: str) -> date:
    patterns: tuple[tuple[str, str], ...] = (
        ("calendar", r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$"),
        ("calendar", r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$"),
        ("week", r"^(?P<year>\d{4})-?W(?P<week>\d{2})-?(?P<weekday>\d)$"),
        ("ordinal", r"^(?P<year>\d{4})-?(?P<ordinal>\d{3})$"),
    )
    for kind, pattern in patterns:
        match = re.match(pattern, text, re.IGNORECASE)
        if not match:
            continue
        numbers = {key: int(number) for key, number in match.groupdict().items()}
        try:
            if kind == "calendar":
                return date(numbers["year"], numbers["month"], numbers["day"])
            if kind == "week":
                return date.fromisocalendar(numbers["year"], numbers["week"], numbers["weekday"])
            ordinal = numbers["ordinal"]
            first = date(numbers["year"], 1, 1)
            result = first + timedelta(days=ordinal - 1)
            if ordinal < 1 or result.year != first.year:
                raise ValueError("day of year out of range")
            return result
        except ValueError:
            raise TimerError(
                _("“%(text)s” is not a valid date (the %(kind)s “%(date)s” does not exist).")
                % {"text": source, "kind": _(_DATE_KINDS[kind]), "date": text},
                text=source,
            ) from None
    if re.match(r"^\d{4}(-\d{2}|-?W\d{2})?$", text, re.IGNORECASE):
        raise TimerError(
            _(
                "“%(text)s” names a year, month or week, not a day; a timer needs a day "
                "(e.g. 2026-12-24) and, if it matters, a time."
            )
            % {"text": source},
            text=source,
        )
    raise TimerError(
        _(
            "“%(text)s” is not an ISO 8601 date-time; write e.g. 2026-12-24T10:00:00Z, "
            "2026-12-24T10:00:00+01:00, 2026-12-24T10:00:00 (local time) or 2026-12-24."
        )
        % {"text": source},
        text=source,
    )


def _clock_apply(day: date, text: str, *, extended_date: bool, source: str) -> datetime:
    match = (_CLOCK_EXTENDED if ":" in text else _CLOCK_BASIC).match(text)
    if not match:
        raise TimerError(
            _("“%(text)s” has no valid time after “T”; write hh:mm:ss, e.g. T10:00:00.")
            % {"text": source},
            text=source,
        )
    hour, minute, second, fraction = match.group("hour", "minute", "second", "fraction")
    if minute is not None and (":" in text) != extended_date:
        raise TimerError(
            _(
                "“%(text)s” mixes the basic (20261224T1000) and extended (2026-12-24T10:00) "
                "formats; use one of them."
            )
            % {"text": source},
            text=source,
        )
    hours, minutes, seconds = int(hour), int(minute or 0), int(second or 0)
    if minutes > 59 or seconds > 59 or hours > 24:
        message = (
            _("“%(text)s” has a leap second; it cannot be scheduled.")
            if seconds == 60
            else _("“%(text)s” has an hour, minute or second out of range; it cannot be scheduled.")
        )
        raise TimerError(message % {"text": source}, text=source)
    unit = "second" if second is not None else "minute" if minute is not None else "hour"
    fraction_us = (
        int((Decimal("0." + fraction) * _MICROSECONDS_PER[unit]).to_integral_value(ROUND_DOWN))
        if fraction
        else 0
    )
    if hours == 24 and (minutes or seconds or fraction_us):
        raise TimerError(
            _(
                "“%(text)s” has the hour 24 with minutes or seconds; only 24:00 (the end of the "
                "day) is allowed."
            )
            % {"text": source},
            text=source,
        )
    return datetime.combine(day, time(0)) + timedelta(
        hours=hours, minutes=minutes, seconds=seconds, microseconds=fraction_us
    )


def _offset_parse(text: str, *, source: str) -> timedelta:
    if text in {"Z", "z"}:
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise TimerError(
            _("“%(text)s” has an offset out of range (%(offset)s).")
            % {"text": source, "offset": text},
            text=source,
        )
    return sign * timedelta(hours=hours, minutes=minutes)


def _offset_format(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# The earliest instant every zone can show (a day after datetime.min, for offsets).
_EARLIEST = datetime(1, 1, 2, tzinfo=UTC)


def _zone_of(moment: datetime) -> tzinfo:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; timers need aware datetimes.")
    return moment.tzinfo


def _utc(moment: datetime) -> datetime:
    """The moment in UTC. Python compares and subtracts two datetimes with the same tzinfo on
    the wall clock (ignoring DST and `fold`); timers compare instants, so always via UTC."""
    _zone_of(moment)
    return moment.astimezone(UTC)


def _instant_add(moment: datetime, delta: timedelta) -> datetime:
    """Exact elapsed time: computed in UTC so a DST change does not add or remove an hour."""
    zone = _zone_of(moment)
    return (moment.astimezone(UTC) + delta).astimezone(zone)


def _wall_resolve(wall: datetime, zone: tzinfo, *, prefer_offset: timedelta | None) -> datetime:
    """The aware moment for a naive wall-clock time in `zone`, as java.time resolves it: in a
    gap (spring) it moves forward by the gap's length, in an overlap (autumn) it keeps
    `prefer_offset` if that is one of the two, otherwise the earlier offset."""
    earlier = wall.replace(tzinfo=zone, fold=0)
    later = wall.replace(tzinfo=zone, fold=1)
    chosen = earlier
    if earlier.utcoffset() != later.utcoffset():
        round_trip = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        exists = round_trip == wall
        if exists and prefer_offset is not None and later.utcoffset() == prefer_offset:
            chosen = later
    # Normalising through UTC turns a time in the gap into the real one after it.
    return chosen.astimezone(UTC).astimezone(zone)


# --- repeating intervals ----------------------------------------------------------------

_REPEAT = re.compile(r"^R(?P<count>\d*)$", re.IGNORECASE)
_SLASH_OUTSIDE_BRACKETS = re.compile(r"/(?![^\[]*\])")
_CRON_ATOM = r"(?:\*|\?|\d+[LW]?|L|LW|[A-Za-z]{3})"
_CRON_FIELD = re.compile(rf"^{_CRON_ATOM}(?:[-/,#]{_CRON_ATOM})*$")
_CRON_MACRO = re.compile(
    r"^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$", re.IGNORECASE
)


def _is_cron(value: str) -> bool:
    fields = value.split()
    if _CRON_MACRO.match(value.strip()):
        return True
    return 5 <= len(fields) <= 7 and all(_CRON_FIELD.match(field) for field in fields)


def _cron_error(source: str) -> TimerError:
    return TimerError(
        _(
            "“%(text)s” is a cron expression; cron expressions are not supported; use ISO 8601 "
            "R/… instead (e.g. R/2026-01-05T09:00:00/P1D for every day at 9:00, R/PT1H for "
            "every hour)."
        )
        % {"text": source},
        text=source,
    )


@dataclass(frozen=True)
class Cycle:
    """An ISO 8601 repeating interval as a series of due times, one `period` apart.

    * `R3/PT10M` (no start or end): the series starts when the timer starts; it is due one
      period later, then every period: started+10m, +20m, +30m (as Camunda 7 and 8 do).
    * `R5/2026-12-01T08:00:00Z/P1D` (`start`): due at the start, then every period.
      `R2/<start>/<end>` is the same with the exact time between the two as period.
    * `R/P1D/2026-12-31T00:00:00Z` (`end`): ISO 8601 reads it as consecutive intervals of
      one period of which the last ends at `end`; so the last due time is `end` and the
      others lie one, two … periods before it (`R3/P1D/<end>`: end-2d, end-1d, end). Without
      a count the series reaches back indefinitely: every period until `end`, aligned to it.
      (Camunda 7 counts back from the end in the same way.)

    `repetitions` is the number of due times (None: unbounded); `R0` is never due. Steps are
    consecutive (each from the previous due time, as ISO 8601 and both engines do), so
    `P1M` from 31 January is due on 28 February, then 28 March. A period of only years,
    months and days is stepped on the wall clock of the start's zone and each due time
    resolved on its own, so a daily cycle at 02:30 Berlin is due at 03:30 on the day the
    clocks go forward and at 02:30 again the day after.
    """

    repetitions: int | None
    period: Duration
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.repetitions is not None and self.repetitions < 0:
            raise ValueError("A cycle cannot repeat a negative number of times.")
        if self.period.is_zero:
            raise ValueError("A cycle needs a period longer than zero.")
        if self.start is not None and self.end is not None:
            raise ValueError("A cycle is anchored at its start or at its end, not both.")
        for moment in (self.start, self.end):
            if moment is not None:
                _zone_of(moment)

    def first_due(self, *, started: datetime) -> datetime | None:
        """The first due time at or after `started` (when the timer was started), or None
        when the series has nothing left."""
        _zone_of(started)
        return next(self._due_times(started=started, threshold=started, inclusive=True), None)

    def next_after(self, moment: datetime, *, started: datetime) -> datetime | None:
        """The first due time strictly after `moment` (e.g. the last firing) of a timer that
        started at `started`, or None when the series is exhausted."""
        _zone_of(moment)
        _zone_of(started)
        return next(self._due_times(started=started, threshold=moment, inclusive=False), None)

    def occurrences(
        self, after: datetime, *, limit: int, started: datetime | None = None
    ) -> list[datetime]:
        """Up to `limit` due times strictly after `after`, earliest first. `started` anchors a
        cycle without start or end (default: `after`); the count `Rn` applies to the whole
        series, not to what is left after `after`."""
        if limit < 0:
            raise ValueError("limit cannot be negative.")
        _zone_of(after)
        anchor = started if started is not None else after
        _zone_of(anchor)
        return list(
            itertools.islice(
                self._due_times(started=anchor, threshold=after, inclusive=False), limit
            )
        )

    def _due_times(
        self, *, started: datetime, threshold: datetime, inclusive: bool
    ) -> Iterator[datetime]:
        limit = _utc(threshold)

        def counts(moment: datetime) -> bool:
            instant = _utc(moment)
            return instant >= limit if inclusive else instant > limit

        count = self.repetitions
        if count == 0:
            return
        step = self.period.time
        if self.end is not None:
            end = self.end
            if self.period.is_exact:
                # Arithmetic instead of walking back one period at a time (R/PT1S/<end>);
                # never further back than the calendar reaches.
                index = min((_utc(end) - limit) // step, (_utc(end) - _EARLIEST) // step)
                if count is not None:
                    index = min(index, count - 1)
                while index >= 0 and not counts(_instant_add(end, -index * step)):
                    index -= 1
                for back in range(index, -1, -1):
                    yield _instant_add(end, -back * step)
                return
            earlier_first: list[datetime] = []
            try:
                for position, moment in enumerate(self._walk(end, forward=False)):
                    if count is not None and position >= count:
                        break
                    if not counts(moment):
                        break
                    earlier_first.append(moment)
            except OverflowError:
                pass
            yield from reversed(earlier_first)
            return

        anchor = self.start if self.start is not None else started
        # Without a start the timer's own start is not a due time: the first is one period on.
        skip = 0 if self.start is not None else 1
        try:
            if self.period.is_exact:
                position = max(0, (limit - _utc(anchor)) // step - skip)
                while count is None or position < count:
                    moment = _instant_add(anchor, (position + skip) * step)
                    if counts(moment):
                        yield moment
                    position += 1
                return
            walk = itertools.islice(self._walk(anchor, forward=True), skip, None)
            for position, moment in enumerate(walk):
                if count is not None and position >= count:
                    return
                if counts(moment):
                    yield moment
        except OverflowError:
            return

    def _walk(self, anchor: datetime, *, forward: bool) -> Iterator[datetime]:
        """anchor, anchor ± period, anchor ± 2 periods … until the calendar ends."""
        yield anchor
        if self.period.time == timedelta(0):
            zone, prefer = _zone_of(anchor), anchor.utcoffset()
            wall = anchor.replace(tzinfo=None)
            while True:
                wall = self.period._wall_step(wall, forward=forward)
                yield _wall_resolve(wall, zone, prefer_offset=prefer)
        moment = anchor
        while True:
            moment = self.period._shift(moment, forward=forward)
            yield moment


def cycle_parse(text: str, *, default_tz: tzinfo) -> Cycle:
    """Parse an ISO 8601 repeating interval for `timeCycle`: `R3/PT10M`, `R/PT1H`,
    `R5/<start>/P1D`, `R2/<start>/<end>` (the end may leave out leading components, as ISO
    8601 allows: `R/2026-12-01T08:00/10:00`), `R/P1D/<end>`, `R0/…` (see `Cycle` for what
    each form means). Dates without a zone are in `default_tz`. Cron expressions, a
    duration without `R` and anything else raise `TimerError`."""
    source = text
    value = text.strip()
    if _is_cron(value):
        raise _cron_error(source)
    parts = _SLASH_OUTSIDE_BRACKETS.split(value)
    repeat = _REPEAT.match(parts[0])
    if not repeat:
        if len(parts) == 1 and _looks_like_duration(value):
            raise TimerError(
                _(
                    "“%(text)s” is a duration, not a cycle; a timeCycle starts with R and a count "
                    "(R3/%(value)s for three times, R/%(value)s without end) — or use "
                    "timeDuration to fire once."
                )
                % {"text": source, "value": value},
                text=source,
            )
        raise TimerError(
            _(
                "“%(text)s” is not an ISO 8601 repeating interval; write e.g. R3/PT10M, R/P1D "
                "or R5/2026-12-01T08:00:00Z/P1D."
            )
            % {"text": source},
            text=source,
        )
    count = int(repeat.group("count")) if repeat.group("count") else None
    if len(parts) == 1:
        raise TimerError(
            _("“%(text)s” has no interval after %(repeat)s; write e.g. %(repeat)s/PT10M.")
            % {"text": source, "repeat": parts[0]},
            text=source,
        )
    if len(parts) == 2:
        return Cycle(repetitions=count, period=_cycle_period(parts[1], source=source))
    if len(parts) == 3:
        first, second = parts[1], parts[2]
        if _looks_like_duration(first):
            if _looks_like_duration(second):
                raise TimerError(
                    _(
                        "“%(text)s” has two durations; an interval is start/end, "
                        "start/duration or duration/end."
                    )
                    % {"text": source},
                    text=source,
                )
            period = _cycle_period(first, source=source)
            end = _cycle_date(second, default_tz=default_tz, source=source)
            return Cycle(repetitions=count, period=period, end=end)
        start = _cycle_date(first, default_tz=default_tz, source=source)
        if _looks_like_duration(second):
            return Cycle(
                repetitions=count, period=_cycle_period(second, source=source), start=start
            )
        end = _cycle_date(
            _interval_end_complete(first, second, source=source),
            default_tz=default_tz,
            source=source,
        )
        if _utc(end) <= _utc(start):
            raise TimerError(
                _("“%(text)s” must end after it starts (start %(start)s, end %(end)s).")
                % {"text": source, "start": start.isoformat(), "end": end.isoformat()},
                text=source,
            )
        period = Duration(time=_utc(end) - _utc(start))
        return Cycle(repetitions=count, period=period, start=start)
    raise TimerError(
        _(
            "“%(text)s” has %(count)s parts separated by “/”; a repeating interval has "
            "Rn and one or two more (R3/PT10M, R3/<start>/P1D)."
        )
        % {"text": source, "count": len(parts)},
        text=source,
    )


def _looks_like_duration(value: str) -> bool:
    return value.strip().upper().lstrip("-+").startswith("P")


def _cycle_period(value: str, *, source: str) -> Duration:
    try:
        period = duration_parse(value)
    except TimerError as exc:
        raise TimerError(
            _("In the cycle “%(text)s”: %(error)s") % {"text": source, "error": exc}, text=source
        ) from None
    if period.is_zero:
        raise TimerError(
            _(
                "“%(text)s” repeats every %(value)s, i.e. without any time between; a cycle "
                "needs a period longer than zero."
            )
            % {"text": source, "value": value},
            text=source,
        )
    return period


def _cycle_date(value: str, *, default_tz: tzinfo, source: str) -> datetime:
    try:
        return date_parse(value, default_tz=default_tz)
    except TimerError as exc:
        raise TimerError(
            _("In the cycle “%(text)s”: %(error)s") % {"text": source, "error": exc}, text=source
        ) from None


def _interval_end_complete(start: str, end: str, *, source: str) -> str:
    """ISO 8601 lets the end of an interval leave out the components it shares with the start
    (`2026-12-01T08:00/10:00`, `2026-12-01/05`); the zone of the start then applies too."""
    if re.match(r"^\d{4}-?\d{2}", end) or re.match(r"^\d{4}-?W", end, re.IGNORECASE):
        return end
    start_match = re.match(
        r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:T(?P<clock>[^Z+\-\[]*)(?P<zone>.*))?$",
        start,
    )
    if not start_match:
        raise TimerError(
            _(
                "“%(text)s” shortens the end of the interval, which works only after a start in "
                "extended format (2026-12-01T08:00/10:00); write the end in full."
            )
            % {"text": source},
            text=source,
        )
    year, month, day, clock, zone = start_match.group("year", "month", "day", "clock", "zone")
    end_date, separator, end_clock = end.partition("T")
    if ":" in end_date or (clock is not None and not separator and re.match(r"^\d{2}$", end)):
        # Only a time of day: "10:00" (or "10" after a start with a time) keeps the start's date.
        end_date, separator, end_clock = "", "T", end
    if (clock is None) != (not separator):
        raise TimerError(
            _("“%(text)s” has a time in only one end of the interval; write the end in full.")
            % {"text": source},
            text=source,
        )
    if re.match(r"^\d{2}-\d{2}$", end_date):
        full_date = f"{year}-{end_date}"
    elif re.match(r"^\d{2}$", end_date):
        full_date = f"{year}-{month}-{end_date}"
    elif end_date == "":
        full_date = f"{year}-{month}-{day}"
    else:
        raise TimerError(
            _("“%(text)s” has an end “%(end)s” that is neither a date-time nor a shortened one.")
            % {"text": source, "end": end},
            text=source,
        )
    if not separator:
        return full_date
    has_zone = bool(_ZONE_SUFFIX.search(end_clock) or _REGION_SUFFIX.search(end_clock))
    return f"{full_date}T{end_clock}{'' if has_zone else zone or ''}"


# --- timer definitions as written in a model -------------------------------------------

_FEEL_STRING = r'"(?:[^"\\]|\\.)*"'
_FEEL_STRING_ONLY = re.compile(rf"^{_FEEL_STRING}$", re.DOTALL)
_FEEL_CALL = re.compile(
    rf"^(?P<function>date and time|date|duration)\s*\(\s*(?P<literal>{_FEEL_STRING})\s*\)$",
    re.DOTALL,
)
_FEEL_TEMPORAL = re.compile(rf"^@(?P<literal>{_FEEL_STRING})$", re.DOTALL)
_FEEL_CYCLE = re.compile(
    rf"""^cycle\s*\(\s*
        (?:(?P<count>\d+|null)\s*,\s*)?
        duration\s*\(\s*(?P<literal>{_FEEL_STRING})\s*\)
    \s*\)$""",
    re.DOTALL | re.VERBOSE,
)
_JUEL = re.compile(r"[$#]\{")
_JUEL_WHOLE = re.compile(r"^[$#]\{(?P<inner>[^{}]*)\}$", re.DOTALL)
_FEEL_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "'": "'"}


@dataclass(frozen=True)
class TimerSpec:
    """A parsed timer definition: exactly one of `moment`, `duration` and `cycle` is set,
    according to `kind`. `literal` is the ISO 8601 text after removing any wrapper."""

    kind: TimerKind
    literal: str
    moment: datetime | None = None
    duration: Duration | None = None
    cycle: Cycle | None = None

    def first_due(self, *, started: datetime) -> datetime | None:
        """When a timer started at `started` is first due (a date in the past is due at once:
        the caller fires it immediately, as the engines do)."""
        if self.moment is not None:
            return self.moment
        if self.duration is not None:
            return self.duration.add_to(started)
        assert self.cycle is not None
        return self.cycle.first_due(started=started)

    def next_after(self, moment: datetime, *, started: datetime) -> datetime | None:
        """The next due time after a firing at `moment`; only cycles fire more than once."""
        if self.cycle is None:
            return None
        return self.cycle.next_after(moment, started=started)


def timer_parse(kind: TimerKind, text: str, *, default_tz: tzinfo) -> TimerSpec:
    """Parse the text of a BPMN `timeDate`, `timeDuration` or `timeCycle` element.

    Besides the ISO 8601 literal itself (surrounding whitespace and line breaks, which the
    modelers often write, do not matter) the literal wrappers of Camunda 8 / FEEL are
    unwrapped: `="PT10M"`, `duration("PT10M")`, `=date and time("2026-12-24T10:00:00")`
    (FEEL's `@Europe/Berlin` zone included), `=date("2026-12-24")`, `=@"P1D"`,
    `=cycle(duration("PT1H"))` and `=cycle(3, duration("PT1H"))`. Any other FEEL
    expression and every Camunda 7 expression (`${…}`, `#{…}`) raises
    `TimerNeedsExpression`; cron expressions and anything else raise `TimerError`.
    """
    source = text
    value = text.strip()
    if not value:
        raise TimerError(
            _("The %(kind)s is empty; it needs an ISO 8601 value.") % {"kind": kind}, text=source
        )
    if _JUEL.search(value):
        whole = _JUEL_WHOLE.match(value)
        raise TimerNeedsExpression(
            text=source,
            expression=whole.group("inner").strip() if whole else value,
            language="juel",
            template=whole is None,
        )
    if value.startswith("="):
        if not value[1:].strip():
            raise TimerError(
                _('The %(kind)s “%(text)s” is an empty FEEL expression; write e.g. ="PT10M".')
                % {"kind": kind, "text": source},
                text=source,
            )
        function, literal = _feel_unwrap(value[1:].strip(), source=source)
    elif _FEEL_STRING_ONLY.match(value):
        raise TimerError(
            _(
                "The %(kind)s “%(text)s” is in quotes without “=”; write %(literal)s "
                "(a literal) or =%(value)s (a FEEL expression)."
            )
            % {"kind": kind, "text": source, "literal": value[1:-1].strip(), "value": value},
            text=source,
        )
    else:
        # A FEEL function written without the "=" (older exports, hand-written models).
        bare = _FEEL_CALL.match(value) or _FEEL_CYCLE.match(value)
        function, literal = _feel_unwrap(value, source=source) if bare else ("", value)
    return _timer_literal_parse(kind, literal, function=function, source=source, tz=default_tz)


def _feel_unwrap(expression: str, *, source: str) -> tuple[str, str]:
    """(FEEL function or "string", literal) for a FEEL expression that is only a literal;
    any other expression raises `TimerNeedsExpression`."""
    if _FEEL_STRING_ONLY.match(expression):
        return "string", _feel_string_decode(expression, source=source)
    call = _FEEL_CALL.match(expression)
    if call:
        return call.group("function"), _feel_string_decode(call.group("literal"), source=source)
    temporal = _FEEL_TEMPORAL.match(expression)
    if temporal:
        literal = _feel_string_decode(temporal.group("literal"), source=source)
        return ("duration" if literal.upper().startswith(("P", "-P")) else "date"), literal
    cycle = _FEEL_CYCLE.match(expression)
    if cycle:
        count = cycle.group("count")
        repeat = "R" if count in {None, "null"} else f"R{count}"
        return "cycle", f"{repeat}/{_feel_string_decode(cycle.group('literal'), source=source)}"
    raise TimerNeedsExpression(text=source, expression=expression, language="feel")


def _feel_string_decode(literal: str, *, source: str) -> str:
    body = literal[1:-1]
    result: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            result.append(char)
            index += 1
            continue
        escaped = body[index + 1 : index + 2]
        if escaped in _FEEL_ESCAPES:
            result.append(_FEEL_ESCAPES[escaped])
            index += 2
        elif escaped == "u" and re.match(r"^[0-9a-fA-F]{4}$", body[index + 2 : index + 6]):
            result.append(chr(int(body[index + 2 : index + 6], 16)))
            index += 6
        else:
            raise TimerError(
                _("“%(text)s” has an unknown escape “\\%(escape)s” in its string.")
                % {"text": source, "escape": escaped},
                text=source,
            )
    return "".join(result).strip()


_FUNCTION_KINDS: dict[str, set[TimerKind]] = {
    "": {"timeDate", "timeDuration", "timeCycle"},
    "string": {"timeDate", "timeDuration", "timeCycle"},
    "duration": {"timeDuration"},
    "date and time": {"timeDate"},
    "date": {"timeDate"},
    "cycle": {"timeCycle"},
}
# Msgids, translated where a message uses them.
_KIND_NEEDS = {
    "timeDate": gettext_noop("a date-time (e.g. 2026-12-24T10:00:00Z)"),
    "timeDuration": gettext_noop("a duration (e.g. PT10M)"),
    "timeCycle": gettext_noop("a repeating interval (e.g. R3/PT10M)"),
}


def _timer_literal_parse(
    kind: TimerKind, literal: str, *, function: str, source: str, tz: tzinfo
) -> TimerSpec:
    if kind not in _KIND_NEEDS:
        raise ValueError(f"Unknown timer kind {kind!r}; use timeDate, timeDuration or timeCycle.")
    if kind not in _FUNCTION_KINDS[function]:
        raise TimerError(
            _("The %(kind)s “%(text)s” is a FEEL %(function)s, but a %(kind)s needs %(needs)s.")
            % {"kind": kind, "text": source, "function": function, "needs": _(_KIND_NEEDS[kind])},
            text=source,
        )
    if _is_cron(literal):
        if kind == "timeCycle":
            raise _cron_error(source)
        raise TimerError(
            _("The %(kind)s “%(text)s” is a cron expression; a %(kind)s needs %(needs)s.")
            % {"kind": kind, "text": source, "needs": _(_KIND_NEEDS[kind])},
            text=source,
        )
    try:
        if kind == "timeDuration":
            return TimerSpec(kind=kind, literal=literal, duration=duration_parse(literal))
        if kind == "timeCycle":
            return TimerSpec(kind=kind, literal=literal, cycle=cycle_parse(literal, default_tz=tz))
        return TimerSpec(kind=kind, literal=literal, moment=_feel_date_parse(literal, tz=tz))
    except TimerError as exc:
        if exc.text == source:
            raise
        raise TimerError(
            _("The %(kind)s “%(text)s” cannot be used: %(error)s")
            % {"kind": kind, "text": source, "error": exc},
            text=source,
        ) from None


def _feel_date_parse(literal: str, *, tz: tzinfo) -> datetime:
    """FEEL writes a region zone after `@` (`2026-12-24T10:00:00@Europe/Berlin`)."""
    head, at, region = literal.partition("@")
    if at and "T" in head.upper():
        return date_parse(f"{head}[{region}]", default_tz=tz)
    return date_parse(literal, default_tz=tz)
