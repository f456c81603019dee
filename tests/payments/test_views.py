import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.payments.models import Payment, PaymentEvent
from rathaus.payments.providers import return_query_encode
from rathaus.payments.signatures import signature_create
from tests.payments.conftest import SECRET, body_of, signed_headers

pytestmark = pytest.mark.django_db

WEBHOOK = "/zahlung/benachrichtigung/sandbox/"


def _post(client, body: bytes, headers: dict[str, str], url: str = WEBHOOK):
    return client.post(url, data=body, content_type="application/json", headers=headers)


def _return_url(payment, body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    query = urlencode(
        {
            "event": return_query_encode(body),
            "sig": signature_create(secret=secret.encode(), body=body, timestamp=timestamp),
        }
    )
    return reverse("payments:return", args=[payment.pk]) + "?" + query


def _paid_audits(payment) -> int:
    return AuditEvent.objects.filter(object_id=str(payment.pk), action="payment.paid").count()


def test_urls_are_german():
    assert reverse("payments:notify", args=["sandbox"]) == WEBHOOK
    assert reverse("payments:return", args=["6f1f3c1e-0000-4000-8000-000000000000"]).startswith(
        "/zahlung/rueckkehr/"
    )


def test_webhook_applies_a_signed_notification_without_csrf_token(sandbox_payment):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    body = body_of(sandbox_payment)
    response = _post(client, body, signed_headers(body))
    assert response.status_code == 200
    assert response.json() == {
        "event_id": "evt-1",
        "outcome": "applied: pending→paid",
        "applied": True,
    }
    assert Payment.objects.get(pk=sandbox_payment.pk).status == Payment.Status.PAID


def test_webhook_replay_answers_200_duplicate_and_transitions_once(client, sandbox_payment):
    body = body_of(sandbox_payment)
    assert _post(client, body, signed_headers(body)).status_code == 200
    replay = _post(client, body, signed_headers(body))
    assert replay.status_code == 200
    assert replay.json()["outcome"] == "duplicate"
    assert replay.json()["applied"] is False
    assert PaymentEvent.objects.count() == 1
    assert _paid_audits(sandbox_payment) == 1


@pytest.mark.parametrize(
    ("make_headers", "reason"),
    [
        (lambda body: {}, "missing"),
        (lambda body: signed_headers(body, secret="wrong"), "mismatch"),
        (lambda body: signed_headers(body, timestamp=int(time.time()) - 301), "stale"),
        (lambda body: signed_headers(body.replace(b"paid", b"failed")), "mismatch"),
    ],
    ids=["no signature", "bad signature", "stale timestamp", "tampered body"],
)
def test_webhook_refuses_untrusted_notifications_with_a_problem(
    client, sandbox_payment, make_headers, reason
):
    body = body_of(sandbox_payment)
    response = _post(client, body, make_headers(body))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert problem["reason"] == reason
    assert problem["type"] == "urn:rathaus:problem:payment-signature-invalid"
    assert Payment.objects.get(pk=sandbox_payment.pk).status == Payment.Status.PENDING
    assert not PaymentEvent.objects.exists()


def test_webhook_for_unknown_or_disabled_provider_and_unknown_payment(
    client, sandbox_payment, settings
):
    body = body_of(sandbox_payment, payment_reference="RH-AAAAAAAAAAAA")
    assert _post(client, body, signed_headers(body)).status_code == 404
    body = body_of(sandbox_payment)
    assert (
        _post(client, body, signed_headers(body), url="/zahlung/benachrichtigung/nope/").status_code
        == 404
    )
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice"]
    assert _post(client, body, signed_headers(body)).status_code == 404
    assert client.get(WEBHOOK).status_code == 405


def test_webhook_records_an_amount_mismatch_without_paying(client, sandbox_payment):
    body = body_of(sandbox_payment, amount_cents=1)
    response = _post(client, body, signed_headers(body))
    assert response.status_code == 200
    assert response.json()["outcome"].startswith("refused: amount")
    assert Payment.objects.get(pk=sandbox_payment.pk).status == Payment.Status.PENDING


def test_return_with_signed_result_applies_and_redirects_to_the_local_path(client, sandbox_payment):
    response = client.get(_return_url(sandbox_payment, body_of(sandbox_payment)))
    assert response.status_code == 302
    assert response["Location"] == "/antraege/123/"
    assert Payment.objects.get(pk=sandbox_payment.pk).status == Payment.Status.PAID


@pytest.mark.parametrize("kind", ["bad signature", "stale", "other payment", "tampered"])
def test_return_with_untrusted_result_is_refused(client, sandbox_payment, payer, kind):
    from tests.payments.conftest import start_sandbox

    body = body_of(sandbox_payment)
    if kind == "bad signature":
        url = _return_url(sandbox_payment, body, secret="wrong")
    elif kind == "stale":
        url = _return_url(sandbox_payment, body, timestamp=int(time.time()) - 1000)
    elif kind == "other payment":
        other = start_sandbox(payer).payment
        url = _return_url(sandbox_payment, body_of(other))
    else:
        url = _return_url(sandbox_payment, body).replace("event=", "event=A")
    response = client.get(url)
    assert response.status_code == 400
    assert sandbox_payment.reference.encode() in response.content
    assert not Payment.objects.filter(status=Payment.Status.PAID).exists()


def test_return_without_result_just_continues(client, sandbox_payment):
    response = client.get(reverse("payments:return", args=[sandbox_payment.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/antraege/123/"
    assert Payment.objects.get(pk=sandbox_payment.pk).status == Payment.Status.PENDING


@pytest.mark.parametrize("stored", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_return_never_redirects_off_site(client, sandbox_payment, stored):
    Payment.objects.filter(pk=sandbox_payment.pk).update(return_url=stored)
    response = client.get(_return_url(sandbox_payment, body_of(sandbox_payment)))
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_return_before_webhook_and_webhook_before_return_end_paid_once(client, payer):
    from tests.payments.conftest import start_sandbox

    first = start_sandbox(payer).payment
    body = body_of(first, event_id="evt-a")
    assert client.get(_return_url(first, body)).status_code == 302
    assert _post(client, body, signed_headers(body)).json()["outcome"] == "duplicate"

    second = start_sandbox(payer).payment
    body = body_of(second, event_id="evt-b")
    assert _post(client, body, signed_headers(body)).json()["applied"] is True
    assert client.get(_return_url(second, body)).status_code == 302

    for payment in (first, second):
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert payment.events.count() == 1
        assert _paid_audits(payment) == 1


def test_unknown_payment_on_return_is_404(client):
    assert client.get("/zahlung/rueckkehr/6f1f3c1e-0000-4000-8000-000000000000/").status_code == 404
