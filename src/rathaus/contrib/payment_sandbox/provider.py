"""The sandbox payment provider: a payment page served by rathaus itself that speaks the
signed-notification protocol, so the whole payment flow runs locally (``make run``).

It acts as an outside provider would: `start` hands the page a signed session (payment id,
reference, amount, description, where to notify and return); the page posts the signed
notification to the webhook through the outbox (topic ``payment_sandbox.notify``; a failed
POST is retried by the outbox) and sends the browser back with a signed result. Never enable
it in production (``RATHAUS_PAYMENT_PROVIDERS``).

Like an outside provider with one merchant account per municipality, it signs with the
secret of the payment's municipality (its payment account for ``sandbox``, configured in the
municipality's or its IT service provider's profile), else with the installation's secret.
"""

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode, urljoin

import requests
from django.conf import settings
from django.core import signing
from django.urls import reverse

from rathaus.core.outbox import outbox_handlers
from rathaus.payments.models import Payment
from rathaus.payments.providers import SignedRedirectProvider, payment_providers
from rathaus.payments.signatures import SIGNATURE_HEADER, signature_create

PROVIDER_KEY = "sandbox"
NOTIFY_TOPIC = "payment_sandbox.notify"
SESSION_SALT = "rathaus.contrib.payment_sandbox.session"
SESSION_MAX_AGE_SECONDS = 3600
NOTIFY_TIMEOUT_SECONDS = 10


def sandbox_secret() -> bytes:
    """The shared secret: RATHAUS_PAYMENT_SANDBOX_SECRET, or one derived from SECRET_KEY."""
    if settings.RATHAUS_PAYMENT_SANDBOX_SECRET:
        return settings.RATHAUS_PAYMENT_SANDBOX_SECRET.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"rathaus.payment_sandbox.secret", hashlib.sha256
    ).digest()


def _signer_key() -> str:
    # The page session is the sandbox's own state (it plays the outside provider), so it is
    # signed with the installation's secret whatever the municipality.
    return sandbox_secret().hex()


def signing_secret(municipality_id: Any) -> bytes:
    """The secret the sandbox signs with for payments of `municipality_id`: the current
    (first) secret of its account, else the installation's."""
    provider = payment_providers.get(PROVIDER_KEY)
    assert isinstance(provider, SandboxProvider)
    return provider.secrets(municipality_id)[0]


def session_dumps(data: dict[str, Any]) -> str:
    return signing.dumps(data, key=_signer_key(), salt=SESSION_SALT, compress=True)


def session_loads(token: str) -> dict[str, Any]:
    """The page session; raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(
        token, key=_signer_key(), salt=SESSION_SALT, max_age=SESSION_MAX_AGE_SECONDS
    )
    if not isinstance(data, dict):
        raise signing.BadSignature("session is not an object")
    return data


class SandboxProvider(SignedRedirectProvider):
    key = PROVIDER_KEY
    label_de = "Testzahlung (Sandbox)"
    label_en = "Test payment (sandbox)"

    def secret(self) -> bytes:
        return sandbox_secret()

    def start(self, payment: Payment, *, return_url: str, notify_url: str) -> str | None:
        account = self.account(payment.municipality_id)
        session = session_dumps(
            {
                "payment": str(payment.pk),
                "municipality": str(payment.municipality_id),
                "account": account.account_id if account is not None else "",
                "reference": payment.reference,
                "amount_cents": payment.amount_cents,
                "currency": payment.currency,
                "description": payment.description,
                "notify_url": notify_url,
                "return_url": return_url,
            }
        )
        page = urljoin(notify_url, reverse("payment_sandbox:page", args=[payment.pk]))
        return f"{page}?{urlencode({'s': session})}"


def notify_deliver(payload: dict[str, Any]) -> None:
    """Outbox handler: POST the signed notification to rathaus' webhook.

    Signed at delivery time, so that a retry after a failure carries a fresh timestamp. Any
    non-2xx answer raises, and the outbox retries; a replay is harmless (unique event id).
    """
    body = json.dumps(payload["body"], separators=(",", ":"), sort_keys=True).encode()
    response = requests.post(
        payload["url"],
        data=body,
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_create(
                secret=signing_secret(payload.get("municipality")), body=body
            ),
        },
        timeout=NOTIFY_TIMEOUT_SECONDS,
        allow_redirects=False,
    )
    response.raise_for_status()


def register() -> None:
    if PROVIDER_KEY not in payment_providers:
        payment_providers.register(PROVIDER_KEY)(SandboxProvider())
    if NOTIFY_TOPIC not in outbox_handlers:
        outbox_handlers.register(NOTIFY_TOPIC)(notify_deliver)
