from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "rathaus.decisions"
    label = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        # Audit actions, event classes and subscribers register themselves on import.
        from rathaus.decisions import audit_actions, events, subscribers  # noqa: F401
