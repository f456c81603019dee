"""Thin views: start a provider login, receive its answer, step up, link and unlink."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.catalog.selectors import service_get, service_get_by_slug
from rathaus.core.error_responses import message_error_add
from rathaus.core.errors import DomainError, NotFound
from rathaus.federation import services
from rathaus.federation.access import step_up_url
from rathaus.federation.actors import request_actor
from rathaus.federation.levels import TrustLevel
from rathaus.federation.models import LoginTransaction
from rathaus.federation.providers import AuthenticationRejected, IdentityProvider, provider_get
from rathaus.federation.selectors import (
    SESSION_TRANSACTIONS_KEY,
    providers_for_level,
    session_trust_level,
    trust_level_sufficient,
)
from rathaus.municipalities.selectors import municipality_get

logger = logging.getLogger(__name__)

REJECTION_MESSAGES = {
    "bad_signature": gettext_lazy("The answer of the identity provider was not signed correctly."),
    "wrong_audience": gettext_lazy(
        "The answer of the identity provider was meant for another service."
    ),
    "expired": gettext_lazy("The login took too long or its confirmation has expired."),
    "nonce_mismatch": gettext_lazy("The answer does not belong to the login you started."),
    "unknown_state": gettext_lazy("The answer does not belong to a login started in this browser."),
    "unsolicited": gettext_lazy("The answer does not belong to a login started in this browser."),
    "replayed": gettext_lazy("This login confirmation was already used."),
}


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _default_next() -> str:
    try:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        return reverse("federation:overview")


def _level_param(value: str | None) -> TrustLevel:
    try:
        return TrustLevel.from_key(value or "low")
    except ValueError:
        return TrustLevel.LOW


def _provider_or_404(key: str) -> IdentityProvider:
    try:
        return provider_get(key)
    except KeyError:
        raise Http404(_("Unknown identity provider.")) from None


def overview(request: HttpRequest) -> HttpResponse:
    """The current level, linked identities and providers to link (account page fragment)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "federation/overview.html", {})


def login_choice(request: HttpRequest) -> HttpResponse:
    """The providers one can log in with."""
    level = _level_param(request.GET.get("level"))
    return render(
        request,
        "federation/login.html",
        {
            "providers": providers_for_level(level=level),
            "level": level,
            "next": _safe_next(request, request.GET.get("next")),
        },
    )


@require_POST
def begin(request: HttpRequest, provider_key: str) -> HttpResponse:
    """Start a login, link or step-up at a provider (POST from a button)."""
    provider = _provider_or_404(provider_key)
    purpose = request.POST.get("purpose", LoginTransaction.Purpose.LOGIN)
    if purpose not in LoginTransaction.Purpose.values:
        purpose = LoginTransaction.Purpose.LOGIN
    if purpose != LoginTransaction.Purpose.LOGIN and not request.user.is_authenticated:
        return redirect_to_login(reverse("federation:overview"))
    level = _level_param(request.POST.get("level"))
    try:
        return provider.begin(
            request,
            requested_level=level,
            next_url=_safe_next(request, request.POST.get("next")),
            purpose=purpose,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    except Exception:  # network or configuration trouble at the provider
        logger.exception("could not start a login at %s", provider_key)
        messages.error(request, _("The identity provider cannot be reached. Please try later."))
    return redirect("federation:login")


def metadata(request: HttpRequest, provider_key: str) -> HttpResponse:
    """Service provider metadata of a provider that has some (SAML)."""
    return _provider_or_404(provider_key).metadata_response(request)


@csrf_exempt  # the SAML POST binding comes from the IdP; InResponseTo + session bind it instead
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, provider_key: str) -> HttpResponse:
    """The provider's answer: verify it, then log in / link / step up."""
    provider = _provider_or_404(provider_key)
    if (
        request.method == "POST"
        and SESSION_TRANSACTIONS_KEY not in request.session
        and "resubmitted" not in request.POST
    ):
        # The IdP's cross-site POST arrives without our SameSite=Lax session cookie: send
        # the same fields again from our own page, where the browser includes it.
        fields = [(k, v) for k, v in request.POST.items() if k in {"SAMLResponse", "RelayState"}]
        return render(request, "federation/resubmit.html", {"fields": fields})
    try:
        identity = provider.complete(request)
        outcome = services.identity_sign_in(
            request=request, identity=identity, method=provider.type_key
        )
    except AuthenticationRejected as exc:
        services.authentication_rejection_record(
            request=request, provider=provider.key, reason=exc.reason, detail=exc.detail
        )
        message = REJECTION_MESSAGES.get(exc.reason, _("The login could not be completed."))
        return render(
            request,
            "federation/rejected.html",
            {"message": message, "reason": exc.reason, "provider": provider},
            status=403,
        )
    if outcome.result == "link_required":
        return redirect("federation:link-confirm")
    if outcome.result == "linked":
        messages.success(request, _("The identity was linked to your account."))
    return HttpResponseRedirect(_safe_next(request, outcome.next_url) or _default_next())


@require_http_methods(["GET", "POST"])
def link_confirm(request: HttpRequest) -> HttpResponse:
    """Link a provider identity whose e-mail matches an existing account, after its login."""
    identity = services.pending_link_get(request=request)
    if identity is None:
        messages.error(request, _("There is no identity waiting to be linked (or it expired)."))
        return redirect(_default_next())
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.identity_link_confirm(request=request, method=_method_of(identity.provider))
        except DomainError as exc:
            message_error_add(request, exc)
            return redirect("federation:link-confirm")
        messages.success(request, _("The identity was linked to your account."))
        return HttpResponseRedirect(_safe_next(request, identity.next_url) or _default_next())
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.path})}"
    return render(
        request, "federation/link_confirm.html", {"identity": identity, "login_url": login_url}
    )


def _method_of(provider_key: str) -> str:
    try:
        return provider_get(provider_key).type_key
    except KeyError:
        return "external"


@login_required
@require_POST
def unlink(request: HttpRequest, identity_id: str) -> HttpResponse:
    try:
        services.identity_unlink(actor=request_actor(request), identity_id=identity_id)
    except DomainError as exc:
        message_error_add(request, exc)
    else:
        messages.success(request, _("The identity was removed from your account."))
    return redirect("federation:overview")


def _way_out(next_url: str) -> dict[str, Any]:
    """Where someone who cannot go on online can turn: back to the service's page, and its
    responsible office to apply in person. Derived from the page they were heading for (a
    service start or an application start, both name the service and the municipality)."""
    split = urlsplit(next_url)
    try:
        match = resolve(split.path)
    except Resolver404:
        return {}
    service_slug = match.kwargs.get("service_slug")
    municipality_slug = (
        match.kwargs.get("municipality_slug") or (parse_qs(split.query).get("gemeinde", [""])[0])
    )
    if not service_slug or not municipality_slug:
        return {}
    try:
        offer = service_get(
            municipality=municipality_get(slug=municipality_slug), slug=service_slug
        )
        back_url = reverse("portal:service-detail", args=[municipality_slug, service_slug])
    except (NotFound, NoReverseMatch):
        return {}
    return {"offer": offer, "municipality_slug": municipality_slug, "back_url": back_url}


@login_required
def step_up(request: HttpRequest) -> HttpResponse:
    """Which providers reach the requested level; choosing one starts the login."""
    level = _level_param(request.GET.get("level"))
    next_url = _safe_next(request, request.GET.get("next"))
    trust = session_trust_level(request)
    if trust is not None and trust.level >= level and next_url:
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "federation/step_up.html",
        {
            "level": level,
            "next": next_url,
            "trust": trust,
            "providers": providers_for_level(level=level),
            **_way_out(next_url),
        },
    )


def service_start(request: HttpRequest, service_slug: str) -> HttpResponse:
    """Start a service: log in and reach its minimum level first, then continue."""
    service = service_get_by_slug(slug=service_slug)  # NotFound: 404 page
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    trust = session_trust_level(request)
    if not trust_level_sufficient(session_level=trust.level if trust else None, service=service):
        required = TrustLevel.from_key(service.min_trust_level)
        return redirect(step_up_url(level=required, next_url=request.get_full_path()))
    if service.online_url:
        return HttpResponseRedirect(service.online_url)
    municipality = request.GET.get("gemeinde", "")
    if service.online_application == service.OnlineApplication.INTERNAL and municipality:
        # The form in this portal (rathaus.portal.application_views; reversed by name, the
        # domain does not import the portal). Its start page checks the offer and form.
        try:
            return redirect(reverse("apply:start", args=[municipality, service.slug]))
        except NoReverseMatch:
            pass
    return render(
        request,
        "federation/service_start.html",
        {"service": service, "trust": trust, **_way_out(request.get_full_path())},
    )
