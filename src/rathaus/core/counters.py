"""Gap-free counters in a row of their own (`value` column), incremented by an UPDATE that
locks the row until the transaction ends; never computed with MAX() over the numbered rows,
so concurrent callers serialise on the counter and never get the same number."""

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F


def counter_next(model: type[models.Model], **keys: Any) -> int:
    """The next value of the counter row of `model` identified by `keys` (created at 0 the
    first time). Must run inside the transaction that uses the number, so that a rollback
    does not use it up."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counters are incremented inside the transaction that uses them")
    rows = model._default_manager.filter(**keys)
    if not rows.update(value=F("value") + 1):
        try:
            with transaction.atomic():  # savepoint: a concurrent first insert may win
                model._default_manager.create(**keys, value=0)
        except IntegrityError:
            pass
        rows.update(value=F("value") + 1)
    return int(rows.values_list("value", flat=True).get())
