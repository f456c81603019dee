from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "rathaus.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # Audit actions, event subscribers and the delivery handler register on import; the
        # apps publishing the events never import this one.
        from rathaus.webhooks import audit_actions, delivery, subscribers  # noqa: F401
