"""Legal dates in calendar days, Europe/Berlin: when an administrative act provided for
retrieval counts as notified, and until when it may be retrieved (§41 (2a) VwVfG).

§41 (2a) VwVfG: an administrative act provided for retrieval "gilt am Tag nach dem Abruf als
bekannt gegeben"; if it is not retrieved "innerhalb von zehn Tagen nach Absendung einer
Benachrichtigung über die Bereitstellung", the provision ends and notification has not taken
place. Days are calendar days in the authority's time zone (Europe/Berlin, whatever the
server's zone or daylight saving time): the day of the event does not count (§31 (1) VwVfG
with §187 (1) BGB) and a period ends with the end of its last day (§188 (1) BGB). No
extension to the next working day: the ten days are not a deadline set for the citizen but
the duration of the provision.
"""

import datetime as dt
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
RETRIEVAL_DAYS = 10


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Berlin on which `moment` (timezone-aware) falls."""
    if moment.tzinfo is None:
        raise ValueError("a legal date needs a timezone-aware moment")
    return moment.astimezone(BERLIN).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in Berlin (its end), as an aware datetime in UTC."""
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=BERLIN)
    return next_midnight.astimezone(dt.UTC)


def notified_on(retrieved_at: dt.datetime) -> dt.date:
    """The day an act retrieved at `retrieved_at` counts as notified: the next calendar day."""
    return local_date(retrieved_at) + dt.timedelta(days=1)


def retrieval_last_day(notice_sent_at: dt.datetime) -> dt.date:
    """The last day on which an act may be retrieved: the tenth day after the day the notice
    of its provision was sent."""
    return local_date(notice_sent_at) + dt.timedelta(days=RETRIEVAL_DAYS)


def retrieval_ends_at(notice_sent_at: dt.datetime) -> dt.datetime:
    """The instant the provision ends (UTC): the end of `retrieval_last_day`."""
    return end_of_day(retrieval_last_day(notice_sent_at))
