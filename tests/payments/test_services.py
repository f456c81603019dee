import re
from datetime import timedelta

import pytest

from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.payments.models import Payment, PaymentEvent
from rathaus.payments.services import (
    PaymentError,
    is_local_path,
    payment_cancel,
    payment_notification_apply,
    payment_start,
)
from rathaus.payments.state_machine import PaymentTransitionError
from tests.factories import MunicipalityFactory, UserFactory
from tests.payments.conftest import notification, notify_url, start_sandbox

pytestmark = pytest.mark.django_db


def _actions(payment):
    return list(
        AuditEvent.objects.filter(object_id=str(payment.pk))
        .order_by("occurred_at", "id")
        .values_list("action", flat=True)
    )


def test_sandbox_start_moves_to_pending_and_returns_the_sandbox_page(payer):
    started = start_sandbox(payer)
    payment = started.payment
    assert payment.status == Payment.Status.PENDING
    assert payment.payer == payer
    assert re.fullmatch(r"RH-[A-Z2-7]{12}", payment.reference)
    assert started.redirect_url.startswith(f"http://testserver/zahlung/sandbox/{payment.pk}/?s=")
    assert _actions(payment) == ["payment.create", "payment.pending"]
    audit = AuditEvent.objects.get(object_id=str(payment.pk), action="payment.create")
    assert audit.details == {
        "reference": payment.reference,
        "provider": "sandbox",
        "amount_cents": 1250,
        "municipality": payment.municipality.slug,
    }


def test_invoice_provider_keeps_the_payment_open_without_redirect(payer):
    started = payment_start(
        municipality=MunicipalityFactory(),
        provider="invoice",
        amount_cents=5000,
        description="Gebühr",
        payer=Actor.person(payer),
        return_url="/weiter/",
        notify_url=notify_url(),
    )
    assert started.redirect_url is None
    assert started.payment.status == Payment.Status.OPEN
    assert _actions(started.payment) == ["payment.create"]


def test_references_are_unique(payer):
    references = {start_sandbox(payer).payment.reference for _ in range(20)}
    assert len(references) == 20


@pytest.mark.parametrize(
    "return_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example/x",
        "",
        "/ok\r\nLocation: https://evil.example",
    ],
)
def test_start_refuses_return_urls_that_leave_the_site(payer, return_url):
    with pytest.raises(PaymentError):
        payment_start(
            municipality=MunicipalityFactory(),
            provider="sandbox",
            amount_cents=100,
            description="x",
            payer=Actor.person(payer),
            return_url=return_url,
            notify_url=notify_url(),
        )
    assert not Payment.objects.exists()


def test_local_paths_are_accepted():
    assert is_local_path("/antraege/1/?schritt=2")
    assert not is_local_path("https://testserver/antraege/1/")


def test_start_refuses_disabled_provider_and_nothing_to_pay(payer, settings):
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice"]
    with pytest.raises(PaymentError):
        start_sandbox(payer)
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice", "sandbox", "unregistered"]
    with pytest.raises(PaymentError):
        payment_start(
            municipality=MunicipalityFactory(),
            provider="unregistered",
            amount_cents=100,
            description="x",
            payer=Actor.person(payer),
            return_url="/",
            notify_url=notify_url(),
        )
    with pytest.raises(PaymentError):
        start_sandbox(payer, amount_cents=0)
    assert not Payment.objects.exists()


def test_paid_notification_is_applied_and_audited(sandbox_payment):
    occurred = sandbox_payment.created_at + timedelta(seconds=5)
    event = payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment, occurred_at=occurred)
    )
    assert event.applied and not event.duplicate
    assert event.outcome == "applied: pending→paid"
    assert event.occurred_at == occurred
    sandbox_payment.refresh_from_db()
    assert sandbox_payment.status == Payment.Status.PAID
    assert sandbox_payment.paid_at == occurred
    assert _actions(sandbox_payment)[-1] == "payment.paid"


def test_replayed_event_is_a_duplicate_and_changes_nothing(sandbox_payment):
    first = payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment)
    )
    audits = AuditEvent.objects.count()
    again = payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment)
    )
    assert again.duplicate
    assert again.pk == first.pk
    assert PaymentEvent.objects.count() == 1
    assert AuditEvent.objects.count() == audits


def test_late_failed_after_paid_is_recorded_but_ignored(sandbox_payment):
    payment_notification_apply(provider="sandbox", notification=notification(sandbox_payment))
    late = payment_notification_apply(
        provider="sandbox",
        notification=notification(sandbox_payment, status="failed", event_id="evt-2"),
    )
    assert not late.applied
    assert late.outcome == "ignored: late notification paid→failed"
    sandbox_payment.refresh_from_db()
    assert sandbox_payment.status == Payment.Status.PAID
    assert _actions(sandbox_payment)[-1] == "payment.notification_ignored"
    assert sandbox_payment.events.count() == 2


def test_second_paid_with_another_event_id_changes_nothing(sandbox_payment):
    payment_notification_apply(provider="sandbox", notification=notification(sandbox_payment))
    paid_at = Payment.objects.get(pk=sandbox_payment.pk).paid_at
    other = payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment, event_id="evt-2")
    )
    assert not other.applied
    assert other.outcome == "no change: already paid"
    assert Payment.objects.get(pk=sandbox_payment.pk).paid_at == paid_at


@pytest.mark.parametrize(
    "changes", [{"amount_cents": 1}, {"amount_cents": 1251}, {"currency": "USD"}]
)
def test_amount_or_currency_mismatch_is_refused(sandbox_payment, changes):
    event = payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment, **changes)
    )
    assert not event.applied
    assert event.outcome.startswith("refused: amount")
    sandbox_payment.refresh_from_db()
    assert sandbox_payment.status == Payment.Status.PENDING
    assert _actions(sandbox_payment)[-1] == "payment.notification_refused"


def test_unknown_reference_or_other_provider_is_not_found(sandbox_payment):
    with pytest.raises(NotFound):
        payment_notification_apply(
            provider="sandbox",
            notification=notification(sandbox_payment, payment_reference="RH-AAAAAAAAAAAA"),
        )
    with pytest.raises(NotFound):
        payment_notification_apply(provider="invoice", notification=notification(sandbox_payment))
    assert not PaymentEvent.objects.exists()


def test_payer_cancels_a_pending_payment_once(sandbox_payment, payer):
    payment_cancel(payment=sandbox_payment, actor=Actor.person(payer))
    payment_cancel(payment=sandbox_payment, actor=Actor.person(payer))
    sandbox_payment.refresh_from_db()
    assert sandbox_payment.status == Payment.Status.CANCELLED
    assert _actions(sandbox_payment).count("payment.cancelled") == 1


def test_someone_else_cannot_cancel(sandbox_payment):
    with pytest.raises(NotPermitted):
        payment_cancel(payment=sandbox_payment, actor=Actor.person(UserFactory()))
    assert Payment.objects.get(pk=sandbox_payment.pk).status == Payment.Status.PENDING


def test_paid_payment_cannot_be_cancelled(sandbox_payment, payer):
    payment_notification_apply(provider="sandbox", notification=notification(sandbox_payment))
    with pytest.raises(PaymentTransitionError):
        payment_cancel(payment=sandbox_payment, actor=Actor.person(payer))
