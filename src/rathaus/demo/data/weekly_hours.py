"""Opening hours written the way a town hall prints them: ``"Mo 08:00–12:00 14:00–16:00"``."""

import datetime as dt

WEEKDAYS = {"Mo": 0, "Di": 1, "Mi": 2, "Do": 3, "Fr": 4, "Sa": 5, "So": 6}

Interval = tuple[int, dt.time, dt.time]


def weekly_hours(spec: str) -> list[Interval]:
    """Parse ``"Mo 07:30–12:30 14:00–16:00; Di 07:30–12:30"`` into (weekday, opens, closes).

    Days are German two-letter abbreviations; several intervals per day are separated by
    spaces; both "–" and "-" separate opening and closing time.
    """
    intervals: list[Interval] = []
    for day_spec in filter(None, (part.strip() for part in spec.split(";"))):
        day, *ranges = day_spec.split()
        if day not in WEEKDAYS or not ranges:
            raise ValueError(f"Cannot read opening hours {day_spec!r}")
        for time_range in ranges:
            opens, closes = time_range.replace("–", "-").split("-")
            intervals.append(
                (WEEKDAYS[day], dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))
            )
    return intervals
