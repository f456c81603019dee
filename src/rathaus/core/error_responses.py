"""The one place that turns domain errors (`rathaus.core.errors`) into responses.

    DomainError   400   NotFound 404   NotPermitted 403   Conflict 409

The status comes from the error class (`status_code`); every app's errors derive from one of
the four classes. Two surfaces use this module:

- the portal and /intern/: `DomainErrorMiddleware` answers an uncaught domain error with the
  error page for its status (403.html, 404.html or error.html) showing the error's message —
  messages of domain errors are written to be shown; nothing else of the exception is;
- the API: `rathaus.api.problems.problem_exception_handler` builds its problem+json body from
  `problem_fields`.

Views therefore do not catch NotFound / NotPermitted to turn them into 404 / 403. They still
catch a DomainError where the page shows it in place: `form_error_add` puts it on a form
(at `exc.field` when the form has that field), `message_error_add` shows it as a message;
both let NotFound and NotPermitted through to their page.
Need-to-know: a selector that must not reveal whether an object exists raises NotFound (404)
for objects the actor may not see, never NotPermitted.
"""

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rathaus.core.errors import DomainError, NotFound, NotPermitted

API_PREFIX = "/api/"
STAFF_AREA_PREFIX = "/intern/"

# Error pages of the portal and /intern/ by status; 400 and 409 share a generic page.
ERROR_TEMPLATES: dict[int, str] = {404: "404.html", 403: "403.html"}
GENERIC_ERROR_TEMPLATE = "error.html"

# Headings of the generic page (403 and 404 have their own pages).
PAGE_TITLES: dict[int, Any] = {
    400: _("Request not possible"),
    409: _("Not possible at the moment"),
}
PAGE_HINTS: dict[int, Any] = {
    400: _("Please go back, check your input and try again."),
    409: _(
        "The item has changed in the meantime or is already done. Please reload the page and "
        "check its current state before you try again."
    ),
}


def error_status(exc: DomainError) -> int:
    """The HTTP status for `exc`: 404, 403, 409 or 400 (from its class)."""
    return exc.status_code


def problem_fields(exc: DomainError) -> dict[str, Any]:
    """The members of an RFC 9457 problem for `exc` besides `type` and `instance`: `status`,
    `title` (the status phrase), `detail` (the message) and, for a 400 or an error that names
    an input, `errors` ({field or "non_field_errors": [message]})."""
    status = error_status(exc)
    fields: dict[str, Any] = {
        "status": status,
        "title": HTTPStatus(status).phrase,
        "detail": exc.message,
    }
    if status == HTTPStatus.BAD_REQUEST or exc.field:
        fields["errors"] = {exc.field or "non_field_errors": [exc.message]}
    return fields


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The error page (portal or staff layout) for `exc`, with its status and message."""
    status = error_status(exc)
    in_staff_area = request.path.startswith(STAFF_AREA_PREFIX) and getattr(
        getattr(request, "user", None), "is_staff", False
    )
    context = {
        "message": exc.message,
        "status": status,
        "title": PAGE_TITLES.get(status, ""),
        "hint": PAGE_HINTS.get(status, ""),
        # Only active staff with a second factor reach a view under /intern/.
        "layout": "backoffice/base.html" if in_staff_area else "portal/base.html",
    }
    template = ERROR_TEMPLATES.get(status, GENERIC_ERROR_TEMPLATE)
    return render(request, template, context, status=status)


class DomainErrorMiddleware:
    """Answers a domain error a portal or /intern/ view did not handle with its error page.

    The API answers through its own exception handler (problem+json) before this is reached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith(API_PREFIX):
            return None
        return error_page(request, exception)


# Errors that have their own page rather than a message next to the input.
PAGE_ERRORS = (NotFound, NotPermitted)


def form_error_add(
    form: forms.BaseForm,
    exc: DomainError,
    *,
    fields: Mapping[str, str] | None = None,
    default: str | None = None,
) -> None:
    """Show `exc` on `form`: at its field (renamed through `fields` where service and form
    call it differently) when the form has it, else at `default` (None: the whole form).

    NotFound and NotPermitted are no input errors: they are raised again, for their page.
    """
    if isinstance(exc, PAGE_ERRORS):
        raise exc
    field = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else default, exc.message)


def message_error_add(request: HttpRequest, exc: DomainError) -> None:
    """Show `exc` as an error message on the next page (NotFound and NotPermitted are raised
    again, for their page)."""
    if isinstance(exc, PAGE_ERRORS):
        raise exc
    messages.error(request, exc.message)
