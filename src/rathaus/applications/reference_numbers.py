"""Reference numbers (Vorgangsnummern) of submissions: unique per municipality, gap-free per
year, from a counter row locked for the increment, never computed with MAX()."""

from django.db import IntegrityError, transaction
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
    counter = (
        ReferenceCounter.objects.select_for_update()
        .filter(municipality=municipality, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():  # savepoint: a concurrent first insert may win
                ReferenceCounter.objects.create(municipality=municipality, year=year, value=0)
        except IntegrityError:
            pass
        counter = ReferenceCounter.objects.select_for_update().get(
            municipality=municipality, year=year
        )
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{reference_prefix(municipality)}-{year}-{counter.value:06d}"
