from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "rathaus.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Audit actions and event classes register themselves on import.
        from rathaus.cases import audit_actions, events  # noqa: F401
