"""`manage.py rebuild_search_index`: index every service afresh (e.g. after a bulk import)."""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.catalog.search import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the catalogue search index for every service."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} services."))
