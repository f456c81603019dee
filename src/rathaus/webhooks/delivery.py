"""Delivering events to the subscribed endpoints, through the outbox.

`fan_out(event)` (a subscriber of each event type, run from the outbox after the change's
commit) makes one `WebhookDelivery` per matching active subscription — once per subscription
and event, whatever happens twice — and one outbox message per delivery (topic
`DELIVER_TOPIC`), so every endpoint is retried with backoff on its own and a slow or broken
receiver never holds up another.

`delivery_send(delivery_id)` posts the delivery's fixed body with fresh Standard Webhooks
headers (`signing`): any 2xx is success; 410 Gone switches the subscription off (no retry);
anything else (including a redirect, which is never followed, a timeout, and an address
that resolves into a private network) raises, and the outbox tries again later. The
`webhook-id` is the event's id on every attempt, so a receiver that got it once can ignore
the repeat. No remote call runs inside a transaction."""

import json
import logging
import time
from uuid import UUID

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.core.events import DomainEvent
from rathaus.core.outbox import outbox_enqueue, outbox_handlers

from . import signing
from .models import WebhookDelivery, WebhookSubscription
from .payloads import event_facts
from .services import url_check

logger = logging.getLogger(__name__)

DELIVER_TOPIC = "webhooks.deliver"
DELIVERY_ACTOR = Actor.system("webhook_delivery")
ERROR_MAX = 500


class WebhookDeliveryError(Exception):
    """The endpoint did not accept the delivery (the outbox retries it)."""


def fan_out(event: DomainEvent) -> list[WebhookDelivery]:
    """The deliveries of `event` to the active subscriptions that want it (its type, its
    municipality, and its office where a subscription names offices); made once each.
    Returns those made now. Without any active subscription (most installations) the event's
    facts are not even read."""
    if not WebhookSubscription.objects.filter(active=True).exists():
        return []
    facts = event_facts(event)
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            active=True, municipality_id=facts.municipality_id
        ).prefetch_related("offices")
        if event.name in subscription.event_types
        and (
            not subscription.offices.all()
            or facts.office_id in {office.pk for office in subscription.offices.all()}
        )
    ]
    if not subscriptions:
        return []
    body = json.dumps(
        {"type": event.name, "timestamp": timezone.now().isoformat(), "data": facts.data},
        separators=(",", ":"),
        sort_keys=True,
    )
    made = []
    with transaction.atomic():
        for subscription in subscriptions:
            delivery, created = WebhookDelivery.objects.get_or_create(
                subscription=subscription,
                event_id=event.event_id,
                defaults={"event_type": event.name, "body": body},
            )
            if created:
                outbox_enqueue(topic=DELIVER_TOPIC, payload={"delivery_id": str(delivery.pk)})
                made.append(delivery)
    return made


def _record(delivery_id: UUID, **fields: object) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).update(updated_at=timezone.now(), **fields)


def delivery_send(*, delivery_id: UUID | str) -> bool:
    """Post one delivery; True when the endpoint accepted it now or before. Raises
    WebhookDeliveryError when it did not (the outbox retries with backoff)."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:  # the subscription was deleted meanwhile
        return False
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        return True
    subscription = delivery.subscription
    if not subscription.active:
        _record(delivery.pk, status=WebhookDelivery.Status.FAILED, last_error="inactive")
        return False
    attempts = delivery.attempts + 1
    now = timezone.now()
    body = delivery.body.encode("utf-8")
    try:
        url = url_check(subscription.url, resolve=True)
        secret = signing.SECRET_BOX.decrypt(subscription.secret_encrypted)
        headers = signing.headers(
            secret=secret, webhook_id=str(delivery.event_id), timestamp=int(time.time()), body=body
        )
        headers["user-agent"] = "rathaus-webhooks/1"
        response = requests.post(
            url,
            data=body,
            headers=headers,
            timeout=settings.RATHAUS_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,  # the answer's body is not read
        )
        response.close()
        status_code: int | None = response.status_code
        error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    except (requests.RequestException, DomainError) as exc:
        status_code = None
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    if status_code == 410:
        _gone(delivery, subscription, attempts=attempts, now=now)
        return False
    if not error:
        _record(
            delivery.pk,
            status=WebhookDelivery.Status.DELIVERED,
            attempts=attempts,
            last_status_code=status_code,
            last_error="",
            last_attempt_at=now,
            delivered_at=now,
        )
        return True
    final = attempts >= settings.RATHAUS_OUTBOX_MAX_ATTEMPTS
    with transaction.atomic():
        _record(
            delivery.pk,
            status=WebhookDelivery.Status.FAILED if final else WebhookDelivery.Status.PENDING,
            attempts=attempts,
            last_status_code=status_code,
            last_error=error,
            last_attempt_at=now,
        )
        if final:
            audit_record(
                actor=DELIVERY_ACTOR,
                action="webhook.delivery_failed",
                obj=delivery,
                municipality=subscription.municipality_id,
                details={
                    "subscription": str(subscription.pk),
                    "attempts": attempts,
                    "error": error,
                },
            )
    raise WebhookDeliveryError(f"webhook delivery {delivery.pk} to {subscription.pk}: {error}")


def _gone(
    delivery: WebhookDelivery, subscription: WebhookSubscription, *, attempts: int, now: object
) -> None:
    """The endpoint answered 410 Gone: it wants no more deliveries (Standard Webhooks). The
    subscription is switched off (an administrator can switch it on again), this delivery
    ends without retries, and later ones are not made."""
    with transaction.atomic():
        _record(
            delivery.pk,
            status=WebhookDelivery.Status.FAILED,
            attempts=attempts,
            last_status_code=410,
            last_error="HTTP 410: the endpoint is gone; the subscription was switched off",
            last_attempt_at=now,
        )
        switched = WebhookSubscription.objects.filter(pk=subscription.pk, active=True).update(
            active=False, updated_at=timezone.now()
        )
        if switched:
            audit_record(
                actor=DELIVERY_ACTOR,
                action="webhook.subscription_gone",
                obj=subscription,
                municipality=subscription.municipality_id,
                details={"delivery": str(delivery.pk), "url": subscription.url},
            )
    logger.warning("Webhook subscription %s answered 410 Gone: switched off", subscription.pk)


@outbox_handlers.register(DELIVER_TOPIC)
def _deliver(payload: dict[str, object]) -> None:
    """Outbox handler of `webhooks.deliver`: one attempt (retried by the outbox)."""
    delivery_send(delivery_id=str(payload["delivery_id"]))
