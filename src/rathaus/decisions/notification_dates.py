"""When a decision sent by post counts as notified (Bekanntgabe, §41 (2) VwVfG)."""

import datetime as dt

# §41 (2) sentence 1 VwVfG in the version in force since 1 January 2025 (Postrechts-
# modernisierungsgesetz): a written administrative act sent by post within Germany counts
# as notified on the fourth day after it was handed to the post (before: the third).
POST_DAYS = 4


def post_notified_on(posted_on: dt.date) -> dt.date:
    """The day a decision handed to the post on `posted_on` counts as notified: the fourth
    calendar day after it. Not moved off a weekend or public holiday: whether §31 (3) VwVfG
    applies to this fiction is disputed, and the later, actual receipt the authority must
    prove in case of doubt (§41 (2) sentence 3) is not known here."""
    return posted_on + dt.timedelta(days=POST_DAYS)
