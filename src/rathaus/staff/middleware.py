"""Guards the staff area (everything under /intern/, the Django admin included).

Only active staff accounts get in, and only in a session whose login passed a second factor
(TOTP or a passkey). Staff without a second factor are sent to enrol one; staff whose session
did not use it (e.g. they enrolled just now) are sent to confirm it.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

STAFF_AREA_PREFIX = "/intern/"
ADMIN_PREFIX = f"{STAFF_AREA_PREFIX}admin/"
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def session_passed_mfa(request: HttpRequest, user: Any) -> bool:
    """True when this session's login (or a later re-authentication) used a second factor."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def _redirect_with_next(url: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}")


class StaffAreaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(STAFF_AREA_PREFIX):  # the staff UI and the Django admin alike
            denied = self.check(request)
            if denied is not None:
                return denied
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        next_url = request.get_full_path()
        if not user.is_authenticated:
            # Also for the admin's own login form: staff log in only through the MFA login.
            admin_login = request.path_info.startswith(f"{ADMIN_PREFIX}login")
            target = request.GET.get("next", STAFF_AREA_PREFIX) if admin_login else next_url
            return _redirect_with_next(resolve_url(settings.LOGIN_URL), target)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("The staff area is for staff accounts only."))
        if not is_mfa_enabled(user, SECOND_FACTORS):
            messages.info(
                request,
                _("Set up two-factor authentication before you use the staff area."),
            )
            return _redirect_with_next(reverse("mfa_activate_totp"), next_url)
        if not session_passed_mfa(request, user):
            return _redirect_with_next(reverse("mfa_reauthenticate"), next_url)
        return None
