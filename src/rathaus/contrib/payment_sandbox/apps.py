from django.apps import AppConfig


class PaymentSandboxConfig(AppConfig):
    """The built-in sandbox payment provider (redirect + signed notifications)."""

    name = "rathaus.contrib.payment_sandbox"
    label = "contrib_payment_sandbox"
    verbose_name = "Payment sandbox"

    def ready(self) -> None:
        from rathaus.contrib.payment_sandbox import provider

        provider.register()
