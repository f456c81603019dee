"""The payment provider extension point: base class, verified notification, the registry.

Built in: ``invoice`` (pay later, `payments.invoice`) — it has no outside integration, so it
lives in the domain app as the default. A provider with a hosted payment page subclasses
`SignedRedirectProvider`, which implements the signed-notification protocol
(`payments.signatures`, docs/payments.md); the sandbox (``rathaus.contrib.payment_sandbox``)
is one. Implementations register an instance into `payment_providers`; which ones are offered
is configuration: ``RATHAUS_PAYMENT_PROVIDERS``, narrowed per municipality by its payment
accounts (rathaus.municipalities.configuration: an account that is switched off hides the
provider there). A municipality's account (own profile, else its IT service provider's)
also brings its account id and its shared secrets; without one the installation's apply.
"""

from __future__ import annotations

import base64
import binascii
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.utils.translation import get_language

from rathaus.core.json_input import json_parse
from rathaus.core.registries import Registry
from rathaus.municipalities.configuration import (
    PaymentAccountConfiguration,
    payment_account_for,
    payment_providers_switched_off,
)
from rathaus.payments.signatures import SIGNATURE_HEADER, InvalidSignature, signature_verify

if TYPE_CHECKING:
    from rathaus.payments.models import Payment

# Statuses a provider may report (open is ours alone: nothing has happened yet).
REPORTABLE_STATUSES = frozenset({"pending", "paid", "failed", "cancelled", "refunded"})


@dataclass(frozen=True)
class Notification:
    """What a provider told us about a payment, after its signature was verified."""

    event_id: str
    payment_reference: str
    status: str
    occurred_at: datetime
    amount_cents: int
    currency: str = "EUR"

    def as_payload(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "payment_reference": self.payment_reference,
            "status": self.status,
            "amount_cents": self.amount_cents,
            "currency": self.currency,
            "occurred_at": self.occurred_at.isoformat(),
        }


def notification_parse(body: bytes) -> Notification:
    """Parse the JSON body of the protocol; raise InvalidSignature("payload") when malformed."""
    try:
        # Bounded nesting, storable text only (a ValueError otherwise).
        data = json_parse(body)
    except ValueError:
        raise InvalidSignature("payload", "body is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidSignature("payload", "body is not a JSON object")
    event_id, reference = data.get("event_id"), data.get("payment_reference")
    status, amount = data.get("status"), data.get("amount_cents")
    currency, occurred = data.get("currency", "EUR"), data.get("occurred_at")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 128:
        raise InvalidSignature("payload", "event_id")
    if not isinstance(reference, str) or not reference:
        raise InvalidSignature("payload", "payment_reference")
    if status not in REPORTABLE_STATUSES:
        raise InvalidSignature("payload", "status")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise InvalidSignature("payload", "amount_cents")
    if not isinstance(currency, str) or len(currency) != 3:
        raise InvalidSignature("payload", "currency")
    try:
        occurred_at = datetime.fromisoformat(str(occurred))
    except ValueError:
        raise InvalidSignature("payload", "occurred_at") from None
    if occurred_at.tzinfo is None:
        raise InvalidSignature("payload", "occurred_at without time zone")
    return Notification(
        event_id=event_id,
        payment_reference=reference,
        status=str(status),
        occurred_at=occurred_at,
        amount_cents=amount,
        currency=currency.upper(),
    )


class PaymentProvider(ABC):
    """One way to pay. Instances are registered once and shared: keep them stateless."""

    key: ClassVar[str]
    label_de: ClassVar[str]
    label_en: ClassVar[str]
    # Paid after the application is submitted (invoice): an open payment does not hold it up.
    settled_later: ClassVar[bool] = False

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "de").startswith("en") else self.label_de

    def account(self, municipality: Any) -> PaymentAccountConfiguration | None:
        """The account of `municipality` (or its id) with this provider, if one is
        configured (own profile, else its IT service provider's)."""
        if municipality is None:
            return None
        municipality_id = getattr(municipality, "pk", municipality)
        return payment_account_for(municipality=municipality_id, provider=self.key)

    def enabled_for(self, municipality: Any) -> bool:
        """Whether this provider is offered in `municipality` (not switched off there)."""
        if municipality is None:
            return True
        municipality_id = getattr(municipality, "pk", municipality)
        return self.key not in payment_providers_switched_off(municipality=municipality_id)

    @abstractmethod
    def start(self, payment: Payment, *, return_url: str, notify_url: str) -> str | None:
        """Begin paying `payment`: the URL to send the browser to, or None (nothing to do
        online). `return_url` is rathaus' absolute return endpoint for this payment,
        `notify_url` its absolute webhook URL for this provider."""

    def verify_notification(
        self, request_body: bytes, headers: Mapping[str, str], *, municipality: Any = None
    ) -> Notification:
        """Verify a webhook delivery about a payment of `municipality` (its secrets, else
        the installation's); raise InvalidSignature."""
        raise InvalidSignature("unsupported", f"{self.key} sends no notifications")

    def verify_return(
        self, params: Mapping[str, str], *, municipality: Any = None
    ) -> Notification | None:
        """Verify the signed query of a browser return; None when it carries no result."""
        return None


class SignedRedirectProvider(PaymentProvider):
    """A hosted payment page that reports with the signed-notification protocol."""

    @abstractmethod
    def secret(self) -> bytes:
        """The installation's shared secret for HMAC-SHA256."""

    def secrets(self, municipality: Any = None) -> tuple[bytes, ...]:
        """The shared secrets for payments of `municipality`: its account's (the first
        signs, all verify, so a secret can be rotated), else the installation's."""
        account = self.account(municipality)
        if account is not None and account.secrets:
            return account.secrets
        return (self.secret(),)

    def _verify(self, body: bytes, signature: str | None, municipality: Any) -> Notification:
        mismatch: InvalidSignature | None = None
        for secret in self.secrets(municipality):
            try:
                signature_verify(
                    secret=secret,
                    body=body,
                    signature=signature,
                    tolerance_seconds=settings.RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
                )
            except InvalidSignature as exc:
                if exc.reason != "mismatch":
                    raise
                mismatch = exc
                continue
            return notification_parse(body)
        assert mismatch is not None
        raise mismatch

    def verify_notification(
        self, request_body: bytes, headers: Mapping[str, str], *, municipality: Any = None
    ) -> Notification:
        return self._verify(request_body, headers.get(SIGNATURE_HEADER), municipality)

    def verify_return(
        self, params: Mapping[str, str], *, municipality: Any = None
    ) -> Notification | None:
        encoded, signature = params.get("event"), params.get("sig")
        if not encoded and not signature:
            return None
        try:
            body = base64.urlsafe_b64decode((encoded or "") + "=" * (-len(encoded or "") % 4))
        except (binascii.Error, ValueError):
            raise InvalidSignature("malformed", "event is not base64url") from None
        return self._verify(body, signature, municipality)


def return_query_encode(body: bytes) -> str:
    """The ``event`` query value of a browser return (base64url without padding)."""
    return base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")


payment_providers: Registry[PaymentProvider] = Registry("payment providers")


def payment_providers_enabled(*, municipality: Any = None) -> list[PaymentProvider]:
    """The registered providers named in RATHAUS_PAYMENT_PROVIDERS, in that order; given
    `municipality`, without those its payment accounts switch off."""
    providers = [
        payment_providers.get(key)
        for key in settings.RATHAUS_PAYMENT_PROVIDERS
        if key in payment_providers
    ]
    if municipality is None:
        return providers
    switched_off = payment_providers_switched_off(
        municipality=getattr(municipality, "pk", municipality)
    )
    return [p for p in providers if p.key not in switched_off]


def payment_provider_get(key: str, *, municipality: Any = None) -> PaymentProvider:
    """The enabled provider `key` (given `municipality`: not switched off there); KeyError
    when unknown or not enabled."""
    if key not in settings.RATHAUS_PAYMENT_PROVIDERS:
        raise KeyError(f"payment provider {key!r} is not enabled")
    provider = payment_providers.get(key)
    if municipality is not None and not provider.enabled_for(municipality):
        raise KeyError(f"payment provider {key!r} is switched off for this municipality")
    return provider


def notification_municipality(body: bytes) -> Any:
    """The municipality id of the payment an (unverified) notification body names, to pick
    the secrets its signature is checked with; None when the body names no known payment.

    Safe before verification: the reference is inside the signed body, so a notification
    can only pass with the secret of the municipality whose payment it names."""
    from rathaus.payments.models import Payment

    try:
        data = json_parse(body)
    except ValueError:
        return None
    reference = data.get("payment_reference") if isinstance(data, dict) else None
    if not isinstance(reference, str) or not reference:
        return None
    return (
        Payment.objects.filter(reference=reference)
        .values_list("municipality_id", flat=True)
        .first()
    )
