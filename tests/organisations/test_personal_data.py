import datetime as dt

import pytest

from rathaus.accounts.services import account_delete
from rathaus.core.actors import Actor
from rathaus.organisations.models import Membership, Proxy
from rathaus.organisations.personal_data import collect_memberships, collect_proxies
from rathaus.organisations.services import proxy_grant, proxy_use

pytestmark = pytest.mark.django_db


def test_export_lists_memberships_and_proxies_with_uses(firma, anna, bernd):
    proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    proxy_use(actor=Actor.person(bernd), principal=anna, service=None, action="application.submit")
    assert collect_memberships(anna) == [
        {
            "organisation": "Moselbau GmbH",
            "role": "admin",
            "since": collect_memberships(anna)[0]["since"],
        }
    ]
    granted = collect_proxies(anna)["granted"]
    assert [(p["agent"], p["services"], len(p["uses"])) for p in granted] == [
        ("Bernd Berater", "all", 1)
    ]
    received = collect_proxies(bernd)["received"]
    assert received[0]["principal"] == "Anna Admin"
    assert received[0]["uses"][0]["action"] == "application.submit"


def test_deletion_ends_memberships_hands_over_admin_and_revokes_proxies(firma, anna, bernd, carla):
    Membership.objects.create(organisation=firma, user=bernd, role=Membership.Role.MEMBER)
    Membership.objects.create(organisation=firma, user=carla, role=Membership.Role.MEMBER)
    granted = proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    received = proxy_grant(actor=Actor.person(carla), agent=anna, valid_from=dt.date(2020, 1, 1))
    account_delete(user=anna, actor=Actor.person(anna), reason="request")
    roles = dict(firma.memberships.values_list("user", "role"))
    assert roles == {bernd.pk: "admin", carla.pk: "member"}  # the longest-standing member
    for proxy in (granted, received):
        assert Proxy.objects.get(pk=proxy.pk).revoked_at is not None
