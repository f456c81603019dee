"""The built-in "pay later / invoice" provider.

Nothing happens online: the payment stays ``open`` and the application can be submitted
(`selectors.payment_allows_submission`); the office sends an invoice with the payment's
reference as Verwendungszweck. It lives in the domain app because it has no outside
integration; it registers itself in `PaymentsConfig.ready`.
"""

from typing import TYPE_CHECKING

from rathaus.payments.providers import PaymentProvider, payment_providers

if TYPE_CHECKING:
    from rathaus.payments.models import Payment


class InvoiceProvider(PaymentProvider):
    key = "invoice"
    label_de = "Später zahlen (Rechnung)"
    label_en = "Pay later (invoice)"
    settled_later = True

    def start(self, payment: "Payment", *, return_url: str, notify_url: str) -> str | None:
        return None


def register() -> None:
    if InvoiceProvider.key not in payment_providers:
        payment_providers.register(InvoiceProvider.key)(InvoiceProvider())
