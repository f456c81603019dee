from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "rathaus.payments"
    label = "payments"
    verbose_name = _("Payments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rathaus.payments import (  # noqa: F401 (events: registers them)
            events,
            invoice,
            subscribers,
        )

        invoice.register()
