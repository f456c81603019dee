"""Money received and refunds are recorded only by the cash office of the payment's
municipality; a provider's implausible event time is never taken as the time of payment."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.errors import NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.payments.models import Payment
from rathaus.payments.services import (
    PaymentError,
    payment_mark_received,
    payment_notification_apply,
    payment_refund,
    payment_start,
)
from rathaus.staff.models import Role
from tests.factories import MunicipalityFactory, OfficeFactory, UserFactory
from tests.payments.conftest import notification, notify_url, start_sandbox
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

ADMIN_URL = "/intern/admin/payments/payment/"


@pytest.fixture
def dueren():
    return MunicipalityFactory(name="Stadt Düren", slug="dueren-kasse")


@pytest.fixture
def guetersloh():
    return MunicipalityFactory(name="Stadt Gütersloh", slug="guetersloh-kasse")


@pytest.fixture
def dueren_cash_office(dueren):
    office = OfficeFactory(municipality=dueren, name="Stadtkasse Düren")
    return make_staff("kasse-dueren", (office, Role.CASH_OFFICE))


def invoice_of(municipality, payer=None):
    return payment_start(
        municipality=municipality,
        provider="invoice",
        amount_cents=2500,
        description="Hundesteuer",
        payer=Actor.person(payer or UserFactory()),
        return_url="/antraege/",
        notify_url=notify_url(),
    ).payment


def paid_sandbox_of(municipality):
    payment = start_sandbox(UserFactory(), municipality=municipality).payment
    payment_notification_apply(provider="sandbox", notification=notification(payment))
    return payment


def test_the_municipality_is_recorded_and_audited(dueren):
    payment = invoice_of(dueren)
    assert payment.municipality == dueren
    audit = AuditEvent.objects.get(action="payment.create", object_id=str(payment.pk))
    assert audit.details["municipality"] == dueren.slug


def test_cash_office_records_its_own_invoice_as_paid(dueren, dueren_cash_office):
    invoice = invoice_of(dueren)
    paid = payment_mark_received(payment=invoice, actor=Actor.person(dueren_cash_office))
    assert paid.status == Payment.Status.PAID and paid.paid_at is not None
    audit = AuditEvent.objects.get(action="payment.paid", object_id=str(invoice.pk))
    assert audit.actor_id == str(dueren_cash_office.pk)


def test_cash_office_cannot_touch_another_municipalitys_payments(guetersloh, dueren_cash_office):
    invoice = invoice_of(guetersloh)
    paid = paid_sandbox_of(guetersloh)
    with pytest.raises(NotPermitted):
        payment_mark_received(payment=invoice, actor=Actor.person(dueren_cash_office))
    with pytest.raises(NotPermitted):
        payment_refund(payment=paid, actor=Actor.person(dueren_cash_office))
    assert Payment.objects.get(pk=invoice.pk).status == Payment.Status.OPEN
    assert Payment.objects.get(pk=paid.pk).status == Payment.Status.PAID


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.TEAM_LEAD, Role.SYSTEM_ADMIN])
def test_other_staff_of_the_same_municipality_may_not_record_money(dueren, role):
    clerk = make_staff(f"staff-{role}", (OfficeFactory(municipality=dueren), role))
    with pytest.raises(NotPermitted):
        payment_mark_received(payment=invoice_of(dueren), actor=Actor.person(clerk))
    with pytest.raises(NotPermitted):
        payment_refund(payment=paid_sandbox_of(dueren), actor=Actor.person(clerk))
    with pytest.raises(NotPermitted):
        payment_refund(payment=paid_sandbox_of(dueren), actor=Actor.person(UserFactory()))


def test_cash_office_refunds_its_own_paid_payment_and_only_invoices_are_marked(
    dueren, dueren_cash_office
):
    paid = paid_sandbox_of(dueren)
    refunded = payment_refund(payment=paid, actor=Actor.person(dueren_cash_office))
    assert refunded.status == Payment.Status.REFUNDED
    audit = AuditEvent.objects.filter(object_id=str(paid.pk)).latest("occurred_at")
    assert (audit.action, audit.actor_id) == ("payment.refunded", str(dueren_cash_office.pk))
    pending = start_sandbox(UserFactory(), municipality=dueren).payment
    with pytest.raises(PaymentError):  # settled by its provider, not by the cash office
        payment_mark_received(payment=pending, actor=Actor.person(dueren_cash_office))


def test_a_role_that_expired_grants_nothing(dueren, dueren_cash_office):
    dueren_cash_office.role_assignments.update(valid_until=timezone.now() - timedelta(days=1))
    with pytest.raises(NotPermitted):
        payment_mark_received(payment=invoice_of(dueren), actor=Actor.person(dueren_cash_office))


def test_cash_office_role_alone_opens_the_payments_admin_for_own_municipality(
    client, dueren, guetersloh, dueren_cash_office
):
    own, foreign = invoice_of(dueren), invoice_of(guetersloh)
    login_with_mfa(client, dueren_cash_office)
    listing = client.get(ADMIN_URL)
    assert listing.status_code == 200
    assert own.reference in listing.content.decode()
    assert foreign.reference not in listing.content.decode()
    assert client.get(f"{ADMIN_URL}{foreign.pk}/change/").status_code in (302, 404)
    client.post(
        ADMIN_URL,
        {"action": "mark_received", "_selected_action": [str(own.pk), str(foreign.pk)]},
    )
    assert Payment.objects.get(pk=own.pk).status == Payment.Status.PAID
    assert Payment.objects.get(pk=foreign.pk).status == Payment.Status.OPEN


def test_staff_without_the_cash_office_role_do_not_see_the_payments_admin(client, dueren):
    clerk = make_staff("sachbearbeitung", (OfficeFactory(municipality=dueren), Role.CASE_WORKER))
    invoice_of(dueren)
    login_with_mfa(client, clerk)
    assert client.get(ADMIN_URL).status_code == 403


@pytest.mark.parametrize(
    "occurred_at",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        "before_creation",
        "far_future",
    ],
)
def test_implausible_event_times_are_refused_and_audited(sandbox_payment, occurred_at):
    if occurred_at == "before_creation":
        occurred_at = sandbox_payment.created_at - timedelta(days=2)
    elif occurred_at == "far_future":
        occurred_at = timezone.now() + timedelta(days=1)
    event = payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment, occurred_at=occurred_at)
    )
    assert not event.applied
    assert event.outcome.startswith("refused: implausible event time")
    sandbox_payment.refresh_from_db()
    assert sandbox_payment.status == Payment.Status.PENDING
    assert sandbox_payment.paid_at is None
    assert AuditEvent.objects.filter(
        action="payment.notification_refused", object_id=str(sandbox_payment.pk)
    ).exists()


def test_small_clock_skew_is_accepted(sandbox_payment):
    occurred_at = sandbox_payment.created_at - timedelta(seconds=30)
    event = payment_notification_apply(
        provider="sandbox", notification=notification(sandbox_payment, occurred_at=occurred_at)
    )
    assert event.applied
    sandbox_payment.refresh_from_db()
    assert sandbox_payment.paid_at == occurred_at


def test_migration_assigns_payments_to_the_municipality_of_their_application():
    import importlib

    from django.apps import apps

    from tests.factories import DraftFactory

    fill = importlib.import_module("rathaus.applications.migrations.0006_payment_municipality").fill
    draft = DraftFactory()
    payment = start_sandbox(UserFactory()).payment
    orphan = start_sandbox(UserFactory()).payment
    Payment.objects.filter(pk__in=[payment.pk, orphan.pk]).update(municipality=None)
    draft.payment = payment
    draft.save(update_fields=["payment"])
    fill(apps, None)
    payment.refresh_from_db()
    orphan.refresh_from_db()
    assert payment.municipality_id == draft.offer.municipality_id
    assert orphan.municipality_id is None
