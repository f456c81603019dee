from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    """Electronic seals (PAdES) of documents the authority issues: receipts, decisions."""

    name = "rathaus.seals"
    label = "seals"
    verbose_name = _("Electronic seals")
