"""Write docs/events.md, the catalogue of every domain event and its subscribers (`--check`:
fail when the file is out of date; see `rathaus.core.management.generated_doc`)."""

from rathaus.core.events import events_markdown
from rathaus.core.management.generated_doc import GeneratedDocCommand


class Command(GeneratedDocCommand):
    requires_system_checks: list[str] = []  # needs no URLs or models checked
    help = "Write docs/events.md from the registered domain events and their subscribers."
    document = "docs/events.md"

    def generate(self) -> str:
        return events_markdown()
