"""Reads: memberships, invitations, proxies and whom a request acts for."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.catalog.models import Service
from rathaus.organisations.models import Invitation, Membership, Organisation, Proxy, ProxyUse

# Proxies name calendar days; a day starts and ends in German civil time.
LEGAL_TIME_ZONE = ZoneInfo("Europe/Berlin")
ACTING_AS_SESSION_KEY = "rathaus_acting_as"


def token_digest(token: str) -> str:
    """SHA-256 hex digest of an invitation link's secret (256 random bits, see apitokens)."""
    return hashlib.sha256(token.encode()).hexdigest()


def legal_date(at: dt.datetime | None = None) -> dt.date:
    """The calendar date in Europe/Berlin at the instant `at` (default: now)."""
    return timezone.localtime(at or timezone.now(), LEGAL_TIME_ZONE).date()


def membership_get(*, user: Any, organisation: Organisation) -> Membership | None:
    """The membership of `user` in `organisation`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def membership_is_admin(*, user: Any, organisation: Organisation) -> bool:
    """Whether `user` administers `organisation`."""
    membership = membership_get(user=user, organisation=organisation)
    return membership is not None and membership.role == Membership.Role.ADMIN


def memberships_of(*, user: Any) -> QuerySet[Membership]:
    """The organisations `user` belongs to, as memberships with their organisation."""
    return Membership.objects.filter(user=user).select_related("organisation")


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    """The memberships of `organisation`, admins first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "created_at")
    )


def invitations_pending(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations of `organisation` not yet accepted, revoked or expired."""
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link's secret belongs to (in any state), or None."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=token_digest(token))
        .first()
    )


def invitation_is_open(*, invitation: Invitation) -> bool:
    """Whether the invitation can still be accepted (not used, withdrawn or expired)."""
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > timezone.now()
    )


def timezone_now() -> dt.datetime:
    """The current instant (one clock for a page that evaluates several validities)."""
    return timezone.now()


def email_is_verified(*, user: Any, email: str) -> bool:
    """Whether `email` is one of `user`'s addresses confirmed through allauth."""
    if not apps.is_installed("allauth.account"):
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def user_by_email(*, email: str) -> Any:
    """The active account with the e-mail address `email`, or None."""
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


# --- Proxies ---


def proxy_is_valid(*, proxy: Proxy, at: dt.datetime | None = None) -> bool:
    """Whether `proxy` is in force at `at` (default now): not revoked, and the Berlin date of
    `at` within valid_from … valid_until (both inclusive)."""
    at = at or timezone.now()
    if proxy.revoked_at is not None and proxy.revoked_at <= at:
        return False
    day = legal_date(at)
    if day < proxy.valid_from:
        return False
    return proxy.valid_until is None or day <= proxy.valid_until


def proxy_covers(*, proxy: Proxy, service: Service | None) -> bool:
    """Whether `proxy` extends to `service` (None: no particular service)."""
    if proxy.all_services or service is None:
        return True
    return any(s.pk == service.pk for s in proxy.services.all())


def _principal_q(principal: Any) -> Q:
    if isinstance(principal, Organisation):
        return Q(principal_organisation=principal)
    return Q(principal_user=principal)


def proxy_find(
    *, agent: Any, principal: Any, service: Service | None = None, at: dt.datetime | None = None
) -> Proxy | None:
    """A proxy in force at `at` by which `agent` may act for `principal` (a user or an
    organisation) in `service`, or None."""
    at = at or timezone.now()
    day = legal_date(at)
    candidates = (
        Proxy.objects.filter(_principal_q(principal), agent=agent, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=at))
        .prefetch_related("services")
    )
    for proxy in candidates:
        if proxy_is_valid(proxy=proxy, at=at) and proxy_covers(proxy=proxy, service=service):
            return proxy
    return None


def _with_details(proxies: QuerySet[Proxy]) -> QuerySet[Proxy]:
    return proxies.select_related(
        "principal_user", "principal_organisation", "agent"
    ).prefetch_related(
        "services",
        Prefetch("uses", queryset=ProxyUse.objects.select_related("service")),
    )


def proxies_granted(*, user: Any) -> QuerySet[Proxy]:
    """Proxies granted by `user` or by an organisation `user` administers, with their uses."""
    administered = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values(
        "organisation"
    )
    return _with_details(
        Proxy.objects.filter(Q(principal_user=user) | Q(principal_organisation__in=administered))
    )


def proxies_received(*, user: Any) -> QuerySet[Proxy]:
    """Proxies naming `user` as agent, with their uses."""
    return _with_details(Proxy.objects.filter(agent=user))


# --- Acting on behalf of someone ---


@dataclass(frozen=True)
class Principal:
    """Whom a request acts for: `user` is always the logged-in person doing it; when acting
    for an organisation or another person, that one is named, and `proxy` is the authority
    used (None for a member acting for their own organisation)."""

    user: Any
    organisation: Organisation | None = None
    principal_user: Any = None
    proxy: Proxy | None = None

    @property
    def acts_for_self(self) -> bool:
        return self.organisation is None and self.principal_user is None

    @property
    def subject(self) -> Any:
        """The user or organisation the request acts for."""
        return self.organisation or self.principal_user or self.user

    @property
    def label(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.principal_user is not None:
            return principal_label(self.principal_user)
        return _("yourself")


def principal_label(user: Any) -> str:
    """How a person is named to others: full name, else e-mail (never the internal user name
    of a citizen)."""
    return str(user.display_name)


@dataclass(frozen=True)
class ActingChoice:
    """One entry of the 'act on behalf of' page."""

    key: str
    label: str
    organisation: Organisation | None
    proxy: Proxy | None


def acting_choices(*, user: Any) -> list[ActingChoice]:
    """Whom `user` may act for now: themselves, their organisations, and principals of
    proxies in force."""
    choices = [ActingChoice(key="self", label=_("Myself"), organisation=None, proxy=None)]
    for membership in memberships_of(user=user):
        org = membership.organisation
        choices.append(
            ActingChoice(key=f"organisation:{org.pk}", label=org.name, organisation=org, proxy=None)
        )
    now = timezone.now()
    for proxy in proxies_received(user=user):
        if not proxy_is_valid(proxy=proxy, at=now):
            continue
        principal = proxy.principal_organisation or proxy.principal_user
        label = (
            principal.name if isinstance(principal, Organisation) else principal_label(principal)
        )
        choices.append(
            ActingChoice(
                key=f"proxy:{proxy.pk}",
                label=_("%(principal)s (proxy)") % {"principal": label},
                organisation=None,
                proxy=proxy,
            )
        )
    return choices


def current_principal(request: HttpRequest) -> Principal:
    """Whom `request` acts for, as chosen on the 'act on behalf of' page for this session.

    The choice is checked again on every call: once the membership ends or the proxy
    lapses or is revoked, the request acts for the user alone again.
    """
    user = request.user
    if not isinstance(user, User):  # anonymous
        return Principal(user=user)
    stored = request.session.get(ACTING_AS_SESSION_KEY)
    if not stored:
        return Principal(user=user)
    if "organisation" in stored:
        membership = (
            Membership.objects.select_related("organisation")
            .filter(user=user, organisation_id=stored["organisation"])
            .first()
        )
        if membership is not None:
            return Principal(user=user, organisation=membership.organisation)
    elif "proxy" in stored:
        proxy = (
            Proxy.objects.select_related("principal_user", "principal_organisation")
            .filter(pk=stored["proxy"], agent=user)
            .first()
        )
        if proxy is not None and proxy_is_valid(proxy=proxy):
            return Principal(
                user=user,
                organisation=proxy.principal_organisation,
                principal_user=proxy.principal_user,
                proxy=proxy,
            )
    request.session.pop(ACTING_AS_SESSION_KEY, None)
    return Principal(user=user)
