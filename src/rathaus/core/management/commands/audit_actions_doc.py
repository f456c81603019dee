"""Write docs/audit-actions.md, the table of every registered audit action (`--check`: fail
when the file is out of date; see `rathaus.core.management.generated_doc`)."""

from rathaus.core.audit_actions import actions_markdown
from rathaus.core.management.generated_doc import GeneratedDocCommand


class Command(GeneratedDocCommand):
    help = "Write docs/audit-actions.md from the registered audit actions."
    document = "docs/audit-actions.md"

    def generate(self) -> str:
        return actions_markdown()
