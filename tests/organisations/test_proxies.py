import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent
from rathaus.core.request_context import RequestContext, request_context
from rathaus.organisations.errors import NotPermitted
from rathaus.organisations.models import Membership, Proxy, ProxyUse
from rathaus.organisations.selectors import proxy_find, proxy_is_valid
from rathaus.organisations.services import proxy_grant, proxy_revoke, proxy_use
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_validity_follows_calendar_days_in_berlin(anna, bernd):
    # 1 April 2026 begins at 22:00 UTC the day before (summer time, UTC+2); 25 October 2026
    # ends at 23:00 UTC (winter time again, UTC+1).
    proxy = Proxy.objects.create(
        principal_user=anna,
        agent=bernd,
        all_services=True,
        valid_from=dt.date(2026, 4, 1),
        valid_until=dt.date(2026, 10, 25),
    )
    cases = [
        (dt.datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC), False),
        (dt.datetime(2026, 3, 31, 22, 0, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC), True),
        (dt.datetime(2026, 10, 25, 23, 0, 0, tzinfo=UTC), False),
    ]
    for at, expected in cases:
        assert proxy_is_valid(proxy=proxy, at=at) is expected, at
        found = proxy_find(agent=bernd, principal=anna, at=at)
        assert (found == proxy) is expected, at


def test_open_ended_proxy_lasts_until_revoked(anna, bernd):
    proxy = proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    far = dt.datetime(2099, 1, 1, tzinfo=UTC)
    assert proxy_is_valid(proxy=proxy, at=far)
    proxy_revoke(actor=Actor.person(anna), proxy=proxy)
    assert not proxy_is_valid(proxy=proxy_refreshed(proxy), at=far)
    assert proxy_find(agent=bernd, principal=anna) is None
    with pytest.raises(NotPermitted):
        proxy_use(actor=Actor.person(bernd), principal=anna, service=None)
    assert AuditEvent.objects.filter(action="proxy.revoke", object_id=str(proxy.pk)).exists()


def proxy_refreshed(proxy: Proxy) -> Proxy:
    return Proxy.objects.get(pk=proxy.pk)


def test_named_services_only(anna, bernd):
    dog_tax, vehicle = ServiceFactory(slug="hundesteuer"), ServiceFactory(slug="kfz")
    proxy = proxy_grant(
        actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1), services=[dog_tax]
    )
    use = proxy_use(
        actor=Actor.person(bernd), principal=anna, service=dog_tax, action="application.submit"
    )
    assert use.proxy == proxy
    with pytest.raises(NotPermitted):
        proxy_use(actor=Actor.person(bernd), principal=anna, service=vehicle)
    # Someone else holds nothing, and the proxy does not work in the other direction.
    with pytest.raises(NotPermitted):
        proxy_use(actor=Actor.person(anna), principal=bernd, service=dog_tax)


def test_every_use_is_recorded_for_the_principal_and_audited(anna, bernd):
    service = ServiceFactory(slug="hundesteuer")
    proxy = proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    with request_context(RequestContext(ip_address="192.0.2.44", user_agent="Firefox/140")):
        proxy_use(
            actor=Actor.person(bernd), principal=anna, service=service, action="application.submit"
        )
    use = ProxyUse.objects.get(proxy=proxy)
    assert (use.service, use.action, use.ip_address, use.user_agent) == (
        service,
        "application.submit",
        "192.0.2.44",
        "Firefox/140",
    )
    event = AuditEvent.objects.get(action="proxy.use")
    assert event.actor_id == str(bernd.pk)
    assert (event.ip_address, event.user_agent) == ("192.0.2.44", "Firefox/140")
    assert event.details["principal"] == str(anna.pk)
    assert event.details["service"] == "hundesteuer"


def test_grant_checks(anna, bernd, firma):
    with pytest.raises(DomainError):
        proxy_grant(actor=Actor.person(anna), agent=anna, valid_from=dt.date(2030, 1, 1))
    with pytest.raises(DomainError):
        proxy_grant(
            actor=Actor.person(anna),
            agent=bernd,
            valid_from=dt.date(2030, 1, 2),
            valid_until=dt.date(2030, 1, 1),
        )
    with pytest.raises(DomainError):
        proxy_grant(
            actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2030, 1, 1), services=[]
        )
    # Only an organisation's admin grants in its name.
    Membership.objects.create(organisation=firma, user=bernd, role=Membership.Role.MEMBER)
    with pytest.raises(NotPermitted):
        proxy_grant(
            actor=Actor.person(bernd),
            agent=anna,
            organisation=firma,
            valid_from=dt.date(2030, 1, 1),
        )
    proxy = proxy_grant(
        actor=Actor.person(anna), agent=bernd, organisation=firma, valid_from=dt.date(2020, 1, 1)
    )
    assert (proxy.principal_organisation, proxy.principal_user) == (firma, None)
    assert proxy_use(actor=Actor.person(bernd), principal=firma, service=None).proxy == proxy
    with pytest.raises(NotPermitted):
        proxy_use(actor=Actor.person(bernd), principal=anna, service=None)


def test_database_refuses_a_proxy_with_two_principals(anna, bernd, firma):
    with pytest.raises(IntegrityError), transaction.atomic():
        Proxy.objects.create(
            principal_user=anna,
            principal_organisation=firma,
            agent=bernd,
            valid_from=dt.date(2030, 1, 1),
        )


def test_who_may_revoke(anna, bernd, carla, firma):
    personal = proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    with pytest.raises(NotPermitted):
        proxy_revoke(actor=Actor.person(carla), proxy=personal)
    proxy_revoke(actor=Actor.person(bernd), proxy=personal)  # the agent gives it up
    assert proxy_refreshed(personal).revoked_by == bernd

    corporate = proxy_grant(
        actor=Actor.person(anna), agent=carla, organisation=firma, valid_from=dt.date(2020, 1, 1)
    )
    Membership.objects.create(organisation=firma, user=bernd, role=Membership.Role.MEMBER)
    with pytest.raises(NotPermitted):
        proxy_revoke(actor=Actor.person(bernd), proxy=corporate)
    proxy_revoke(actor=Actor.person(anna), proxy=corporate)
    assert proxy_refreshed(corporate).revoked_at is not None
