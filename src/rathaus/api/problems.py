"""RFC 9457 problem details (`application/problem+json`) for every API error.

Generic HTTP errors use the type ``about:blank`` with the HTTP status phrase as title.
Problems a client may want to tell apart (an unknown place, an ambiguous postcode, no known
responsibility) have their own type URI under ``urn:rathaus:problem:``.
"""

from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from rathaus.catalog.selectors import PlaceAmbiguous, PlaceNotFound
from rathaus.core.error_responses import problem_fields
from rathaus.core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:rathaus:problem:"


class Problem(exceptions.APIException):
    """An error with its own problem type and extension members (e.g. `candidates`)."""

    def __init__(
        self,
        *,
        status_code: int,
        problem_type: str,
        title: str,
        detail: str,
        **extensions: Any,
    ) -> None:
        super().__init__(detail=detail)
        self.status_code = status_code
        self.problem_type = f"{PROBLEM_TYPE_PREFIX}{problem_type}"
        self.title = title
        self.extensions = extensions


def problem_response(
    *,
    status_code: int,
    detail: str,
    title: str = "",
    problem_type: str = "about:blank",
    instance: str = "",
    **extensions: Any,
) -> Response:
    """A response whose body is a problem details object."""
    body: dict[str, Any] = {
        "type": problem_type,
        "title": title or status_text(status_code),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def place_problem(exc: PlaceNotFound | PlaceAmbiguous) -> Problem:
    """The problem for a place the Zuständigkeitsfinder cannot pin down."""
    if isinstance(exc, PlaceAmbiguous):
        return Problem(
            status_code=status.HTTP_409_CONFLICT,
            problem_type="place-ambiguous",
            title=str(_("Place is ambiguous")),
            detail=exc.message,
            candidates=[
                {"slug": m.slug, "name": m.name, "kind": m.kind, "ars": m.ars}
                for m in exc.candidates
            ],
        )
    return Problem(
        status_code=status.HTTP_404_NOT_FOUND,
        problem_type="place-not-found",
        title=str(_("Place not found")),
        detail=exc.message,
    )


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn DRF and domain errors into `application/problem+json` bodies."""
    request: Request | None = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, PlaceNotFound | PlaceAmbiguous):
        exc = place_problem(exc)
    if isinstance(exc, RequestDataTooBig):  # larger than DATA_UPLOAD_MAX_MEMORY_SIZE
        return problem_response(
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            detail=str(_("The request body is too large.")),
            instance=instance,
        )
    if isinstance(exc, Problem):
        return problem_response(
            status_code=exc.status_code,
            problem_type=exc.problem_type,
            title=exc.title,
            detail=str(exc.detail),
            instance=instance,
            **exc.extensions,
        )
    if isinstance(exc, DomainError):  # 404, 403, 409 or 400: rathaus.core.error_responses
        set_rollback()
        fields = problem_fields(exc)
        return problem_response(status_code=fields.pop("status"), instance=instance, **fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    extensions: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = str(_("The request parameters are invalid."))
        extensions["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    else:
        detail = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
    problem = problem_response(
        status_code=response.status_code, detail=detail, instance=instance, **extensions
    )
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


def status_text(code: int) -> str:
    """The standard reason phrase for an HTTP status code."""
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


# --- Schemas of the problem bodies, for the OpenAPI document. ---


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details."""

    type = serializers.CharField(
        help_text="URI reference identifying the problem type; `about:blank` for plain HTTP errors."
    )
    title = serializers.CharField(help_text="Short summary of the problem type.")
    status = serializers.IntegerField(help_text="HTTP status code.")
    detail = serializers.CharField(help_text="Explanation of this occurrence.")
    instance = serializers.CharField(
        required=False, help_text="The request path and query that caused the problem."
    )


class ValidationProblemSerializer(ProblemSerializer):
    """Problem details for invalid request parameters."""

    # Declared fields are collected by DRF's metaclass; the names only clash for mypy.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per parameter (`non_field_errors` for the request as a whole).",
    )


def token_problem_responses(**codes: str) -> dict[Any, Any]:
    """The documented problem responses of an endpoint for API clients: 401 and 403 (the
    token) plus `codes` ("404": "what is not found", …); 400 with the field errors."""
    from drf_spectacular.utils import OpenApiResponse

    described = {
        "401": "No token, or an invalid, expired or revoked one.",
        "403": "The token lacks the scope.",
        **codes,
    }
    return {
        (int(code), PROBLEM_CONTENT_TYPE): OpenApiResponse(
            ValidationProblemSerializer if code == "400" else ProblemSerializer,
            description=text,
        )
        for code, text in described.items()
    }


class PlaceCandidateSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="Kind of municipality (see MunicipalityKindEnum).")
    ars = serializers.CharField()


class AmbiguousPlaceProblemSerializer(ProblemSerializer):
    """The place matches several municipalities; ask again with one of `candidates`."""

    candidates = PlaceCandidateSerializer(many=True)


class ResponsibilityNotFoundProblemSerializer(ProblemSerializer):
    """Nothing found: the service (`about:blank`), the place
    (`urn:rathaus:problem:place-not-found`) or an authority offering the service from the place
    upwards (`urn:rathaus:problem:responsibility-unknown`, with `service`, `place`, `searched`)."""

    service = serializers.SlugField(required=False, help_text="The service asked for.")
    place = serializers.SlugField(required=False, help_text="The municipality of the place.")
    searched = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text="Municipalities searched, from the place upwards.",
    )
