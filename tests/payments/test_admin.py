import pytest

from rathaus.core.models import AuditEvent
from rathaus.payments.models import Payment
from rathaus.payments.services import payment_notification_apply
from tests.payments.conftest import notification, start_sandbox
from tests.staff.people import login_with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = "/intern/admin/payments/payment/"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="kasse", password="pw-" * 6, email="kasse@example.de"
    )


@pytest.fixture
def staff_client(client, superuser):
    login_with_mfa(client, superuser)
    return client


def test_list_and_detail_are_read_only(staff_client, payer):
    payment = start_sandbox(payer).payment
    payment_notification_apply(provider="sandbox", notification=notification(payment))
    listing = staff_client.get(URL)
    assert listing.status_code == 200
    assert payment.reference in listing.content.decode()
    detail = staff_client.get(f"{URL}{payment.pk}/change/")
    assert detail.status_code == 200
    assert "applied: pending→paid" in detail.content.decode()  # the events inline
    assert staff_client.get(URL + "add/").status_code == 403
    assert staff_client.post(f"{URL}{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_refund_action_goes_through_the_service(staff_client, payer, superuser):
    paid = start_sandbox(payer).payment
    payment_notification_apply(provider="sandbox", notification=notification(paid))
    pending = start_sandbox(payer).payment
    response = staff_client.post(
        URL, {"action": "refund", "_selected_action": [str(paid.pk), str(pending.pk)]}, follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Erstattung erfasst für {paid.reference}." in content
    assert f"{pending.reference}: " in content
    assert Payment.objects.get(pk=paid.pk).status == Payment.Status.REFUNDED
    assert Payment.objects.get(pk=pending.pk).status == Payment.Status.PENDING
    audit = AuditEvent.objects.get(action="payment.refunded")
    assert audit.actor_id == str(superuser.pk)
