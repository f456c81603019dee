"""Keyset pagination (rathaus.core.keyset): stable pages under equal timestamps, filters kept,
forward and back, tampered cursors, no OFFSET and no COUNT(*), and the navigation include."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.catalog.models import Service
from rathaus.core.keyset import NEXT, Cursor, KeyList, KeysetPaginator, count_capped
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

ORDERING = ("-created_at", "-pk")


@pytest.fixture
def services():
    """25 services: 10 share one timestamp, 10 another, 5 have their own; a third are for
    businesses."""
    groups = Service.TargetGroup
    made = [
        ServiceFactory(target_group=groups.BUSINESSES if n % 3 == 0 else groups.CITIZENS)
        for n in range(25)
    ]
    base = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    for n, service in enumerate(made):
        hours = 0 if n < 10 else 1 if n < 20 else n
        at = base - dt.timedelta(hours=hours)
        Service.objects.filter(pk=service.pk).update(created_at=at)
    return list(Service.objects.order_by(*ORDERING))


def _walk_forward(paginator, queryset, params=None):
    """All pages from the first by following the next cursors: [[pk, …], …] and the pages."""
    base = QueryDict(mutable=True)
    base.update(params or {})
    page = paginator.page(queryset, params=base)
    pages = [page]
    while page.has_next:
        query = QueryDict(page.next_query.removeprefix("?"))
        page = paginator.page(queryset, params=query)
        pages.append(page)
    return pages


def test_pages_cover_every_row_once_in_order_under_equal_timestamps(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    pages = _walk_forward(paginator, Service.objects.all())
    seen = [s.pk for page in pages for s in page]
    assert seen == [s.pk for s in services]
    assert [len(page) for page in pages] == [4, 4, 4, 4, 4, 4, 1]
    assert not pages[0].has_previous and pages[1].has_previous
    assert not pages[-1].has_next


def test_previous_cursors_lead_back_through_the_same_pages(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    forward = _walk_forward(paginator, Service.objects.all())
    page = forward[-1]
    backward = [page]
    while page.has_previous:
        page = paginator.page(
            Service.objects.all(), params=QueryDict(page.previous_query.removeprefix("?"))
        )
        backward.append(page)
    assert [[s.pk for s in p] for p in reversed(backward)][:-1] == [
        [s.pk for s in p] for p in forward
    ][:-1]
    assert backward[-1].items == forward[0].items and not backward[-1].has_previous


def test_back_at_the_start_shows_a_full_first_page(services):
    """A new row at the top meanwhile: going back from page 2 ends on a full first page."""
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    first = paginator.page(Service.objects.all(), params={})
    second = paginator.page(Service.objects.all(), params=QueryDict(first.next_query[1:]))
    back = paginator.page(Service.objects.all(), params=QueryDict(second.previous_query[1:]))
    assert back.items == first.items and not back.has_previous and back.has_next


def test_filters_are_kept_in_the_links_and_applied(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=3)
    business = Service.objects.filter(target_group=Service.TargetGroup.BUSINESSES)
    pages = _walk_forward(paginator, business, params={"target_group": "businesses", "q": "ä b"})
    assert [s.pk for p in pages for s in p] == [
        s.pk for s in services if s.target_group == Service.TargetGroup.BUSINESSES
    ]
    query = parse_qs(pages[0].next_query.removeprefix("?"))
    assert query["target_group"] == ["businesses"] and query["q"] == ["ä b"]
    assert set(query) == {"target_group", "q", "cursor"}


def test_a_page_is_one_query_without_offset_or_count(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    first = paginator.page(Service.objects.all(), params={})
    with CaptureQueriesContext(connection) as queries:
        deep = paginator.page(Service.objects.all(), params=QueryDict(first.next_query[1:]))
        list(deep)
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "OFFSET" not in sql and "COUNT(" not in sql
    assert "LIMIT 5" in sql  # one row more than the page tells whether there is a next page


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "", "eJyLVkrNU4pWMlCK1VEqSc0rAQAq5gTD:forged", None],
)
def test_an_unreadable_cursor_gives_the_first_page(services, cursor):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    page = paginator.page(Service.objects.all(), params={"cursor": cursor} if cursor else {})
    assert [s.pk for s in page] == [s.pk for s in services[:4]]
    assert page.cursor_invalid is bool(cursor)


def test_a_cursor_changed_by_a_client_or_of_another_ordering_is_refused(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    first = paginator.page(Service.objects.all(), params={})
    text = first.next_cursor
    payload, _, signature = text.rpartition(":")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + ":" + signature
    assert paginator.page(Service.objects.all(), params={"cursor": tampered}).cursor_invalid
    other = KeysetPaginator(ordering=("created_at", "pk"), page_size=4)
    assert other.page(Service.objects.all(), params={"cursor": text}).cursor_invalid
    # A well-signed cursor whose value does not fit the field is refused too.
    bad = paginator.encode(Cursor(NEXT, ("not a date", "not a uuid")))
    assert paginator.page(Service.objects.all(), params={"cursor": bad}).cursor_invalid


def test_the_cursor_is_opaque_and_url_safe(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    text = paginator.page(Service.objects.all(), params={}).next_cursor
    assert str(services[3].pk) not in text
    assert all(c.isalnum() or c in "-_:" for c in text)


def test_ascending_and_mixed_orderings(services):
    for ordering in [("created_at", "pk"), ("-created_at", "pk"), ("slug",)]:
        paginator = KeysetPaginator(ordering=ordering, page_size=6)
        pages = _walk_forward(paginator, Service.objects.all())
        assert [s.pk for p in pages for s in p] == [
            s.pk for s in Service.objects.order_by(*ordering)
        ], ordering


def test_next_past_the_end_links_back(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    last = services[-1]
    cursor = paginator.encode(Cursor(NEXT, (last.created_at, last.pk)))
    page = paginator.page(Service.objects.all(), params={"cursor": cursor})
    assert page.items == [] and not page.has_next and page.has_previous
    back = paginator.page(Service.objects.all(), params=QueryDict(page.previous_query[1:]))
    assert [s.pk for s in back] == [s.pk for s in services[-5:-1]]


def test_paginator_refuses_orderings_it_cannot_page():
    with pytest.raises(ValueError):
        KeysetPaginator(ordering=(), page_size=4)
    with pytest.raises(ValueError):
        KeysetPaginator(ordering=("service__name",), page_size=4)
    with pytest.raises(ValueError):
        KeysetPaginator(ordering=ORDERING, page_size=0)


def test_count_capped_stops_at_the_cap(services):
    assert count_capped(Service.objects.all(), cap=10).more
    assert count_capped(Service.objects.all(), cap=10).value == 11
    exact = count_capped(Service.objects.filter(target_group="businesses"), cap=100)
    assert (exact.value, exact.more) == (9, False)
    with CaptureQueriesContext(connection) as queries:
        count_capped(Service.objects.all(), cap=10)
    assert "LIMIT 11" in queries[0]["sql"].upper()


def test_navigation_include_has_accessible_plain_links(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    first = paginator.page(Service.objects.all(), params=QueryDict("status=query"))
    second = paginator.page(Service.objects.all(), params=QueryDict(first.next_query[1:]))
    html = render_to_string("core/keyset_nav.html", {"page": second})
    assert '<nav class="core-keyset-nav" aria-label="Seiten">' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert f'href="{second.next_query.replace("&", "&amp;")}"' in html
    assert "status=query" in html and "<script" not in html
    only = paginator.page(Service.objects.filter(pk=services[0].pk), params={})
    assert render_to_string("core/keyset_nav.html", {"page": only}).strip() == ""
    labelled = render_to_string("core/keyset_nav.html", {"page": first, "label": "Anträge"})
    assert 'aria-label="Anträge"' in labelled and 'rel="prev"' not in labelled


def test_branches_are_merged_in_order_each_row_once_both_ways(services):
    """A list that is the union of branches (e.g. as applicant, as principal): each branch is
    one query per page, the rows are merged in the ordering, a row in two branches once."""
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    groups = Service.TargetGroup
    branches = (
        Service.objects.filter(target_group=groups.BUSINESSES),
        Service.objects.filter(target_group=groups.CITIZENS),
        Service.objects.filter(pk__in=[s.pk for s in services[::5]]),  # overlaps both
    )
    with CaptureQueriesContext(connection) as queries:
        first = paginator.page(branches, params={})
    assert len(queries) == 3 and all("LIMIT 5" in q["sql"].upper() for q in queries)
    forward = _walk_forward(paginator, branches)
    assert [s.pk for page in forward for s in page] == [s.pk for s in services]
    assert forward[0].items == first.items
    page, backward = forward[-1], [forward[-1]]
    while page.has_previous:
        page = paginator.page(branches, params=QueryDict(page.previous_query.removeprefix("?")))
        backward.append(page)
    assert [[s.pk for s in p] for p in reversed(backward)][:-1] == [
        [s.pk for s in p] for p in forward
    ][:-1]


def test_count_capped_of_a_single_page_needs_no_query(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=30)
    page = paginator.page(Service.objects.all(), params={})
    with CaptureQueriesContext(connection) as queries:
        total = count_capped(Service.objects.all(), cap=10, page=page)
    assert len(queries) == 0 and (total.value, total.more) == (25, True)
    second = KeysetPaginator(ordering=ORDERING, page_size=4)
    assert (
        count_capped(
            Service.objects.all(), cap=100, page=second.page(Service.objects.all(), params={})
        ).value
        == 25
    )


def _key_list(queryset):
    """The rows of `queryset` as a KeyList, in no particular order (as a search finds them)."""
    keys = list(queryset.order_by("?").values_list("created_at", "pk"))
    return KeyList(keys=keys, rows=Service.objects.all())


def test_a_key_list_pages_like_its_queryset_both_ways(services):
    """A list held as keys (a search's matches): the same pages forward and back as the
    queryset, ties broken by the key; each page is one query for its rows, by key."""
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    business = Service.objects.filter(target_group=Service.TargetGroup.BUSINESSES)
    for queryset in (Service.objects.all(), business):
        held = _key_list(queryset)
        want = [[s.pk for s in p] for p in _walk_forward(paginator, queryset)]
        with CaptureQueriesContext(connection) as queries:
            forward = _walk_forward(paginator, held)
        assert [[s.pk for s in p] for p in forward] == want
        assert len(queries) == len(forward)
        assert all("ORDER BY" not in q["sql"] and "OFFSET" not in q["sql"] for q in queries)
        page, backward = forward[-1], []
        while page.has_previous:
            page = paginator.page(held, params=QueryDict(page.previous_query[1:]))
            backward.append([s.pk for s in page])
        assert list(reversed(backward)) == want[:-1]
        assert count_capped(held, cap=100).value == len(held.keys)
        assert count_capped(held, cap=3).more


def test_a_key_list_leaves_out_rows_gone_since(services):
    paginator = KeysetPaginator(ordering=ORDERING, page_size=4)
    held = _key_list(Service.objects.all())
    Service.objects.filter(pk=services[1].pk).delete()
    page = paginator.page(held, params={})
    assert [s.pk for s in page] == [services[n].pk for n in (0, 2, 3, 4)] and page.has_next
