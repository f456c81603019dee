from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "rathaus.federation"
    label = "federation"
    verbose_name = _("Federated identity")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Records "password, level low" for logins done by other apps (allauth, admin).
        from rathaus.federation import personal_data, receivers  # noqa: F401

        personal_data.register()
