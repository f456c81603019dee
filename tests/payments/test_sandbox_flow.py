"""The whole sandbox flow over real HTTP: the outbox posts the webhook to a live server."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_process
from rathaus.payments.models import Payment
from tests.factories import UserFactory
from tests.payments.conftest import start_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _token(redirect_url: str) -> str:
    return parse_qs(urlsplit(redirect_url).query)["s"][0]


def _paid_audits(payment) -> int:
    return AuditEvent.objects.filter(object_id=str(payment.pk), action="payment.paid").count()


def test_pay_in_the_sandbox_webhook_over_http_then_return(client, live_server):
    started = start_sandbox(UserFactory(), base=live_server.url)
    payment = started.payment
    page_path = _path(started.redirect_url)
    assert page_path.startswith(f"/zahlung/sandbox/{payment.pk}/")

    page = client.get(page_path)
    assert page.status_code == 200
    content = page.content.decode()
    assert payment.reference in content
    assert "12,50 €" in content
    assert 'name="result" value="paid"' in content

    response = client.post(
        urlsplit(page_path).path, {"s": _token(started.redirect_url), "result": "paid"}
    )
    assert response.status_code == 302
    # The outbox ran (eagerly) after commit and posted the signed webhook to the live server.
    message = OutboxMessage.objects.get(topic="payment_sandbox.notify")
    assert message.status == OutboxMessage.Status.DONE
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.events.count() == 1

    back = response["Location"]
    assert back.startswith(f"{live_server.url}/zahlung/rueckkehr/{payment.pk}/?event=")
    final = client.get(_path(back))
    assert final.status_code == 302
    assert final["Location"] == "/antraege/123/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.events.count() == 1  # the return carried the same event: a duplicate
    assert _paid_audits(payment) == 1


def test_return_before_webhook_over_http_ends_paid_once(client, live_server, monkeypatch):
    dispatched: list[int] = []
    monkeypatch.setattr(
        "rathaus.core.outbox.outbox_dispatch", lambda *, message_id: dispatched.append(message_id)
    )
    started = start_sandbox(UserFactory(), base=live_server.url)
    payment = started.payment
    path = urlsplit(started.redirect_url).path
    response = client.post(path, {"s": _token(started.redirect_url), "result": "paid"})
    assert response.status_code == 302
    assert dispatched, "the notification must be queued in the outbox"

    assert client.get(_path(response["Location"]))["Location"] == "/antraege/123/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID

    assert outbox_process(message_id=dispatched[0]) is True  # the late webhook: a duplicate
    assert OutboxMessage.objects.get(pk=dispatched[0]).status == OutboxMessage.Status.DONE
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.events.count() == 1
    assert _paid_audits(payment) == 1


def test_failed_delivery_stays_in_the_outbox_for_a_retry(client, live_server):
    # Nothing listens on the notify URL's port: the POST fails and the message is not done.
    started = start_sandbox(UserFactory(), base="http://127.0.0.1:9")
    payment = started.payment
    path = urlsplit(started.redirect_url).path
    response = client.post(path, {"s": _token(started.redirect_url), "result": "failed"})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(topic="payment_sandbox.notify")
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "ConnectionError" in message.last_error
    assert message.available_at > timezone.now()  # retry scheduled with backoff
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING

    # Once rathaus is reachable again (and the backoff has passed) the retry delivers it.
    payload = dict(message.payload)
    payload["url"] = live_server.url + "/zahlung/benachrichtigung/sandbox/"
    OutboxMessage.objects.filter(pk=message.pk).update(payload=payload, available_at=timezone.now())
    assert outbox_process(message_id=message.pk) is True
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.FAILED


def test_cancel_in_the_sandbox(client, live_server):
    started = start_sandbox(UserFactory(), base=live_server.url)
    path = urlsplit(started.redirect_url).path
    response = client.post(path, {"s": _token(started.redirect_url), "result": "cancelled"})
    final = client.get(_path(response["Location"]))
    assert final["Location"] == "/antraege/123/"
    assert Payment.objects.get(pk=started.payment.pk).status == Payment.Status.CANCELLED


def test_sandbox_page_needs_a_valid_session_and_the_provider_enabled(client, settings, db):
    started = start_sandbox(UserFactory())
    path = urlsplit(started.redirect_url).path
    assert client.get(path).status_code == 404
    assert client.get(path + "?s=forged").status_code == 404
    other = start_sandbox(UserFactory())
    assert client.get(path + "?" + urlsplit(other.redirect_url).query).status_code == 404
    assert (
        client.post(path, {"s": _token(started.redirect_url), "result": "bogus"}).status_code == 400
    )
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice"]
    assert client.get(_path(started.redirect_url)).status_code == 404
