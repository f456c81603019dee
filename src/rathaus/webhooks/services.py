"""Writes of webhook subscriptions (the admin calls these): create, change, delete, a new
signing secret, showing the secret; every change audited. The secret exists in clear only in
memory and on the admin page that shows it (no-store)."""

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.municipalities.models import Municipality, Office

from .models import WebhookSubscription
from .payloads import EVENT_TYPES
from .signing import SECRET_BOX, secret_new

FIELDS = ("name", "url", "event_types", "active")


def url_check(url: str, *, resolve: bool = False) -> str:
    """`url` if webhooks may be posted there: HTTPS (plain HTTP only where
    `RATHAUS_WEBHOOK_ALLOW_HTTP` is on: development and tests), with a host, without
    credentials, and not into a private network (`address_check`; the host's name is
    resolved with `resolve`, as before each delivery); DomainError (field "url") otherwise."""
    parts = urlsplit(url.strip())
    allowed = {"https", "http"} if settings.RATHAUS_WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise DomainError(
            _(
                "Enter an address starting with https:// (for example https://fachverfahren.example/hooks)."
            ),
            field="url",
        )
    if parts.username or parts.password:
        raise DomainError(_("The address must not contain a user name or password."), field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # not a number, or beyond 65535
        raise DomainError(_("The address's port is not valid."), field="url") from exc
    if not settings.RATHAUS_WEBHOOK_ALLOW_PRIVATE:
        address_check(parts.hostname, port=port, resolve=resolve)
    return url.strip()


def address_check(host: str, *, port: int, resolve: bool) -> None:
    """DomainError (field "url") when `host` is, or with `resolve` resolves to, an address
    that is not on the public internet: loopback, private networks, link-local (the cloud
    metadata service at 169.254.169.254), multicast, reserved, unless it lies in one of the
    networks of `RATHAUS_WEBHOOK_ALLOWED_NETWORKS` (the specialist systems' own). A webhook
    must not become a way into the installation's network (server-side request forgery). An
    IPv6 address is judged by the IPv4 address it carries too (mapped, compatible, 6to4,
    Teredo, NAT64). A name that resolves differently between this check and the connection
    (DNS rebinding) is not caught here: installations that need that guarantee send webhooks
    through an egress proxy (docs/api.md)."""
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        if not resolve:
            return
        try:
            found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            raise DomainError(
                _("The address's host name could not be resolved (%(error)s).")
                % {"error": exc.strerror or exc},
                field="url",
            ) from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
    allowed = [
        ipaddress.ip_network(n, strict=False) for n in settings.RATHAUS_WEBHOOK_ALLOWED_NETWORKS
    ]
    for address in addresses:
        if any(address in network for network in allowed):
            continue
        if any(not a.is_global or a.is_multicast for a in (address, *_embedded_ipv4(address))):
            raise DomainError(
                _(
                    "Webhooks are not sent into private networks: %(host)s is %(address)s, "
                    "an address that is not on the public internet."
                )
                % {"host": host, "address": address},
                field="url",
            )


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (a route to them through a gateway)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64 or int(address) >> 32 == 0:  # NAT64, IPv4-compatible (::a.b.c.d)
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in found if a is not None]


def _event_types_check(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise DomainError(
            _("Unknown event types: %(types)s") % {"types": ", ".join(unknown)},
            field="event_types",
        )
    if not event_types:
        raise DomainError(_("Choose at least one event type."), field="event_types")
    return [name for name in EVENT_TYPES if name in event_types]


def _offices_check(municipality: Municipality, offices: list[Office]) -> list[Office]:
    if any(office.municipality_id != municipality.pk for office in offices):
        raise DomainError(
            _("Choose only offices of the subscription's municipality."), field="offices"
        )
    return offices


def _snapshot(subscription: WebhookSubscription) -> dict[str, Any]:
    return {
        "name": subscription.name,
        "url": subscription.url,
        "event_types": list(subscription.event_types),
        "active": subscription.active,
        "offices": sorted(str(pk) for pk in subscription.offices.values_list("pk", flat=True)),
    }


@transaction.atomic
def subscription_create(
    *,
    actor: Actor,
    name: str,
    municipality: Municipality,
    url: str,
    event_types: list[str],
    offices: list[Office] | None = None,
    active: bool = True,
) -> tuple[WebhookSubscription, str]:
    """A new subscription with a new signing secret; returns it and the secret (in clear,
    to be shown once to the administrator who hands it to the specialist system)."""
    secret = secret_new()
    subscription = WebhookSubscription.objects.create(
        name=name,
        municipality=municipality,
        url=url_check(url),
        event_types=_event_types_check(event_types),
        secret_encrypted=SECRET_BOX.encrypt(secret),
        active=active,
    )
    subscription.offices.set(_offices_check(municipality, offices or []))
    audit_record(
        actor=actor,
        action="webhook.subscription_create",
        obj=subscription,
        municipality=municipality.pk,
        details=_snapshot(subscription),
    )
    return subscription, secret


@transaction.atomic
def subscription_update(
    *, actor: Actor, subscription: WebhookSubscription, changes: dict[str, Any]
) -> WebhookSubscription:
    """Change name, URL, event types, offices or active state (the municipality stays)."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    before = _snapshot(subscription)
    fields = []
    for name in FIELDS:
        if name in changes:
            value = changes[name]
            if name == "url":
                value = url_check(value)
            elif name == "event_types":
                value = _event_types_check(list(value))
            setattr(subscription, name, value)
            fields.append(name)
    if fields:
        subscription.save(update_fields=[*fields, "updated_at"])
    if "offices" in changes:
        subscription.offices.set(
            _offices_check(subscription.municipality, list(changes["offices"]))
        )
    audit_record(
        actor=actor,
        action="webhook.subscription_update",
        obj=subscription,
        municipality=subscription.municipality_id,
        details={"before": before, "after": _snapshot(subscription)},
    )
    return subscription


@transaction.atomic
def subscription_delete(*, actor: Actor, subscription: WebhookSubscription) -> None:
    """Remove a subscription with its delivery log (pending retries find it gone and stop)."""
    audit_record(
        actor=actor,
        action="webhook.subscription_delete",
        obj=subscription,
        municipality=subscription.municipality_id,
        details=_snapshot(subscription),
    )
    subscription.delete()


@transaction.atomic
def secret_rotate(*, actor: Actor, subscription: WebhookSubscription) -> str:
    """A new signing secret (the old one stops at once); returns it in clear."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    secret = secret_new()
    subscription.secret_encrypted = SECRET_BOX.encrypt(secret)
    subscription.save(update_fields=["secret_encrypted", "updated_at"])
    audit_record(
        actor=actor,
        action="webhook.secret_rotate",
        obj=subscription,
        municipality=subscription.municipality_id,
    )
    return secret


@transaction.atomic
def secret_reveal(*, actor: Actor, subscription: WebhookSubscription) -> str:
    """The signing secret in clear, for an administrator to hand over (audited)."""
    audit_record(
        actor=actor,
        action="webhook.secret_show",
        obj=subscription,
        municipality=subscription.municipality_id,
    )
    stored = WebhookSubscription.objects.values_list("secret_encrypted", flat=True)
    return SECRET_BOX.decrypt(stored.get(pk=subscription.pk))
