"""Webhooks of the Postfach: Standard Webhooks signatures (checked here with our own HMAC),
one delivery per subscription and event through the outbox, retried with backoff when the
receiver fails, the same webhook-id on every attempt, no redirects followed, scope by
municipality, office and event type; the secret only encrypted at rest; the admin."""

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from rathaus.accounts.selectors import consent_text_current
from rathaus.accounts.services import consent_give
from rathaus.apitokens.services import client_create
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox import outbox_batch_handlers
from rathaus.core.outbox_runner import outbox_process
from rathaus.mailbox import services as mailbox_services
from rathaus.mailbox.events import (
    MessageRetrieved,
    MessageSent,
    ProvisionEnded,
    ProvisionNotified,
)
from rathaus.mailbox.models import Provision
from rathaus.mailbox.provisions import CONSENT_KEY, provisions_end_due
from rathaus.webhooks.delivery import DELIVER_TOPIC, delivery_send, fan_out
from rathaus.webhooks.models import WebhookDelivery, WebhookSubscription
from rathaus.webhooks.services import subscription_create, url_check
from rathaus.webhooks.signing import SECRET_BOX
from rathaus.webhooks.subscribers import SUBSCRIBER, fan_out_batch
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


@pytest.fixture(autouse=True)
def config_key(settings, tmp_path):
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class Receiver:
    """A real HTTP server on the loopback interface that records what it is posted and
    answers with the next of `statuses` (then 200)."""

    url: str
    statuses: list[int]
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="", statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            code = state.statuses.pop(0) if state.statuses else 200
            self.send_response(code)
            if code in (301, 302, 307, 308):
                self.send_header("Location", "/moved")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def submission():
    return make_submission()


@pytest.fixture
def specialist_system(submission):
    client = client_create(
        actor=SYSTEM,
        name="Fachverfahren",
        municipality=submission.municipality,
        scopes=["mailbox:read", "mailbox:write"],
    )
    return Actor.api_client(client)


def subscribe(receiver, municipality, *, events=("mailbox.message_sent",), **kwargs):
    return subscription_create(
        actor=SYSTEM,
        name=kwargs.pop("name", "Fachverfahren"),
        municipality=municipality,
        url=receiver.url,
        event_types=list(events),
        **kwargs,
    )


def expected_signature(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """The Standard Webhooks signature, computed independently of rathaus.webhooks."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def write(actor, case, capture):
    with capture(execute=True):
        return mailbox_services.case_message_start(
            actor=actor, case=case, subject="Ihr Antrag", body="Wir prüfen ihn."
        )


def test_a_failed_delivery_is_retried_with_backoff_under_the_same_webhook_id(
    receiver, submission, specialist_system, django_capture_on_commit_callbacks
):
    _subscription, secret = subscribe(receiver, submission.municipality)
    receiver.statuses = [500]
    message = write(specialist_system, submission.case, django_capture_on_commit_callbacks)

    [(path, headers, body)] = receiver.requests
    assert path == "/hooks"
    fanned = OutboxMessage.objects.get(topic="mailbox.message_sent/webhooks.fan_out")
    event_id = fanned.payload["event_id"]
    assert headers["webhook-id"] == event_id
    assert headers["webhook-signature"] == expected_signature(
        secret, event_id, headers["webhook-timestamp"], body
    )
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    payload = json.loads(body)
    assert payload["type"] == "mailbox.message_sent"
    assert payload["data"]["message_id"] == str(message.pk)
    assert payload["data"]["direction"] == "outgoing"
    assert payload["data"]["case_id"] == str(submission.case_id)
    assert payload["data"]["message_url"].endswith(f"/api/v1/mailbox/messages/{message.pk}/")
    assert "Wir prüfen" not in body.decode() and "Ihr Antrag" not in body.decode()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    outbox = OutboxMessage.objects.get(topic=DELIVER_TOPIC)
    assert outbox.status == "pending" and outbox.attempts == 1
    assert outbox.available_at > timezone.now()  # backoff: not before its time
    assert outbox_process(message_id=outbox.pk) is False
    assert len(receiver.requests) == 1

    OutboxMessage.objects.filter(pk=outbox.pk).update(available_at=timezone.now())
    assert outbox_process(message_id=outbox.pk) is True
    (_, first, first_body), (_, second, second_body) = receiver.requests
    assert second["webhook-id"] == first["webhook-id"] == event_id  # the receiver dedupes
    assert second_body == first_body
    assert second["webhook-signature"] == expected_signature(
        secret, event_id, second["webhook-timestamp"], second_body
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)

    # The same event again (an outbox re-run): no second delivery, no second post.
    assert fan_out(MessageSent.from_payload(fanned.payload)) == []
    assert delivery_send(delivery_id=delivery.pk) is True
    assert len(receiver.requests) == 2
    assert OutboxMessage.objects.filter(topic=DELIVER_TOPIC).count() == 1


def test_each_subscription_gets_its_own_delivery_and_only_what_it_asked_for(
    receiver, submission, specialist_system, django_capture_on_commit_callbacks
):
    subscribe(receiver, submission.municipality, name="A")
    subscribe(receiver, submission.municipality, name="B", offices=[submission.office])
    other_office = OfficeFactory(municipality=submission.municipality)
    subscribe(receiver, submission.municipality, name="C", offices=[other_office])
    subscribe(receiver, OfficeFactory().municipality, name="D")  # another municipality
    subscribe(receiver, submission.municipality, name="E", events=["mailbox.provision_ended"])
    inactive, _ = subscribe(receiver, submission.municipality, name="F", active=False)
    receiver.statuses = [500, 200]  # one of the two fails; the other is not held up

    write(specialist_system, submission.case, django_capture_on_commit_callbacks)

    deliveries = WebhookDelivery.objects.select_related("subscription")
    assert {d.subscription.name for d in deliveries} == {"A", "B"}
    assert len(receiver.requests) == 2
    assert sorted(d.status for d in deliveries) == ["delivered", "pending"]
    assert OutboxMessage.objects.filter(topic=DELIVER_TOPIC).count() == 2
    assert inactive.deliveries.count() == 0


def test_incoming_messages_are_handed_over_to_the_office(
    receiver, submission, specialist_system, django_capture_on_commit_callbacks
):
    """The specialist system learns of a citizen's message by `mailbox.message_sent` with
    direction "incoming" and fetches it through the API (tests/api)."""
    first = write(specialist_system, submission.case, django_capture_on_commit_callbacks)
    subscribe(receiver, submission.municipality, events=["mailbox.message_sent"])
    applicant = submission.applicant
    with django_capture_on_commit_callbacks(execute=True):
        reply = mailbox_services.message_send(
            actor=Actor.person(applicant),
            thread=first.thread,
            sender=mailbox_services.mailbox_of_user(user=applicant),
            body="Meine Antwort",
        )
    [(_, _, body)] = receiver.requests
    data = json.loads(body)["data"]
    assert data["message_id"] == str(reply.pk) and data["direction"] == "incoming"
    assert data["office_id"] == str(submission.office_id)


def test_provision_events_reach_the_subscribers(
    receiver, submission, specialist_system, django_capture_on_commit_callbacks
):
    subscribe(
        receiver,
        submission.municipality,
        events=["mailbox.provision_ended", "mailbox.provision_notified"],
    )
    consent_give(
        user=submission.applicant, text=consent_text_current(key=CONSENT_KEY), language="de"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        message = mailbox_services.act_provide(
            actor=specialist_system,
            case=submission.case,
            subject="Bescheid",
            body="Festsetzung",
            required_level="low",
            document=SimpleUploadedFile("b.pdf", samples.pdf(), content_type="application/pdf"),
        )
    assert receiver.requests == []  # message_sent was not asked for
    provision = Provision.objects.get(message=message)
    with django_capture_on_commit_callbacks(execute=True):
        assert provisions_end_due(now=provision.ends_at) == 1
    [(_, _headers, body)] = receiver.requests
    payload = json.loads(body)
    assert payload["type"] == "mailbox.provision_ended"
    assert payload["data"]["provision_id"] == str(provision.pk)
    assert payload["data"]["status"] == "ended"
    assert payload["data"]["last_day"] == provision.last_day.isoformat()


def test_redirects_are_not_followed_and_the_last_failure_is_recorded(
    receiver, submission, specialist_system, settings, django_capture_on_commit_callbacks
):
    settings.RATHAUS_OUTBOX_MAX_ATTEMPTS = 1
    subscribe(receiver, submission.municipality)
    receiver.statuses = [302]
    write(specialist_system, submission.case, django_capture_on_commit_callbacks)
    assert [path for path, _, _ in receiver.requests] == ["/hooks"]  # never /moved
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_error == "HTTP 302"
    assert OutboxMessage.objects.get(topic=DELIVER_TOPIC).status == "failed"
    assert AuditEvent.objects.filter(action="webhook.delivery_failed").count() == 1


def test_only_https_addresses_without_credentials(settings):
    settings.RATHAUS_WEBHOOK_ALLOW_HTTP = False
    assert url_check("https://fv.example/hooks") == "https://fv.example/hooks"
    for bad in ("http://fv.example/hooks", "ftp://fv.example/", "https://u:p@fv.example/", "x"):
        with pytest.raises(DomainError) as refused:
            url_check(bad)
        assert refused.value.field == "url"
    settings.RATHAUS_WEBHOOK_ALLOW_HTTP = True
    assert url_check("http://127.0.0.1:9/hooks")


def test_the_secret_is_stored_encrypted_and_scoped_fields_are_checked(receiver, submission):
    _subscription, secret = subscribe(receiver, submission.municipality)
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    stored = WebhookSubscription.objects.values_list("secret_encrypted", flat=True).get()
    assert secret not in stored and secret[6:] not in stored
    assert SECRET_BOX.decrypt(stored) == secret
    with pytest.raises(DomainError) as refused:
        subscribe(receiver, submission.municipality, offices=[OfficeFactory()])
    assert refused.value.field == "offices"
    with pytest.raises(DomainError) as refused:
        subscribe(receiver, submission.municipality, events=["mailbox.unknown"])
    assert refused.value.field == "event_types"
    assert AuditEvent.objects.filter(action="webhook.subscription_create").count() == 1


def test_the_admin_creates_a_subscription_and_shows_its_secret_once(
    staff_client, receiver, submission
):
    response = staff_client.post(
        "/intern/admin/webhooks/webhooksubscription/add/",
        {
            "name": "Fachverfahren Hundesteuer",
            "municipality": str(submission.municipality.pk),
            "offices": [str(submission.office.pk)],
            "url": receiver.url,
            "event_types": ["mailbox.message_sent", "mailbox.message_retrieved"],
            "active": "on",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    subscription = WebhookSubscription.objects.get()
    assert SECRET_BOX.decrypt(subscription.secret_encrypted) in response.content.decode()
    assert list(subscription.offices.all()) == [submission.office]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"webhook.subscription_create", "webhook.secret_show"} <= actions

    bad = staff_client.post(
        f"/intern/admin/webhooks/webhooksubscription/{subscription.pk}/change/",
        {
            "name": "x",
            "offices": [str(OfficeFactory().pk)],
            "url": "ftp://nope",
            "event_types": ["mailbox.message_sent"],
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert bad.status_code == 200
    assert set(bad.context_data["adminform"].form.errors) == {"url", "offices"}
    subscription.refresh_from_db()
    assert subscription.name == "Fachverfahren Hundesteuer"


def test_no_webhooks_into_private_networks_unless_listed(
    receiver, submission, specialist_system, settings, django_capture_on_commit_callbacks
):
    """Server-side request forgery: a subscription to a loopback, private or link-local
    address is refused, a name is resolved before each delivery and refused when it points
    there (the delivery fails and is retried); a network the operator lists is allowed."""
    settings.RATHAUS_WEBHOOK_ALLOW_PRIVATE = False
    for bad in (
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://224.0.0.1/hooks",
        "https://0.0.0.0/hooks",
        "https://[::ffff:127.0.0.1]/hooks",  # IPv4-mapped
        "https://[::127.0.0.1]/hooks",  # IPv4-compatible
        "https://[64:ff9b::a9fe:a9fe]/hooks",  # NAT64 of 169.254.169.254
        "https://[2002:7f00:1::1]/hooks",  # 6to4 of 127.0.0.1
    ):
        with pytest.raises(DomainError) as refused:
            url_check(bad)
        assert refused.value.field == "url" and "private Netze" in refused.value.message
    assert url_check("https://fv.example/hooks")  # a name: resolved when delivering
    with pytest.raises(DomainError) as refused:
        url_check("https://fv.example:99999/hooks")
    assert refused.value.field == "url" and "Port" in refused.value.message
    with pytest.raises(DomainError):
        url_check("https://localhost/hooks", resolve=True)

    # Subscribed while allowed (the test's receiver listens on 127.0.0.1), delivered after the
    # operator closed the door: refused before any request, kept for a retry.
    settings.RATHAUS_WEBHOOK_ALLOW_PRIVATE = True
    subscribe(receiver, submission.municipality)
    settings.RATHAUS_WEBHOOK_ALLOW_PRIVATE = False
    write(specialist_system, submission.case, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "private Netze" in delivery.last_error

    settings.RATHAUS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert url_check("https://127.0.0.1/hooks")
    assert delivery_send(delivery_id=delivery.pk) is True
    assert len(receiver.requests) == 1


def test_an_endpoint_that_is_gone_switches_its_subscription_off(
    receiver, submission, specialist_system, django_capture_on_commit_callbacks
):
    """410 Gone (Standard Webhooks): no retry, the subscription is switched off and audited,
    and later events make no deliveries for it."""
    subscription, _secret = subscribe(receiver, submission.municipality)
    receiver.statuses = [410]
    write(specialist_system, submission.case, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status_code == 410
    assert OutboxMessage.objects.get(topic=DELIVER_TOPIC).status == "done"  # no retry
    subscription.refresh_from_db()
    assert subscription.active is False
    gone = AuditEvent.objects.get(action="webhook.subscription_gone")
    assert gone.object_id == str(subscription.pk)
    write(specialist_system, submission.case, django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 1


def test_allowed_networks_are_checked_at_start_up(monkeypatch):
    from rathaus.conf.env import env_networks

    monkeypatch.setenv("RATHAUS_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16, fd00::/8")
    assert env_networks("RATHAUS_WEBHOOK_ALLOWED_NETWORKS") == ["10.20.0.0/16", "fd00::/8"]
    for bad in ("intranet", "10.0.0.0/33"):
        monkeypatch.setenv("RATHAUS_WEBHOOK_ALLOWED_NETWORKS", bad)
        with pytest.raises(ValueError, match="CIDR"):
            env_networks("RATHAUS_WEBHOOK_ALLOWED_NETWORKS")


def _pending_fan_outs() -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(
            topic=f"{MessageSent.name}/{SUBSCRIBER}", status=OutboxMessage.Status.PENDING
        ).order_by("created_at")
    )


def test_a_backlog_is_fanned_out_in_one_batch_each_event_on_its_own(
    receiver, submission, specialist_system
):
    """What an outbox worker draining a backlog runs (`outbox_batch_handlers`): every event
    of the batch gets its deliveries; a payload that does not parse fails alone."""
    subscribe(receiver, submission.municipality)
    for n in range(3):  # the outbox is not run: the fan-outs wait
        mailbox_services.case_message_start(
            actor=specialist_system, case=submission.case, subject=f"Frage {n}", body="Bitte …"
        )
    pending = _pending_fan_outs()
    assert len(pending) == 3
    handler = outbox_batch_handlers.get(f"{MessageSent.name}/{SUBSCRIBER}")
    results = handler([m.payload for m in pending] + [{"event": "something.else"}])
    assert results[:3] == [None, None, None]
    assert isinstance(results[3], Exception)
    events = {m.payload["event_id"] for m in pending}
    assert {str(d.event_id) for d in WebhookDelivery.objects.all()} == events
    assert handler([m.payload for m in pending]) == [None, None, None]  # made once each
    assert WebhookDelivery.objects.count() == 3


def test_without_subscriptions_a_batch_asks_once(
    submission, specialist_system, django_assert_num_queries
):
    for n in range(3):
        mailbox_services.case_message_start(
            actor=specialist_system, case=submission.case, subject=f"Frage {n}", body="Bitte …"
        )
    payloads = [m.payload for m in _pending_fan_outs()]
    with django_assert_num_queries(1):
        assert fan_out_batch(MessageSent, payloads) == [None, None, None]
    for event_type in (MessageSent, MessageRetrieved, ProvisionNotified, ProvisionEnded):
        assert outbox_batch_handlers.get(f"{event_type.name}/{SUBSCRIBER}")
