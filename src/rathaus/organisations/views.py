"""Account pages for organisations, invitations, proxies and acting on behalf of someone.

Thin: parse the form, call one service, redirect. Permission failures (NotPermitted) are left
to `rathaus.core.error_responses` (a 403 page); other domain errors are shown as a message on
the page the user came from or on the form.
"""

import functools
import uuid
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.error_responses import form_error_add, message_error_add
from rathaus.core.errors import DomainError
from rathaus.federation.actors import request_actor
from rathaus.organisations import selectors, services
from rathaus.organisations.errors import NotPermitted
from rathaus.organisations.forms import (
    ActingAsForm,
    InvitationForm,
    OrganisationForm,
    ProxyGrantForm,
    RoleForm,
)
from rathaus.organisations.models import Invitation, Membership, Organisation, Proxy

P = ParamSpec("P")


def account_page(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Login required; pages stay out of caches. (NotPermitted from a service: the 403 page of
    `rathaus.core.error_responses`.)"""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    return login_required(wrapper)


def _member_organisation(request: HttpRequest, organisation_id: uuid.UUID) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if selectors.membership_get(user=request.user, organisation=organisation) is None:
        raise NotPermitted(_("You are not a member of this organisation."))
    return organisation


# --- Acting on behalf of ---


@account_page
@require_http_methods(["GET", "POST"])
def acting_as(request: HttpRequest) -> HttpResponse:
    choices = selectors.acting_choices(user=request.user)
    by_key = {choice.key: choice for choice in choices}
    current = selectors.current_principal(request)
    if current.proxy is not None:
        initial = f"proxy:{current.proxy.pk}"
    elif current.organisation is not None:
        initial = f"organisation:{current.organisation.pk}"
    else:
        initial = "self"
    form = ActingAsForm(
        request.POST or None,
        initial={"choice": initial},
        choices=[(choice.key, choice.label) for choice in choices],
    )
    if request.method == "POST" and form.is_valid():
        choice = by_key[form.cleaned_data["choice"]]
        services.acting_as_set(
            actor=request_actor(request),
            session=request.session,
            organisation=choice.organisation,
            proxy=choice.proxy,
        )
        messages.success(request, _("You now act on behalf of: %(who)s") % {"who": choice.label})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("organisations:acting-as")
        return redirect(target)
    return render(
        request,
        "organisations/acting_as.html",
        {"form": form, "principal": current, "next": request.GET.get("next", "")},
    )


# --- Organisations ---


@account_page
@require_http_methods(["GET", "POST"])
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(
            actor=request_actor(request), **form.cleaned_data
        )
        messages.success(request, _("The organisation account was created."))
        return redirect("organisations:detail", organisation.pk)
    return render(
        request,
        "organisations/organisation_list.html",
        {"memberships": selectors.memberships_of(user=request.user), "form": form},
    )


@account_page
@require_http_methods(["GET", "POST"])
def organisation_detail(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    organisation = _member_organisation(request, organisation_id)
    is_admin = selectors.membership_is_admin(user=request.user, organisation=organisation)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise NotPermitted(_("Only an administrator of the organisation may do this."))
        if form.is_valid():
            try:
                services.invitation_send(
                    actor=request_actor(request),
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    accept_url=lambda secret: request.build_absolute_uri(
                        reverse("organisations:invitation-accept", args=[secret])
                    ),
                )
            except DomainError as exc:
                form_error_add(form, exc)
            else:
                messages.success(request, _("The invitation was sent."))
                return redirect("organisations:detail", organisation.pk)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "is_admin": is_admin,
            "members": selectors.organisation_members(organisation=organisation),
            "invitations": (
                selectors.invitations_pending(organisation=organisation) if is_admin else []
            ),
            "form": form,
            "roles": Membership.Role.choices,
        },
    )


def _domain_action(request: HttpRequest, action: Callable[[], Any], success: str) -> None:
    try:
        action()
    except DomainError as exc:
        message_error_add(request, exc)
    else:
        messages.success(request, success)


@account_page
@require_POST
def membership_leave(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    organisation = _member_organisation(request, organisation_id)
    try:
        services.membership_leave(actor=request_actor(request), organisation=organisation)
    except DomainError as exc:
        message_error_add(request, exc)
        return redirect("organisations:detail", organisation.pk)
    messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
    return redirect("organisations:list")


@account_page
@require_POST
def membership_remove(
    request: HttpRequest, organisation_id: uuid.UUID, membership_id: uuid.UUID
) -> HttpResponse:
    organisation = _member_organisation(request, organisation_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    _domain_action(
        request,
        lambda: services.membership_remove(actor=request_actor(request), membership=membership),
        _("The member was removed."),
    )
    return redirect("organisations:detail", organisation.pk)


@account_page
@require_POST
def membership_role(
    request: HttpRequest, organisation_id: uuid.UUID, membership_id: uuid.UUID
) -> HttpResponse:
    organisation = _member_organisation(request, organisation_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    form = RoleForm(request.POST)
    if form.is_valid():
        _domain_action(
            request,
            lambda: services.membership_role_change(
                actor=request_actor(request), membership=membership, role=form.cleaned_data["role"]
            ),
            _("The role was changed."),
        )
    return redirect("organisations:detail", organisation.pk)


@account_page
@require_POST
def invitation_revoke(
    request: HttpRequest, organisation_id: uuid.UUID, invitation_id: uuid.UUID
) -> HttpResponse:
    organisation = _member_organisation(request, organisation_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=organisation)
    _domain_action(
        request,
        lambda: services.invitation_revoke(actor=request_actor(request), invitation=invitation),
        _("The invitation was withdrawn."),
    )
    return redirect("organisations:detail", organisation.pk)


@account_page
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=request_actor(request), token=token)
        except DomainError as exc:
            # Also NotPermitted: the page explains which address the invitation is for.
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("You are now a member of %(name)s.") % {"name": membership.organisation.name},
            )
            return redirect("organisations:detail", membership.organisation_id)
    usable = invitation is not None and selectors.invitation_is_open(invitation=invitation)
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation if usable else None},
    )


# --- Proxies ---


def _administered(request: HttpRequest) -> list[Organisation]:
    return [
        m.organisation
        for m in selectors.memberships_of(user=request.user)
        if m.role == Membership.Role.ADMIN
    ]


@account_page
@require_http_methods(["GET", "POST"])
def proxy_list(request: HttpRequest) -> HttpResponse:
    """Proxies granted and received, each with every use, plus the form to grant one."""
    form = ProxyGrantForm(
        request.POST or None,
        organisations=_administered(request),
        initial={"valid_from": selectors.legal_date(), "principal": "self"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent = selectors.user_by_email(email=data["agent_email"])
        if agent is None:
            form.add_error("agent_email", _("There is no user account with this e-mail address."))
        else:
            try:
                services.proxy_grant(
                    actor=request_actor(request),
                    agent=agent,
                    organisation=form.organisation(),
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    services=list(data["services"]) if data["scope"] == "selected" else None,
                )
            except DomainError as exc:
                form_error_add(form, exc, fields={"agent": "agent_email"})
            else:
                messages.success(request, _("The proxy was granted."))
                return redirect("organisations:proxies")
    now = selectors.timezone_now()
    granted = list(selectors.proxies_granted(user=request.user))
    received = list(selectors.proxies_received(user=request.user))
    return render(
        request,
        "organisations/proxy_list.html",
        {
            "form": form,
            "granted": [(p, selectors.proxy_is_valid(proxy=p, at=now)) for p in granted],
            "received": [(p, selectors.proxy_is_valid(proxy=p, at=now)) for p in received],
        },
    )


@account_page
@require_POST
def proxy_revoke(request: HttpRequest, proxy_id: uuid.UUID) -> HttpResponse:
    proxy = get_object_or_404(Proxy, pk=proxy_id)
    services.proxy_revoke(actor=request_actor(request), proxy=proxy)
    messages.success(request, _("The proxy was revoked."))
    return redirect("organisations:proxies")
