from django.apps import AppConfig


class FitConnectConfig(AppConfig):
    """Hand-over of submissions to specialist systems via FIT-Connect (JWE)."""

    name = "rathaus.contrib.fitconnect"
    label = "contrib_fitconnect"
    verbose_name = "FIT-Connect"

    def ready(self) -> None:
        from rathaus.applications.handover import handover_channels
        from rathaus.contrib.fitconnect.channel import FitConnectChannel

        if FitConnectChannel.key not in handover_channels:
            handover_channels.register(FitConnectChannel.key)(FitConnectChannel())
