"""URLs for tests/core/test_error_mapping.py: the project's URLs plus one view per surface
(portal, /intern/, API) that raises the domain error named in the path."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rathaus.core.errors import Conflict, DomainError, NotFound, NotPermitted
from rathaus.organisations.errors import NotPermitted as ProxyNotPermitted
from rathaus.staff.permissions import StaffPermissionDenied
from rathaus.urls import urlpatterns as project_urlpatterns

ERRORS: dict[str, tuple[type[DomainError], dict[str, Any]]] = {
    "not-found": (NotFound, {}),
    "not-permitted": (NotPermitted, {}),
    "staff-permission-denied": (StaffPermissionDenied, {}),
    "proxy-not-permitted": (ProxyNotPermitted, {}),
    "conflict": (Conflict, {}),
    "invalid": (DomainError, {"field": "name"}),
}


def message_of(kind: str) -> str:
    return f"Message of {kind} <b>escaped</b>."


def raise_error(kind: str) -> None:
    cls, kwargs = ERRORS[kind]
    raise cls(message_of(kind), **kwargs)


def raising_view(request: HttpRequest, kind: str) -> HttpResponse:
    raise_error(kind)
    return HttpResponse("unreachable")


class RaisingApiView(APIView):
    authentication_classes: list[Any] = []

    def get(self, request: Request, kind: str) -> Response:
        raise_error(kind)
        return Response({})


urlpatterns = [
    path("fehlertest/<str:kind>/", raising_view),
    path("intern/fehlertest/<str:kind>/", raising_view),
    path("api/v1/fehlertest/<str:kind>/", RaisingApiView.as_view()),
    *project_urlpatterns,
]
