from django.apps import AppConfig


class FitConnectConfig(AppConfig):
    """Hand-over of submissions to specialist systems via FIT-Connect (JWE)."""

    name = "rathaus.contrib.fitconnect"
    label = "contrib_fitconnect"
    verbose_name = "FIT-Connect"
