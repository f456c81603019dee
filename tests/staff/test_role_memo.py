"""The per-request memo of a clerk's role assignments (rathaus.staff.role_memo, issue 9 §5):
one query on the role assignments per request however often the page asks, a change of the
roles seen at once (in the same request after a save or delete; outside a request on every
call), nothing shared between threads or left after the request."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.staff import selectors
from rathaus.staff.models import Role, RoleAssignment
from rathaus.staff.permissions import office_access_allowed, restrict_to_offices
from rathaus.staff.role_memo import role_memo_active, role_memo_scope
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


def role_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "staff_roleassignment" in q["sql"]]


@pytest.fixture
def offices():
    first = OfficeFactory(name="Bürgerbüro")
    return first, OfficeFactory(name="Ordnungsamt", municipality=first.municipality)


def test_without_a_request_every_call_reads_the_roles_anew(offices):
    first, second = offices
    clerk = make_staff("memo-plain", (first, Role.CASE_WORKER))
    assert selectors.office_ids_visible_to(user=clerk) == {first.pk}
    assignment = RoleAssignment.objects.create(user=clerk, office=second, role=Role.TEAM_LEAD)
    assert selectors.office_ids_visible_to(user=clerk) == {first.pk, second.pk}
    assert selectors.staff_roles(user=clerk, office=second) == {Role.TEAM_LEAD}
    RoleAssignment.objects.filter(pk=assignment.pk).update(role=Role.SYSTEM_ADMIN)
    assert selectors.administers_roles(user=clerk)  # even a change without signals
    assignment.delete()
    assert selectors.office_ids_visible_to(user=clerk) == {first.pk}
    assert not selectors.administers_roles(user=clerk)


def test_in_a_request_the_roles_are_read_once(offices):
    first, second = offices
    clerk = make_staff("memo-once", (first, Role.CASE_WORKER), (second, Role.SYSTEM_ADMIN))
    with role_memo_scope(), CaptureQueriesContext(connection) as queries:
        assert selectors.office_ids_visible_to(user=clerk, roles=[Role.CASE_WORKER]) == {first.pk}
        assert selectors.office_ids_visible_to(user=clerk, role="system_admin") == {second.pk}
        assert selectors.administers_roles(user=clerk)
        assert selectors.staff_roles(user=clerk, office=first) == {"case_worker"}
        assert office_access_allowed(user=clerk, office=second, roles=[Role.SYSTEM_ADMIN])
        assert not office_access_allowed(user=clerk, office=first, roles=[Role.TEAM_LEAD])
        assert selectors.municipality_ids_with_role(user=clerk, role=Role.SYSTEM_ADMIN) == {
            first.municipality_id
        }
        visible = restrict_to_offices(
            type(first).objects.all(), user=clerk, office_field="pk", roles=[Role.CASE_WORKER]
        )
        assert list(visible) == [first]
    assert len(role_queries(queries)) == 1, role_queries(queries)


def test_a_role_saved_or_deleted_in_the_request_is_seen_at_once(offices):
    first, second = offices
    clerk = make_staff("memo-change", (first, Role.CASE_WORKER))
    with role_memo_scope():
        assert not selectors.administers_roles(user=clerk)
        assignment = RoleAssignment.objects.create(
            user=clerk, office=second, role=Role.SYSTEM_ADMIN
        )
        assert selectors.administers_roles(user=clerk)
        assert selectors.office_ids_visible_to(user=clerk) == {first.pk, second.pk}
        assignment.valid_until = timezone.now() - dt.timedelta(minutes=1)
        assignment.save(update_fields=["valid_until"])
        assert not selectors.administers_roles(user=clerk)  # lapsed
        assignment.delete()
        assert selectors.office_ids_visible_to(user=clerk) == {first.pk}
        RoleAssignment.objects.filter(user=clerk).delete()  # a bulk delete sends signals too
        assert selectors.office_ids_visible_to(user=clerk) == set()


def test_the_memo_is_per_user_and_respects_validity(offices):
    first, second = offices
    soon = timezone.now() + dt.timedelta(days=1)
    one = make_staff("memo-one", (first, Role.CASE_WORKER))
    other = make_staff("memo-other", (second, Role.CASE_WORKER))
    RoleAssignment.objects.create(user=one, office=second, role=Role.TEAM_LEAD, valid_from=soon)
    with role_memo_scope():
        assert selectors.office_ids_visible_to(user=one) == {first.pk}  # not valid yet
        assert selectors.office_ids_visible_to(user=other) == {second.pk}
        assert selectors.office_ids_visible_to(user=one) == {first.pk}


def test_the_memo_belongs_to_one_thread_and_ends_with_its_scope():
    seen: list[bool] = []
    with role_memo_scope():
        assert role_memo_active()
        thread = threading.Thread(target=lambda: seen.append(role_memo_active()))
        thread.start()
        thread.join()
    assert seen == [False]
    assert not role_memo_active()


def test_an_inbox_request_reads_the_roles_once_and_the_memo_ends_with_it(
    client, offices, django_assert_max_num_queries
):
    first, second = offices
    clerk = make_staff("memo-inbox", (first, Role.CASE_WORKER), (second, Role.SYSTEM_ADMIN))
    login_with_mfa(client, clerk)
    client.get("/intern/antraege/")  # the session's first request may write it
    # session, user, second factor, roles, offices of the municipality, the page; the list
    # is empty: no count. Before the memo the navigation read the roles again (7).
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as queries:
        response = client.get("/intern/antraege/")
    assert response.status_code == 200
    assert len(role_queries(queries)) == 1, role_queries(queries)
    assert 'href="/intern/rollen/"' in response.content.decode()  # the nav asked the memo
    assert not role_memo_active()
    # The next request reads the roles anew: a role revoked between requests is gone.
    RoleAssignment.objects.filter(user=clerk, office=second).delete()
    response = client.get("/intern/antraege/")
    assert 'href="/intern/rollen/"' not in response.content.decode()


def test_held_offices_come_by_municipality_with_its_number_of_offices(offices):
    first, second = offices  # one municipality with two offices
    elsewhere = OfficeFactory(name="Standesamt")  # another municipality, one office
    clerk = make_staff(
        "memo-municipalities",
        (first, Role.CASE_WORKER),
        (elsewhere, Role.CASE_WORKER),
        (second, Role.SYSTEM_ADMIN),
    )
    RoleAssignment.objects.create(
        user=clerk,
        office=second,
        role=Role.CASE_WORKER,
        valid_until=timezone.now() - dt.timedelta(days=1),
    )
    with role_memo_scope(), CaptureQueriesContext(connection) as queries:
        held = selectors.held_offices_by_municipality(user=clerk, roles=[Role.CASE_WORKER])
        assert held == {
            first.municipality_id: ({first.pk}, 2),
            elsewhere.municipality_id: ({elsewhere.pk}, 1),
        }
        assert selectors.held_offices_by_municipality(user=clerk, roles=[Role.SYSTEM_ADMIN]) == {
            first.municipality_id: ({second.pk}, 2)
        }
    assert len(queries.captured_queries) == 1


def test_the_inbox_scope_is_the_municipality_only_for_all_its_offices(offices):
    from rathaus.cases.selectors import _inbox_scope

    first, second = offices
    elsewhere = OfficeFactory(name="Standesamt")
    clerk = make_staff("memo-scope", (first, Role.CASE_WORKER))
    with role_memo_scope():
        scope = _inbox_scope(user=clerk)
    assert (scope.municipality_id, scope.office_ids) == (first.municipality_id, {first.pk})
    RoleAssignment.objects.create(user=clerk, office=second, role=Role.TEAM_LEAD)
    with role_memo_scope():
        scope = _inbox_scope(user=clerk)
    assert (scope.municipality_id, scope.office_ids) == (first.municipality_id, None)
    RoleAssignment.objects.create(user=clerk, office=elsewhere, role=Role.CASE_WORKER)
    with role_memo_scope():
        scope = _inbox_scope(user=clerk)
    assert scope.municipality_id is None
    assert scope.office_ids == {first.pk, second.pk, elsewhere.pk}
    OfficeFactory(name="Neues Amt", municipality=first.municipality)
    RoleAssignment.objects.filter(user=clerk, office=elsewhere).delete()
    with role_memo_scope():  # a new office of the municipality: no longer all of them
        scope = _inbox_scope(user=clerk)
    assert (scope.municipality_id, scope.office_ids) == (
        first.municipality_id,
        {first.pk, second.pk},
    )
