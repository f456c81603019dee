from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from rathaus.core.client_address import client_ip
from rathaus.core.invalid_characters import (
    invalid_characters_remove,
    names_with_invalid_characters,
)
from rathaus.core.request_context import RequestContext, request_context


class RequestContextMiddleware:
    """Makes the client IP and user agent available to the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = RequestContext(
            ip_address=client_ip(request) or None,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        with request_context(ctx):
            return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class InvalidCharactersMiddleware:
    """Backstop: a query or form value with a character we never store (NUL, control
    characters …; `core.invalid_characters`) is answered with 400 (a problem under /api/)
    before any view can hand it to the database, which would fail with a 500.

    Django's form fields refuse NUL themselves, but not every view reads input through a
    form. Views that report such characters at the field (the application form steps) are
    marked with `checks_invalid_characters` and pass.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(view_func, "checks_invalid_characters", False):
            return None
        invalid = names_with_invalid_characters(request.GET)
        if request.method == "POST" and not invalid:
            # (Django's upload handling drops non-printable characters from file names.)
            invalid = names_with_invalid_characters(request.POST)
        if not invalid:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Bad Request",
                    "status": 400,
                    "detail": _(
                        "The parameter %(name)s contains a character that is not allowed "
                        "(NUL, a control character or an unpaired surrogate)."
                    )
                    % {"name": invalid_characters_remove(invalid[0])},
                    "instance": request.get_full_path(),
                },
                status=400,
                content_type="application/problem+json",
            )
        return render(request, "core/invalid_characters.html", status=400)


# Everything under these paths shows or returns one person's data (their account, their
# applications and files, the staff area): never kept by a shared cache or in the browser
# cache. The public catalogue pages stay cacheable.
PERSONAL_PATH_PREFIXES = ("/konto/", "/antraege/", "/intern/", "/zahlung/")


class PersonalPagesNoStoreMiddleware:
    """`Cache-Control: private, no-store` on personal pages and downloads, and on API
    responses to a request with credentials (a specialist system's submissions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PERSONAL_PATH_PREFIXES) or (
            request.path.startswith("/api/") and "Authorization" in request.headers
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
