import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent
from rathaus.organisations.errors import NotPermitted
from rathaus.organisations.models import Invitation, Membership
from rathaus.organisations.services import (
    invitation_accept,
    invitation_revoke,
    invitation_send,
    membership_leave,
    membership_remove,
    membership_role_change,
)
from tests.organisations.conftest import invitation_link, make_person

pytestmark = pytest.mark.django_db
ADMIN, MEMBER = Membership.Role.ADMIN, Membership.Role.MEMBER


def link_for(secret: str) -> str:
    return f"https://rathaus.example/konto/einladung/{secret}/"


def invite(actor, organisation, email, role=MEMBER):
    return invitation_send(
        actor=Actor.person(actor),
        organisation=organisation,
        email=email,
        role=role,
        accept_url=link_for,
    )


def secret_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_creator_becomes_admin(firma, anna):
    assert Membership.objects.get(organisation=firma).user == anna
    assert Membership.objects.get(organisation=firma).role == ADMIN
    assert AuditEvent.objects.filter(action="organisation.create", object_id=str(firma.pk)).exists()


def test_invitation_by_mail_with_one_time_link(
    firma, anna, bernd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(anna, firma, "Bernd@Example.org", role=ADMIN)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Bernd@Example.org"]
    assert "Moselbau GmbH" in mail.outbox[0].subject
    secret = secret_of(invitation_link())
    # Only the digest is stored.
    stored = Invitation.objects.get(pk=invitation.pk)
    assert secret not in repr(list(Invitation.objects.values_list()))
    assert stored.token_hash != secret

    membership = invitation_accept(actor=Actor.person(bernd), token=secret)
    assert (membership.user, membership.role) == (bernd, ADMIN)
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == bernd
    with pytest.raises(DomainError):
        invitation_accept(actor=Actor.person(bernd), token=secret)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisation.invitation.send", "organisation.invitation.accept"} <= actions


def test_mail_is_sent_only_when_the_transaction_commits(firma, anna):
    invite(anna, firma, "bernd@example.org")
    assert mail.outbox == []  # the test transaction never commits


def test_only_admins_invite(firma, anna, bernd, django_capture_on_commit_callbacks):
    Membership.objects.create(organisation=firma, user=bernd, role=MEMBER)
    with pytest.raises(NotPermitted):
        invite(bernd, firma, "carla@example.org")
    outsider = make_person("olaf@example.org")
    with pytest.raises(NotPermitted):
        invite(outsider, firma, "carla@example.org")
    assert not Invitation.objects.exists()


def test_link_works_only_for_the_verified_invited_address(
    firma, anna, bernd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(anna, firma, "carla@example.org")
    secret = secret_of(invitation_link())
    with pytest.raises(NotPermitted):
        invitation_accept(actor=Actor.person(bernd), token=secret)  # a forwarded link
    unverified = make_person("carla@example.org.invalid", verified=False)
    unverified.emailaddress_set.create(email="carla@example.org", verified=False)
    with pytest.raises(NotPermitted):
        invitation_accept(actor=Actor.person(unverified), token=secret)
    carla = make_person("Carla@example.org")
    assert invitation_accept(actor=Actor.person(carla), token=secret).role == MEMBER


def test_expired_withdrawn_and_replaced_links_fail(
    firma, anna, bernd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite(anna, firma, "bernd@example.org")
    first_secret = secret_of(invitation_link())
    with django_capture_on_commit_callbacks(execute=True):
        second = invite(anna, firma, "bernd@example.org")
    second_secret = secret_of(invitation_link())
    assert Invitation.objects.get(pk=first.pk).revoked_at is not None
    with pytest.raises(DomainError):
        invitation_accept(actor=Actor.person(bernd), token=first_secret)

    Invitation.objects.filter(pk=second.pk).update(expires_at=timezone.now())
    with pytest.raises(DomainError):
        invitation_accept(actor=Actor.person(bernd), token=second_secret)

    with django_capture_on_commit_callbacks(execute=True):
        third = invite(anna, firma, "bernd@example.org")
    third_secret = secret_of(invitation_link())
    with pytest.raises(NotPermitted):
        invitation_revoke(actor=Actor.person(bernd), invitation=third)
    invitation_revoke(actor=Actor.person(anna), invitation=third)
    with pytest.raises(DomainError):
        invitation_accept(actor=Actor.person(bernd), token=third_secret)
    assert not Membership.objects.filter(user=bernd).exists()


def test_invitation_lifetime_comes_from_settings(firma, anna, settings):
    settings.RATHAUS_ORGANISATION_INVITATION_DAYS = 2
    invitation = invite(anna, firma, "bernd@example.org")
    assert invitation.expires_at - timezone.now() <= dt.timedelta(days=2)
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=1, hours=23)


def test_members_are_not_invited_again(firma, anna):
    with pytest.raises(DomainError) as exc:
        invite(anna, firma, "ANNA@example.org")
    assert exc.value.field == "email"


def test_last_admin_cannot_leave_but_members_can(firma, anna, bernd):
    Membership.objects.create(organisation=firma, user=bernd, role=MEMBER)
    with pytest.raises(DomainError):
        membership_leave(actor=Actor.person(anna), organisation=firma)
    membership_leave(actor=Actor.person(bernd), organisation=firma)
    assert not Membership.objects.filter(user=bernd).exists()
    with pytest.raises(NotPermitted):
        membership_leave(actor=Actor.person(bernd), organisation=firma)
    assert AuditEvent.objects.filter(action="organisation.membership.leave").count() == 1


def test_an_admin_can_leave_once_another_admin_exists(firma, anna, bernd):
    membership = Membership.objects.create(organisation=firma, user=bernd, role=MEMBER)
    membership_role_change(actor=Actor.person(anna), membership=membership, role=ADMIN)
    membership_leave(actor=Actor.person(anna), organisation=firma)
    assert list(firma.memberships.values_list("user", "role")) == [(bernd.pk, ADMIN)]


def test_removal_is_for_admins_and_spares_the_last_admin(firma, anna, bernd, carla):
    bernd_m = Membership.objects.create(organisation=firma, user=bernd, role=MEMBER)
    carla_m = Membership.objects.create(organisation=firma, user=carla, role=MEMBER)
    with pytest.raises(NotPermitted):
        membership_remove(actor=Actor.person(bernd), membership=carla_m)
    anna_m = Membership.objects.get(user=anna)
    with pytest.raises(DomainError):
        membership_remove(actor=Actor.person(anna), membership=anna_m)
    membership_remove(actor=Actor.person(anna), membership=bernd_m)
    assert set(firma.memberships.values_list("user", flat=True)) == {anna.pk, carla.pk}
    event = AuditEvent.objects.get(action="organisation.membership.remove")
    assert event.details == {"user": str(bernd.pk)}


def test_role_changes(firma, anna, bernd):
    anna_m = Membership.objects.get(user=anna)
    bernd_m = Membership.objects.create(organisation=firma, user=bernd, role=MEMBER)
    with pytest.raises(NotPermitted):
        membership_role_change(actor=Actor.person(bernd), membership=bernd_m, role=ADMIN)
    with pytest.raises(DomainError):
        membership_role_change(actor=Actor.person(anna), membership=anna_m, role=MEMBER)
    with pytest.raises(DomainError):
        membership_role_change(actor=Actor.person(anna), membership=bernd_m, role="owner")
    membership_role_change(actor=Actor.person(anna), membership=bernd_m, role=ADMIN)
    membership_role_change(actor=Actor.person(bernd), membership=anna_m, role=MEMBER)
    assert Membership.objects.get(user=anna).role == MEMBER
    event = AuditEvent.objects.filter(action="organisation.membership.role_change").first()
    assert event is not None and event.details["to"] == MEMBER
