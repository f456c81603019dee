from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "rathaus.records"
    label = "records"
    verbose_name = _("Records (E-Akte)")

    def ready(self) -> None:
        # Audit actions and event subscribers register themselves on import.
        from rathaus.records import audit_actions, subscribers  # noqa: F401
