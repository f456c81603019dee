"""The project's URLs plus `/bench-hello/`: a bare Django view that goes through the same
middleware (sessions, locale, security headers …) and returns a few bytes without touching the
database. The lists' throughput is reported as a percentage of it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from rathaus.urls import urlpatterns as project_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), *project_urlpatterns]
