from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "rathaus.applications"
    label = "applications"
    verbose_name = _("Online applications")

    def ready(self) -> None:
        from rathaus.applications import case_data, personal_data

        personal_data.register()
        case_data.register()
        # Outbox handlers and event subscribers (receipt, notification, hand-over after
        # `submission.created`) register themselves when their modules are imported.
        from rathaus.applications import (  # noqa: F401
            expiry,
            handover,
            handover_requests,
            notifications,
            receipts,
            scanning,
        )
