"""The API's keyset pagination (rathaus.api.pagination.CursorPagination), on a list view made
for the test: next/previous links with an opaque cursor, stable under equal timestamps, filters
kept, no OFFSET and no COUNT(*), a tampered cursor is a 400 problem, and the OpenAPI parts."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from rathaus.api.pagination import CursorPagination
from rathaus.catalog.models import Service
from tests.factories import ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class ServiceSlugSerializer(serializers.ModelSerializer[Service]):
    class Meta:
        model = Service
        fields = ["slug"]


class ServiceCursorList(ListAPIView[Service]):
    """Services, newest first, by keyset pages (a test view)."""

    serializer_class = ServiceSlugSerializer
    pagination_class = CursorPagination
    pagination_ordering = ("-created_at", "-pk")
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        qs = Service.objects.all()
        if group := self.request.query_params.get("target_group"):
            qs = qs.filter(target_group=group)
        return qs


urlpatterns = [path("cursor-list/", ServiceCursorList.as_view(), name="cursor-list")]


@pytest.fixture
def slugs():
    """30 services, 12 of them created in the same second; newest first."""
    made = [
        ServiceFactory(
            slug=f"s-{n:02d}",
            target_group=Service.TargetGroup.BUSINESSES if n % 2 else Service.TargetGroup.CITIZENS,
        )
        for n in range(30)
    ]
    base = timezone.now().replace(microsecond=0)
    for n, service in enumerate(made):
        at = base if n < 12 else base - dt.timedelta(minutes=n)
        Service.objects.filter(pk=service.pk).update(created_at=at)
    return [s.slug for s in Service.objects.order_by("-created_at", "-pk")]


def _pages(client, url):
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "previous", "results"}  # no count
        pages.append(body)
        url = body["next"]
    return pages


def test_next_links_walk_every_row_once_and_previous_links_walk_back(client, slugs):
    pages = _pages(client, "/cursor-list/?page_size=7")
    assert [r["slug"] for p in pages for r in p["results"]] == slugs
    assert [len(p["results"]) for p in pages] == [7, 7, 7, 7, 2]
    assert pages[0]["previous"] is None and pages[-1]["next"] is None
    assert pages[1]["next"].startswith("http://testserver/cursor-list/?")
    back = client.get(pages[-1]["previous"]).json()
    assert back["results"] == pages[-2]["results"]
    first = client.get(pages[1]["previous"]).json()
    assert first["results"] == pages[0]["results"] and first["previous"] is None


def test_filters_and_page_size_stay_in_the_links(client, slugs):
    pages = _pages(client, "/cursor-list/?target_group=businesses&page_size=4")
    expected = list(
        Service.objects.filter(target_group="businesses")
        .order_by("-created_at", "-pk")
        .values_list("slug", flat=True)
    )
    assert [r["slug"] for p in pages for r in p["results"]] == expected
    assert "target_group=businesses" in pages[0]["next"] and "page_size=4" in pages[0]["next"]


def test_a_deep_page_is_one_query_without_offset_or_count(client, slugs):
    second = client.get("/cursor-list/?page_size=5").json()["next"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(second)
    assert response.status_code == 200
    lists = [q["sql"].upper() for q in queries if "CATALOG_SERVICE" in q["sql"].upper()]
    assert len(lists) == 1
    assert "OFFSET" not in lists[0] and "COUNT(" not in lists[0] and "LIMIT 6" in lists[0]


def test_page_size_is_capped_and_bad_values_fall_back(client, slugs):
    assert len(client.get("/cursor-list/?page_size=1000").json()["results"]) == 30  # cap 100
    assert len(client.get("/cursor-list/?page_size=0").json()["results"]) == 20  # PAGE_SIZE
    assert len(client.get("/cursor-list/?page_size=x").json()["results"]) == 20


@pytest.mark.parametrize("cursor", ["garbage", "eJyLVkrNU4pWMlCK1VEqSc0rAQAq5gTD:forged"])
def test_an_invalid_cursor_is_a_400_problem(client, slugs, cursor):
    response = client.get("/cursor-list/", {"cursor": cursor})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "cursor" in response.json()["errors"]


def test_a_changed_cursor_is_refused(client, slugs):
    next_url = client.get("/cursor-list/?page_size=5").json()["next"]
    prefix, _, cursor = next_url.partition("cursor=")
    payload, _, signature = cursor.rpartition("%3A") if "%3A" in cursor else cursor.rpartition(":")
    changed = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    response = client.get(f"{prefix}cursor={changed}:{signature}")
    assert response.status_code == 400


def test_openapi_describes_cursor_page_size_and_nullable_links():
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    operation = schema["paths"]["/cursor-list/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"cursor", "page_size"} <= names and "page" not in names
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert set(component["required"]) == {"next", "previous", "results"}
    assert component["properties"]["next"]["type"] == ["string", "null"]
    assert "count" not in component["properties"]
