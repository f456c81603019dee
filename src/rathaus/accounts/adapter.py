"""allauth adapter: pseudonymous user names, preferred language applied on login, the client
address from the trusted proxies, and wrong passwords counted by django-axes alone."""

import secrets
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rathaus.core.client_address import client_ip

PSEUDONYM_PREFIX = "b-"


def new_pseudonym() -> str:
    """A user name that identifies the account but not the person (shown in the audit trail)."""
    return PSEUDONYM_PREFIX + secrets.token_hex(6)


def user_display(user: Any) -> str:
    """How allauth names an account in mails and messages (setting ACCOUNT_USER_DISPLAY):
    the person's name or e-mail address, never the internal user name."""
    return str(user.display_name)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Only second-factor codes reach allauth's "login_failed" limit (see pre_authenticate).
        "too_many_login_attempts": _(
            "Too many wrong codes were entered. For your protection, no code is accepted for "
            "the time being. Please try again later."
        ),
    }

    def populate_username(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        # Not derived from the e-mail address: the audit trail keeps user names for good.
        user.username = new_pseudonym()  # type: ignore[attr-defined]

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits count per client address: the same one as the lockout.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Wrong passwords are counted and locked out by django-axes (per account and address,
        # with its own page and audit events). allauth's "login_failed" limit stays in force
        # for second-factor codes, which share its setting but not this code path.
        self._login_failed_rl_usage = None

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post_login(request, user, **kwargs)
        language = getattr(user, "preferred_language", "")
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
            )
        return response

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Without a `next`, staff land in the staff area (which checks the second factor
        # itself), everyone else on their account page.
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            return str(reverse("backoffice:start"))
        return str(super().get_login_redirect_url(request))
