"""Writes: organisations, memberships, invitations, proxies and the acting-as choice.

Every function checks the actor's permission itself and records an audit event in the same
transaction. Rows are locked organisation first, then memberships, so that two admins
leaving at once cannot leave an organisation without one.
"""

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.catalog.models import Service
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.core.request_context import current_request_context
from rathaus.organisations.errors import NotPermitted
from rathaus.organisations.models import Invitation, Membership, Organisation, Proxy, ProxyUse
from rathaus.organisations.selectors import (
    ACTING_AS_SESSION_KEY,
    email_is_verified,
    legal_date,
    membership_get,
    proxy_find,
    proxy_is_valid,
    token_digest,
)

Role = Membership.Role


def _locked_organisation(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _require_admin(*, actor: Actor, organisation: Organisation) -> Membership:
    membership = membership_get(user=actor.user, organisation=organisation)
    if membership is None or membership.role != Role.ADMIN:
        raise NotPermitted(_("Only an administrator of the organisation may do this."))
    return membership


def _other_admins_exist(*, organisation: Organisation, besides: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.ADMIN)
        .exclude(pk=besides.pk)
        .exists()
    )


# --- Organisations and memberships ---


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    register_number: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
) -> Organisation:
    """Create an organisation account; its creator becomes its first administrator."""
    if not actor.is_person:
        raise NotPermitted(_("Please log in first."))
    organisation = Organisation.objects.create(
        name=name,
        kind=kind,
        register_number=register_number,
        street=street,
        postcode=postcode,
        city=city,
    )
    Membership.objects.create(organisation=organisation, user=actor.user, role=Role.ADMIN)
    audit_record(actor=actor, action="organisation.create", obj=organisation)
    return organisation


@transaction.atomic
def membership_leave(*, actor: Actor, organisation: Organisation) -> None:
    """`actor` leaves `organisation`; refused for its last administrator."""
    organisation = _locked_organisation(organisation)
    membership = (
        Membership.objects.select_for_update()
        .filter(organisation=organisation, user=actor.user)
        .first()
    )
    if membership is None:
        raise NotPermitted(_("You are not a member of this organisation."))
    if membership.role == Role.ADMIN and not _other_admins_exist(
        organisation=organisation, besides=membership
    ):
        raise DomainError(
            _("You are the last administrator. Appoint another administrator before leaving.")
        )
    membership.delete()
    audit_record(
        actor=actor,
        action="organisation.membership.leave",
        obj=organisation,
        details={"user": actor.id},
    )


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """An administrator removes a member (themselves only if another admin remains)."""
    organisation = _locked_organisation(membership.organisation)
    _require_admin(actor=actor, organisation=organisation)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.ADMIN and not _other_admins_exist(
        organisation=organisation, besides=membership
    ):
        raise DomainError(_("The last administrator cannot be removed."))
    user_id = str(membership.user_id)
    membership.delete()
    audit_record(
        actor=actor,
        action="organisation.membership.remove",
        obj=organisation,
        details={"user": user_id},
    )


@transaction.atomic
def membership_role_change(*, actor: Actor, membership: Membership, role: str) -> Membership:
    """An administrator changes a member's role; the last administrator stays one."""
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    organisation = _locked_organisation(membership.organisation)
    _require_admin(actor=actor, organisation=organisation)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and not _other_admins_exist(
        organisation=organisation, besides=membership
    ):
        raise DomainError(_("The last administrator cannot give up the role."))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.membership.role_change",
        obj=organisation,
        details={"user": str(membership.user_id), "from": before, "to": role},
    )
    return membership


# --- Invitations ---


@transaction.atomic
def invitation_send(
    *,
    actor: Actor,
    organisation: Organisation,
    email: str,
    role: str,
    accept_url: Callable[[str], str],
) -> Invitation:
    """An administrator invites `email`; the mail carries the one-time link `accept_url(secret)`.

    Only the secret's digest is stored; an earlier open invitation of the same address is
    withdrawn. The mail is sent after the transaction commits.
    """
    organisation = _locked_organisation(organisation)
    _require_admin(actor=actor, organisation=organisation)
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise DomainError(_("This person is already a member."), field="email")
    now = timezone.now()
    withdrawn = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_digest(secret),
        expires_at=now + dt.timedelta(days=settings.RATHAUS_ORGANISATION_INVITATION_DAYS),
        invited_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="organisation.invitation.send",
        obj=organisation,
        details={"invitation": str(invitation.pk), "role": role, "withdrawn": withdrawn},
    )
    context = {
        "organisation": organisation,
        "inviter": actor.user,
        "link": accept_url(secret),
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("organisations/email/invitation_subject.txt", context).strip()
    body = render_to_string("organisations/email/invitation_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> None:
    """An administrator withdraws an open invitation; its link stops working."""
    organisation = _locked_organisation(invitation.organisation)
    _require_admin(actor=actor, organisation=organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="organisation.invitation.revoke",
            obj=organisation,
            details={"invitation": str(invitation.pk)},
        )


@transaction.atomic
def invitation_accept(*, actor: Actor, token: str) -> Membership:
    """The logged-in `actor` accepts the invitation of the link secret `token`.

    The link works once, until it expires, and only for an account that has confirmed the
    invited e-mail address: a forwarded link does not let someone else in.
    """
    invalid = DomainError(_("This invitation link is invalid, expired or already used."))
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=token_digest(token))
        .first()
    )
    now = timezone.now()
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now
    ):
        raise invalid
    if not email_is_verified(user=actor.user, email=invitation.email):
        raise NotPermitted(
            _("This invitation is for %(email)s. Please log in with that confirmed address.")
            % {"email": invitation.email}
        )
    organisation = _locked_organisation(invitation.organisation)
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=actor.user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now
    invitation.accepted_by = actor.user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.invitation.accept",
        obj=organisation,
        details={
            "invitation": str(invitation.pk),
            "role": membership.role,
            "already_member": not created,
        },
    )
    return membership


# --- Proxies (Bevollmächtigung) ---


@transaction.atomic
def proxy_grant(
    *,
    actor: Actor,
    agent: Any,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    services: Iterable[Service] | None = None,
    organisation: Organisation | None = None,
) -> Proxy:
    """`actor` (or `organisation`, which `actor` administers) authorises `agent` for
    `services` (None: all services) from `valid_from` to `valid_until` (Berlin dates)."""
    if organisation is not None:
        organisation = _locked_organisation(organisation)
        _require_admin(actor=actor, organisation=organisation)
    elif agent.pk == actor.user_id:
        raise DomainError(_("You cannot authorise yourself."), field="agent")
    if not getattr(agent, "is_active", False):
        raise DomainError(_("This account cannot receive a proxy."), field="agent")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(
            _("The end date must not lie before the start date."), field="valid_until"
        )
    if valid_until is not None and valid_until < legal_date():
        raise DomainError(_("The end date lies in the past."), field="valid_until")
    service_list = list(services) if services is not None else None
    if service_list is not None and not service_list:
        raise DomainError(_("Choose at least one service, or all services."), field="services")
    proxy = Proxy.objects.create(
        principal_user=None if organisation is not None else actor.user,
        principal_organisation=organisation,
        agent=agent,
        all_services=service_list is None,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor.user,
    )
    if service_list:
        proxy.services.set(service_list)
    audit_record(
        actor=actor,
        action="proxy.grant",
        obj=proxy,
        details={
            "agent": str(agent.pk),
            "organisation": str(organisation.pk) if organisation else None,
            "services": [s.slug for s in service_list] if service_list else "all",
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return proxy


@transaction.atomic
def proxy_revoke(*, actor: Actor, proxy: Proxy) -> Proxy:
    """End a proxy now: by its principal (an admin for an organisation) or by its agent."""
    proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
    allowed = proxy.agent_id == actor.user_id or proxy.principal_user_id == actor.user_id
    if not allowed and proxy.principal_organisation_id is not None:
        org = Organisation.objects.get(pk=proxy.principal_organisation_id)
        membership = membership_get(user=actor.user, organisation=org)
        allowed = membership is not None and membership.role == Role.ADMIN
    if not allowed:
        raise NotPermitted(_("You may not revoke this proxy."))
    if proxy.revoked_at is None:
        proxy.revoked_at = timezone.now()
        proxy.revoked_by = actor.user
        proxy.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_record(actor=actor, action="proxy.revoke", obj=proxy)
    return proxy


@transaction.atomic
def proxy_use(
    *, actor: Actor, principal: Any, service: Service | None, action: str = "proxy.use"
) -> ProxyUse:
    """Record that the person `actor` acts for `principal` (user or organisation) in
    `service` under a proxy in force; raises NotPermitted when there is none. The principal
    sees the use."""
    proxy = (
        proxy_find(agent=actor.user, principal=principal, service=service)
        if actor.is_person
        else None
    )
    if proxy is None:
        raise NotPermitted(_("You hold no valid proxy for this."))
    return _record_use(proxy=proxy, actor=actor, service=service, action=action)


def _record_use(*, proxy: Proxy, actor: Actor, service: Service | None, action: str) -> ProxyUse:
    ctx = current_request_context()
    use = ProxyUse.objects.create(
        proxy=proxy,
        service=service,
        action=action,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent[:500],
    )
    audit_record(
        actor=actor,
        action="proxy.use",
        obj=proxy,
        details={
            "use": str(use.pk),
            "what": action,
            "service": service.slug if service else None,
            "principal_type": "organisation" if proxy.principal_organisation_id else "user",
            "principal": str(proxy.principal_organisation_id or proxy.principal_user_id),
        },
    )
    return use


# --- Acting on behalf of someone (per session) ---


@transaction.atomic
def acting_as_set(
    *,
    actor: Actor,
    session: SessionBase,
    organisation: Organisation | None = None,
    proxy: Proxy | None = None,
) -> None:
    """Choose whom the person `actor` acts for in their `session`: an organisation they
    belong to, the principal of a `proxy` in force held by them, or (neither) themselves.

    Choosing a proxy counts as a use of it, visible to the principal.
    """
    if not actor.is_person:
        raise NotPermitted(_("Only a person can act on behalf of someone."))
    user = actor.user
    if organisation is not None and proxy is not None:
        raise DomainError(_("Choose either an organisation or a proxy."))
    details: dict[str, Any]
    if organisation is not None:
        if membership_get(user=user, organisation=organisation) is None:
            raise NotPermitted(_("You are not a member of this organisation."))
        session[ACTING_AS_SESSION_KEY] = {"organisation": str(organisation.pk)}
        details = {"organisation": str(organisation.pk)}
    elif proxy is not None:
        if proxy.agent_id != user.pk or not proxy_is_valid(proxy=proxy):
            raise NotPermitted(_("You hold no valid proxy for this."))
        _record_use(proxy=proxy, actor=actor, service=None, action="acting_as")
        session[ACTING_AS_SESSION_KEY] = {"proxy": str(proxy.pk)}
        details = {"proxy": str(proxy.pk)}
    else:
        session.pop(ACTING_AS_SESSION_KEY, None)
        details = {"self": True}
    audit_record(actor=actor, action="acting_as.set", details=details)
