"""django-axes hooks: which login was attempted, and the page shown when locked out."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def attempted_login(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The login (e-mail address or user name) of an attempt, lower-cased.

    allauth authenticates with ``email=…``, the admin with ``username=…``; the form field is
    ``login`` in allauth and ``username`` in the admin.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or ""
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username") or ""
    return str(value).strip().lower()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """A clear page (HTTP 429) saying the login is locked and for how long."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return TemplateResponse(
        request, "account/lockout.html", {"cooloff_minutes": minutes}, status=429
    ).render()
