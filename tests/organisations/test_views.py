"""The account pages under /konto/: organisations, invitations, proxies, acting on behalf."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.organisations.models import Membership, Organisation, Proxy, ProxyUse
from rathaus.organisations.selectors import ACTING_AS_SESSION_KEY
from rathaus.organisations.services import proxy_grant, proxy_revoke, proxy_use
from tests.factories import ServiceFactory
from tests.organisations.conftest import invitation_link, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def login(client, user):
    client.force_login(user)
    return client


def test_pages_need_a_login(client):
    for path in ("/konto/handeln-fuer/", "/konto/organisationen/", "/konto/vollmachten/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "next=" in response["Location"]


def test_create_organisation_and_invite_through_the_pages(
    client, anna, bernd, django_capture_on_commit_callbacks
):
    login(client, anna)
    response = client.post(
        "/konto/organisationen/",
        {"name": "Weinbauverein Ediger", "kind": "association", "city": "Ediger"},
    )
    organisation = Organisation.objects.get(name="Weinbauverein Ediger")
    assert response["Location"] == f"/konto/organisationen/{organisation.pk}/"
    page = client.get(response["Location"])
    assert "Weinbauverein Ediger" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/konto/organisationen/{organisation.pk}/",
            {"email": "bernd@example.org", "role": "member"},
            secure=True,
        )
    assert response.status_code == 302
    link = invitation_link()
    assert link.startswith("https://testserver/konto/einladung/")

    login(client, bernd)
    path = link.removeprefix("https://testserver")
    page = client.get(path)
    assert "Weinbauverein Ediger" in page.content.decode()
    response = client.post(path)
    assert response["Location"] == f"/konto/organisationen/{organisation.pk}/"
    assert Membership.objects.filter(user=bernd, organisation=organisation).exists()
    # Used: the link is dead now.
    assert "invalid, expired or already used" in client.get(path).content.decode()


def test_members_cannot_invite_and_outsiders_see_nothing(client, firma, bernd, carla):
    Membership.objects.create(organisation=firma, user=bernd, role=Membership.Role.MEMBER)
    login(client, bernd)
    page = client.get(f"/konto/organisationen/{firma.pk}/")
    assert page.status_code == 200
    assert "Send invitation" not in page.content.decode()
    response = client.post(f"/konto/organisationen/{firma.pk}/", {"email": "x@example.org"})
    assert response.status_code == 403
    assert mail.outbox == []
    login(client, carla)
    assert client.get(f"/konto/organisationen/{firma.pk}/").status_code == 403


def test_last_admin_leaving_is_refused_with_a_message(client, firma, anna):
    login(client, anna)
    response = client.post(f"/konto/organisationen/{firma.pk}/verlassen/", follow=True)
    assert "You are the last administrator" in response.content.decode()
    assert Membership.objects.filter(user=anna, organisation=firma).exists()


def test_acting_for_an_organisation_is_offered_to_members_only(client, firma, anna, carla):
    login(client, carla)
    page = client.get("/konto/handeln-fuer/")
    assert "Moselbau GmbH" not in page.content.decode()
    response = client.post("/konto/handeln-fuer/", {"choice": f"organisation:{firma.pk}"})
    assert response.status_code == 200  # not a valid choice for her
    assert ACTING_AS_SESSION_KEY not in client.session

    login(client, anna)
    response = client.post(
        "/konto/handeln-fuer/",
        {"choice": f"organisation:{firma.pk}", "next": "/konto/vollmachten/"},
    )
    assert response["Location"] == "/konto/vollmachten/"
    page = client.get("/konto/vollmachten/").content.decode()
    assert "Acting on behalf of: <strong>Moselbau GmbH</strong>" in page
    event = AuditEvent.objects.get(action="acting_as.set")
    assert event.details == {"organisation": str(firma.pk)}


def test_acting_as_ends_when_the_membership_does(client, firma, anna, bernd):
    Membership.objects.create(organisation=firma, user=bernd, role=Membership.Role.MEMBER)
    login(client, bernd)
    client.post("/konto/handeln-fuer/", {"choice": f"organisation:{firma.pk}"})
    assert "Acting on behalf of" in client.get("/konto/vollmachten/").content.decode()
    Membership.objects.filter(user=bernd).delete()
    page = client.get("/konto/vollmachten/").content.decode()
    assert "Acting on behalf of" not in page
    assert ACTING_AS_SESSION_KEY not in client.session


def test_acting_by_proxy_is_a_use_the_principal_sees(client, anna, bernd):
    proxy = proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    login(client, bernd)
    client.post(
        "/konto/handeln-fuer/",
        {"choice": f"proxy:{proxy.pk}"},
        HTTP_USER_AGENT="Firefox/140",
        REMOTE_ADDR="192.0.2.5",
    )
    use = ProxyUse.objects.get(proxy=proxy)
    assert (use.action, use.ip_address, use.user_agent) == ("acting_as", "192.0.2.5", "Firefox/140")
    assert (
        "Acting on behalf of: <strong>Anna Admin</strong>"
        in client.get("/konto/handeln-fuer/").content.decode()
    )

    login(client, anna)
    page = client.get("/konto/vollmachten/").content.decode()
    assert "acted on your behalf" in page
    proxy_revoke(actor=Actor.person(anna), proxy=proxy)
    login(client, bernd)
    assert "Acting on behalf of" not in client.get("/konto/handeln-fuer/").content.decode()


def test_next_must_stay_on_the_site(client, anna):
    login(client, anna)
    response = client.post(
        "/konto/handeln-fuer/", {"choice": "self", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/konto/handeln-fuer/"


def test_proxy_page_grants_and_shows_uses_to_principal_and_agent_only(client, anna, bernd, carla):
    service = ServiceFactory(name_en="Register a dog", name_de="Hund anmelden")
    login(client, anna)
    response = client.post(
        "/konto/vollmachten/",
        {
            "principal": "self",
            "agent_email": "bernd@example.org",
            "scope": "selected",
            "services": [str(service.pk)],
            "valid_from": "2020-01-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    proxy = Proxy.objects.get(principal_user=anna)
    assert list(proxy.services.all()) == [service]
    proxy_use(
        actor=Actor.person(bernd), principal=anna, service=service, action="application.submit"
    )

    for user in (anna, bernd):
        page = login(client, user).get("/konto/vollmachten/").content.decode()
        assert "application.submit – Register a dog" in page
    page = login(client, carla).get("/konto/vollmachten/").content.decode()
    assert "Register a dog" not in page


def test_proxy_form_errors(client, anna):
    login(client, anna)
    data = {"principal": "self", "scope": "all", "valid_from": "2020-01-01"}
    response = client.post("/konto/vollmachten/", {**data, "agent_email": "nobody@example.org"})
    assert "There is no user account with this e-mail address." in response.content.decode()
    response = client.post("/konto/vollmachten/", {**data, "agent_email": "anna@example.org"})
    assert "You cannot authorise yourself." in response.content.decode()
    response = client.post(
        "/konto/vollmachten/", {**data, "scope": "selected", "agent_email": "bernd@example.org"}
    )
    assert "Choose at least one service, or all services." in response.content.decode()
    assert not Proxy.objects.exists()


def test_strangers_cannot_revoke(client, anna, bernd, carla):
    proxy = proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    login(client, carla)
    assert client.post(f"/konto/vollmachten/{proxy.pk}/widerrufen/").status_code == 403
    assert Proxy.objects.get(pk=proxy.pk).revoked_at is None


def test_proxy_page_queries_do_not_grow_with_proxies(client, anna):
    login(client, anna)
    services = [ServiceFactory() for _ in range(3)]

    def grant(n: int) -> None:
        for i in range(n):
            agent = make_person(f"agent{i}-{n}@example.org")
            proxy_grant(
                actor=Actor.person(anna),
                agent=agent,
                valid_from=dt.date(2020, 1, 1),
                services=services[:2],
            )
            proxy_use(actor=Actor.person(agent), principal=anna, service=services[0])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/konto/vollmachten/").status_code == 200
        return len(ctx)

    grant(1)
    count()  # the first page of a session stores its activity time (a session write)
    few = count()
    grant(4)
    assert count() == few


def test_admin_shows_organisations_and_proxies_read_only(client, firma, anna, bernd):
    from tests.staff.people import login_with_mfa

    proxy = proxy_grant(actor=Actor.person(anna), agent=bernd, valid_from=dt.date(2020, 1, 1))
    proxy_use(actor=Actor.person(bernd), principal=anna, service=None)
    staff = make_person("support@verwaltung.example")
    staff.is_staff = staff.is_superuser = True
    staff.kind = staff.Kind.STAFF
    staff.save()
    login_with_mfa(client, staff)
    for path in (
        "/intern/admin/organisations/organisation/",
        f"/intern/admin/organisations/organisation/{firma.pk}/change/",
        "/intern/admin/organisations/proxy/",
        f"/intern/admin/organisations/proxy/{proxy.pk}/change/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/intern/admin/organisations/organisation/add/").status_code == 403
    response = client.post(
        f"/intern/admin/organisations/organisation/{firma.pk}/change/", {"name": "Umbenannt"}
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=firma.pk).name == "Moselbau GmbH"


def test_pages_are_german_first(anna, firma):
    from django.test import Client

    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    german.force_login(anna)
    page = german.get("/konto/vollmachten/").content.decode()
    assert "Von Ihnen erteilte Vollmachten" in page and "Jemanden bevollmächtigen" in page
    page = german.get(f"/konto/organisationen/{firma.pk}/").content.decode()
    assert "Person einladen" in page and "Unternehmen" in page
