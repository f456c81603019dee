"""Catalogue search behind a small backend interface (see base.py).

PLACEHOLDER — being implemented: SQLite FTS5 and PostgreSQL backends.
"""

from collections.abc import Iterable
from typing import Any


def search_index_update(*, services: Iterable[Any]) -> None:
    """Bring the search index up to date for `services` (called by catalog services)."""
    return None
