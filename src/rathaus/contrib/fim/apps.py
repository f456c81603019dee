from django.apps import AppConfig


class FimConfig(AppConfig):
    """FIM XDatenfelder import of form definitions (and the `fim_import` command)."""

    name = "rathaus.contrib.fim"
    label = "contrib_fim"
    verbose_name = "FIM XDatenfelder"
