from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "rathaus.organisations"
    label = "organisations"
    verbose_name = _("Organisations and proxies")

    def ready(self) -> None:
        from rathaus.organisations import personal_data

        personal_data.register()
