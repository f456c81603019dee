"""Reference numbers (Vorgangsnummern) of submissions: unique per municipality, gap-free per
year, from a counter row incremented with `UPDATE … RETURNING` (which locks the row until the
transaction ends), never computed with MAX()."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from rathaus.applications.models import ReferenceCounter
from rathaus.municipalities.models import Municipality


def reference_prefix(municipality: Municipality) -> str:
    """Letters before the number: the first four letters of the portal's slug."""
    letters = "".join(ch for ch in municipality.slug.upper() if ch.isalpha())
    return (letters[:4] or "RH").ljust(2, "X")


def reference_number_next(*, municipality: Municipality) -> str:
    """The next reference number of `municipality`, e.g. ``DURE-2026-000042``.

    Must run inside the submission's transaction, so that a rolled-back submission does not
    use up a number. Concurrent callers serialise on the counter row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference numbers are issued inside the submission's transaction")
    year = timezone.localdate().year
    value = _increment(municipality=municipality, year=year)
    if value is None:
        try:
            with transaction.atomic():  # savepoint: a concurrent first insert may win
                ReferenceCounter.objects.create(municipality=municipality, year=year, value=0)
        except IntegrityError:
            pass
        value = _increment(municipality=municipality, year=year)
    assert value is not None
    return f"{reference_prefix(municipality)}-{year}-{value:06d}"


def _increment(*, municipality: Municipality, year: int) -> int | None:
    """Add one to the counter row and return the new value in one statement (the UPDATE
    holds the row lock until the transaction ends); None when the row does not exist yet."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    key = ReferenceCounter._meta.get_field("municipality").get_db_prep_value(
        municipality.pk, connection
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 "  # noqa: S608 (table name from the model)
            "WHERE municipality_id = %s AND year = %s RETURNING value",
            [key, year],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None
