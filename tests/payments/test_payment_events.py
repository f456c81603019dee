"""`payment.settled` is published whenever a payment becomes paid, once, with ids and the
amount only."""

import pytest

from rathaus.core.actors import Actor
from rathaus.core.models import OutboxMessage
from rathaus.payments.events import PaymentSettled
from rathaus.payments.services import (
    payment_cancel,
    payment_mark_received,
    payment_notification_apply,
    payment_refund,
    payment_start,
)
from rathaus.staff.models import Role
from tests.core.event_probe import probe_subscribe, probed
from tests.factories import MunicipalityFactory, OfficeFactory, UserFactory
from tests.payments.conftest import notification, notify_url
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe(monkeypatch):
    """A subscriber of `payment.settled` for this test only (its messages are not run)."""
    return probe_subscribe(monkeypatch, PaymentSettled)


def settled(probe) -> list[PaymentSettled]:
    return probed(probe)


def _invoice(*, municipality, payer, amount_cents: int, description: str):
    """A payment by invoice (open until the cash office records it)."""
    return payment_start(
        municipality=municipality,
        provider="invoice",
        amount_cents=amount_cents,
        description=description,
        payer=Actor.person(payer),
        return_url="/antraege/",
        notify_url=notify_url(),
    ).payment


def test_provider_notification_that_settles_publishes_once(probe, sandbox_payment):
    assert settled(probe) == []  # started and pending: not settled
    payment_notification_apply(provider="sandbox", notification=notification(sandbox_payment))
    payment_notification_apply(provider="sandbox", notification=notification(sandbox_payment))
    payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment, event_id="evt-2")
    )
    (event,) = settled(probe)
    assert event.payment_id == sandbox_payment.pk
    assert event.municipality_id == sandbox_payment.municipality_id
    assert (event.amount_cents, event.currency) == (sandbox_payment.amount_cents, "EUR")
    payload = OutboxMessage.objects.get(topic=probe.topic).payload
    assert sandbox_payment.reference not in str(payload)  # ids and amount only


def test_cash_office_recording_an_invoice_publishes_and_refund_or_cancel_do_not(probe):
    municipality = MunicipalityFactory()
    cashier = make_staff(
        "kasse-events", (OfficeFactory(municipality=municipality), Role.CASH_OFFICE)
    )
    payer = UserFactory()
    invoice = _invoice(
        municipality=municipality, payer=payer, amount_cents=2500, description="Hundesteuer"
    )
    payment_mark_received(payment=invoice, actor=Actor.person(cashier))
    assert [e.payment_id for e in settled(probe)] == [invoice.pk]
    payment_refund(payment=invoice, actor=Actor.person(cashier))
    other = _invoice(municipality=municipality, payer=payer, amount_cents=100, description="Gebühr")
    payment_cancel(payment=other, actor=Actor.person(payer))
    assert [e.payment_id for e in settled(probe)] == [invoice.pk]
