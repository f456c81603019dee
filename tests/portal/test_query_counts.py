"""List pages use a constant number of queries, however much data there is (no N+1)."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rathaus.catalog.search import search_index_rebuild
from tests.factories import (
    LifeSituationFactory,
    LocalServiceFactory,
    MunicipalityFactory,
    OfficeFactory,
    OpeningHoursFactory,
    RequiredDocumentFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

# Upper bounds for the page with the most queries of each kind; the real numbers are lower.
MAX_QUERIES = 12

_serial = itertools.count()


def grow(data, n: int) -> None:
    """Add `n` services, offices, life situations and member municipalities."""
    for _ in range(n):
        i = next(_serial)
        office = OfficeFactory(municipality=data.vg, name=f"Amt {i}", slug=f"amt-{i}")
        OpeningHoursFactory(office=office, weekday=i % 5, opens=dt.time(8), closes=dt.time(12))
        OpeningHoursFactory(office=office, weekday=i % 5, opens=dt.time(13), closes=dt.time(15))
        situation = LifeSituationFactory()
        service = ServiceFactory(name_de=f"Leistung Nummer {i}", online_url="https://x.example")
        service.life_situations.add(situation, data.moving)
        RequiredDocumentFactory(service=service)
        LocalServiceFactory(municipality=data.vg, service=service, responsible_office=office)
        MunicipalityFactory(parent=data.vg, kind="ortsgemeinde", ars=f"07135500{1100 + i:04d}")
    search_index_rebuild()


def urls(data) -> list[str]:
    kreis, vg = data.kreis.slug, data.vg.slug
    return [
        reverse("portal:landing"),
        reverse("portal:start", args=[kreis]),
        reverse("portal:service-list", args=[kreis]),
        reverse("portal:search", args=[kreis]) + "?q=Leistung",
        reverse("portal:life-situation-list", args=[kreis]),
        reverse("portal:life-situation-detail", args=[vg, data.moving.slug]),
        reverse("portal:office-list", args=[vg]),
        reverse("portal:responsibility", args=[kreis]),
    ]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_list_pages_do_not_grow_with_the_data(client, portal_data, django_assert_max_num_queries):
    grow(portal_data, 2)
    small = {url: count_queries(client, url) for url in urls(portal_data)}
    grow(portal_data, 15)
    for url in urls(portal_data):
        with django_assert_max_num_queries(MAX_QUERIES):
            large = count_queries(client, url)
        assert large == small[url], (
            f"{url}: {small[url]} queries with little data, {large} with more"
        )
