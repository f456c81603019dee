from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "rathaus.contrib.oidc"
    label = "contrib_oidc"
    verbose_name = "OpenID Connect"

    def ready(self) -> None:
        from rathaus.contrib.oidc import provider  # noqa: F401  (registers the "oidc" type)
