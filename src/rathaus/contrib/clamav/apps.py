from django.apps import AppConfig


class ClamAVConfig(AppConfig):
    """Virus scanning of uploads through a ClamAV daemon (clamd)."""

    name = "rathaus.contrib.clamav"
    label = "contrib_clamav"
    verbose_name = "ClamAV"
