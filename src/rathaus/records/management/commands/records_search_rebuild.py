"""Rebuild the full-text index of the records: `manage.py records_search_rebuild` (after an
upgrade that changes the analysis, or a restore of the database without the index)."""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.records.search import search_index_rebuild


class Command(BaseCommand):
    help = "Index every document of the records afresh (full-text search)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = search_index_rebuild()
        self.stdout.write(f"{total} document(s) indexed.")
