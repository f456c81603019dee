"""Guards the staff area (everything under /intern/, the Django admin included).

Only active staff accounts get in, and only in a session whose login passed a second factor
(TOTP or a passkey). Staff without a second factor are sent to enrol one; staff whose session
did not use it (e.g. they enrolled just now) are sent to confirm it.

Whether the account still has a second factor is asked of the database at most every
`SECOND_FACTOR_RECHECK_SECONDS` per session (the answer is kept in the session with the
user's id), not on every page: a second factor removed through the account pages is
forgotten at once (`second_factor_forget`, on allauth's `authenticator_removed`), one removed
otherwise (the admin, the shell) shuts that account out of sessions already open within that
time (issue 9 §5: one query less per staff page).
"""

import time
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
SECOND_FACTOR_RECHECK_SECONDS = 30
SECOND_FACTOR_CHECKED_KEY = "rathaus_second_factor_checked"


def has_second_factor(request: HttpRequest, user: Any) -> bool:
    """Whether `user` has a second factor enrolled (TOTP or passkey), asked of the database at
    most every `SECOND_FACTOR_RECHECK_SECONDS` in this session."""
    now = time.time()
    checked = request.session.get(SECOND_FACTOR_CHECKED_KEY)
    if (
        isinstance(checked, list)
        and len(checked) == 2
        and checked[0] == str(user.pk)
        and isinstance(checked[1], int | float)
        and 0 <= now - checked[1] < SECOND_FACTOR_RECHECK_SECONDS
    ):
        return True
    if not is_mfa_enabled(user, SECOND_FACTORS):
        request.session.pop(SECOND_FACTOR_CHECKED_KEY, None)
        return False
    request.session[SECOND_FACTOR_CHECKED_KEY] = [str(user.pk), now]
    return True


def second_factor_forget(sender: Any, request: HttpRequest | None = None, **_: Any) -> None:
    """A second factor was removed in this request: ask again on the next page (a receiver of
    allauth's `authenticator_removed`)."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SECOND_FACTOR_CHECKED_KEY, None)


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
        if not has_second_factor(request, user):
            messages.info(
                request,
                _("Set up two-factor authentication before you use the staff area."),
            )
            return _redirect_with_next(reverse("mfa_activate_totp"), next_url)
        if not session_passed_mfa(request, user):
            return _redirect_with_next(reverse("mfa_reauthenticate"), next_url)
        return None
