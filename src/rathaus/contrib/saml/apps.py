from django.apps import AppConfig


class SamlConfig(AppConfig):
    name = "rathaus.contrib.saml"
    label = "contrib_saml"
    verbose_name = "SAML 2.0"

    def ready(self) -> None:
        from rathaus.contrib.saml import provider  # noqa: F401  (registers the "saml" type)
