from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Receipts (dispatch, delivery, retrieval …) anyone can verify with openssl alone."""

    name = "rathaus.evidence"
    label = "evidence"
    verbose_name = _("Evidence")
