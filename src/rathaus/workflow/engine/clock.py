"""The engine's "now": Django's clock, one place the tests move forward (timers, deadlines,
escalations) without touching the system time."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC)."""
    return timezone.now()
