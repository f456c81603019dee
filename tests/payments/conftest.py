import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from rathaus.core.actors import Actor
from rathaus.payments.providers import Notification
from rathaus.payments.services import payment_start
from rathaus.payments.signatures import signature_create
from tests.factories import MunicipalityFactory, UserFactory

SECRET = "test-sandbox-secret"


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice", "sandbox"]
    settings.RATHAUS_PAYMENT_SANDBOX_SECRET = SECRET
    settings.RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS = 300


@pytest.fixture
def payer(db):
    return UserFactory()


@pytest.fixture
def municipality(db):
    return MunicipalityFactory()


def notify_url(base: str = "http://testserver") -> str:
    return base + reverse("payments:notify", args=["sandbox"])


def start_sandbox(
    payer: Any,
    amount_cents: int = 1250,
    base: str = "http://testserver",
    municipality: Any = None,
) -> Any:
    return payment_start(
        municipality=municipality or MunicipalityFactory(),
        provider="sandbox",
        amount_cents=amount_cents,
        description="Hundesteuer",
        payer=Actor.person(payer),
        return_url="/antraege/123/",
        notify_url=notify_url(base),
    )


@pytest.fixture
def sandbox_payment(payer):
    return start_sandbox(payer).payment


def body_of(
    payment: Any, *, status: str = "paid", event_id: str = "evt-1", **changes: Any
) -> bytes:
    data = {
        "event_id": event_id,
        "payment_reference": payment.reference,
        "status": status,
        "amount_cents": payment.amount_cents,
        "currency": "EUR",
        "occurred_at": datetime.now(UTC).isoformat(),
        **changes,
    }
    return json.dumps(data).encode()


def signed_headers(
    body: bytes, *, timestamp: int | None = None, secret: str = SECRET
) -> dict[str, str]:
    return {
        "X-Rathaus-Signature": signature_create(
            secret=secret.encode(), body=body, timestamp=timestamp
        )
    }


def notification(
    payment: Any, *, status: str = "paid", event_id: str = "evt-1", **changes: Any
) -> Notification:
    values: dict[str, Any] = {
        "event_id": event_id,
        "payment_reference": payment.reference,
        "status": status,
        "occurred_at": datetime.now(UTC),
        "amount_cents": payment.amount_cents,
        **changes,
    }
    return Notification(**values)
