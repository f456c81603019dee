"""RFC 9457 problem details for every API error."""

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from rathaus.core.errors import DomainError, NotFound

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(*, status_code: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": detail, **extra}
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn DRF and domain errors into `application/problem+json` bodies."""
    if isinstance(exc, NotFound | Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DomainError):
        errors = {exc.field: [exc.message]} if exc.field else {}
        return problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            title="Bad Request",
            detail=exc.message,
            **({"errors": errors} if errors else {}),
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        detail = "The request parameters are invalid."
        extra: dict[str, Any] = {"errors": data}
    else:
        detail = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
        extra = {}
    title = status_text(response.status_code)
    problem = problem_response(status_code=response.status_code, title=title, detail=detail, **extra)
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


def status_text(code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"
