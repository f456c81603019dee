from django.apps import AppConfig


class ClamAVConfig(AppConfig):
    """Virus scanning of uploads through a ClamAV daemon (clamd)."""

    name = "rathaus.contrib.clamav"
    label = "contrib_clamav"
    verbose_name = "ClamAV"

    def ready(self) -> None:
        # Registers ClamAVScanner in rathaus.uploads.scanners.virus_scanners.
        from rathaus.contrib.clamav import scanner  # noqa: F401
