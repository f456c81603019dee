"""Notification by retrieval (Bekanntgabe durch Abruf, §41 (2a) VwVfG).

An office provides an administrative act in the mailbox of a person who consented to this
way of notification (the consent text `mailbox_notification_by_retrieval` of the accounts
app); without the consent it is refused, and the clerk is told to notify otherwise. The person
is told by e-mail — whatever their e-mail preference — and has ten days from that notice
(`rathaus.core.legal_time`): retrieving it (opening it, logged in at the level of assurance
the act requires) makes it count as notified on the next day; otherwise the provision ends
at the end of the tenth day, notification has not taken place, and the office gets a task in
its mailbox to notify the act another way (e.g. by post). Every step is audited and
published as an event; the receipts of the messages prove them."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.selectors import consent_active
from rathaus.core import legal_time
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError
from rathaus.core.events import event_publish
from rathaus.federation.levels import TrustLevel

from .events import ProvisionEnded, ProvisionNotified
from .models import Delivery, Mailbox, Message, Participant, Provision

CONSENT_KEY = "mailbox_notification_by_retrieval"
LEVELS = ("low", "substantial", "high")
PROVISION_ACTOR = Actor.system("notification_by_retrieval")


class ConsentMissing(Conflict):
    """The recipient has not consented to notification by retrieval."""


def level_sufficient(*, actual: str, required: str) -> bool:
    """Whether a session at `actual` (empty: a password login, "low") meets `required`."""
    have = TrustLevel.from_key(actual) if actual else TrustLevel.LOW
    return have >= TrustLevel.from_key(required)


def consent_check(*, user: Any) -> None:
    if user is None or consent_active(user=user, key=CONSENT_KEY) is None:
        raise ConsentMissing(
            _(
                "The recipient has not consented to notification by retrieval from the "
                "mailbox (section 41 (2a) VwVfG). Please notify the act another way, e.g. by "
                "post."
            )
        )


def provision_create(*, actor: Actor, message: Message, required_level: str) -> Provision:
    """Record `message` (just sent to one person's mailbox) as an act provided for retrieval;
    inside the send's transaction."""
    if required_level not in LEVELS:
        raise DomainError(_("Choose the level of assurance retrieving needs."), field="level")
    delivery = Delivery.objects.select_related("mailbox__user").get(message=message)
    consent_check(user=delivery.mailbox.user)
    sent = message.sent_at or timezone.now()
    provision = Provision.objects.create(
        message=message,
        delivery=delivery,
        required_level=required_level,
        notice_sent_at=sent,
        last_day=legal_time.retrieval_last_day(sent),
        ends_at=legal_time.retrieval_ends_at(sent),
    )
    audit_record(
        actor=actor,
        action="mailbox.act_provide",
        obj=message,
        municipality=message.thread.municipality_id,
        details={
            "provision": str(provision.pk),
            "required_level": required_level,
            "last_day": provision.last_day.isoformat(),
        },
    )
    return provision


def provision_retrievable(*, provision: Provision, level: str) -> bool:
    return provision.ended_at is None and level_sufficient(
        actual=level, required=provision.required_level
    )


def provision_retrieved(*, actor: Actor, provision: Provision, at: dt.datetime) -> None:
    """The recipient opened the act: notified on the next day (inside `thread_open`)."""
    provision.retrieved_at = at
    provision.notified_on = legal_time.notified_on(at)
    provision.save(update_fields=["retrieved_at", "notified_on", "updated_at"])
    audit_record(
        actor=actor,
        action="mailbox.act_notified",
        obj=provision.message,
        municipality=provision.message.thread.municipality_id,
        details={
            "provision": str(provision.pk),
            "notified_on": provision.notified_on.isoformat(),
            "level_of_assurance": actor.level_of_assurance,
        },
    )
    event_publish(
        ProvisionNotified(
            provision_id=provision.pk,
            message_id=provision.message_id,
            delivery_id=provision.delivery_id,
            municipality_id=provision.message.thread.municipality_id,
            notified_on=provision.notified_on,
        )
    )


def provisions_end_due(*, now: dt.datetime | None = None) -> int:
    """End the provisions not retrieved in time: notification has not taken place; the office
    gets a task in its mailbox (a note only it sees, in the act's thread). Returns how many."""
    now = now or timezone.now()
    due = Provision.objects.filter(
        retrieved_at__isnull=True, ended_at__isnull=True, ends_at__lte=now
    ).values_list("pk", flat=True)
    ended = 0
    for provision_id in list(due):
        with transaction.atomic():
            provision = (
                Provision.objects.select_for_update(of=("self",))
                .select_related("message__thread__municipality", "message__sender")
                .get(pk=provision_id)
            )
            if provision.retrieved_at is not None or provision.ended_at is not None:
                continue
            provision.ended_at = now
            provision.save(update_fields=["ended_at", "updated_at"])
            _office_task(provision, now=now)
            audit_record(
                actor=PROVISION_ACTOR,
                action="mailbox.act_provision_ended",
                obj=provision.message,
                municipality=provision.message.thread.municipality_id,
                details={"provision": str(provision.pk), "last_day": str(provision.last_day)},
            )
            event_publish(
                ProvisionEnded(
                    provision_id=provision.pk,
                    message_id=provision.message_id,
                    municipality_id=provision.message.thread.municipality_id,
                    last_day=provision.last_day,
                )
            )
            ended += 1
    return ended


def _office_task(provision: Provision, *, now: dt.datetime) -> None:
    """A note in the act's thread that only the office sees, as unread mail: notify otherwise."""
    from .content import KekCache, body_seal

    thread = provision.message.thread
    office_box: Mailbox = provision.message.sender
    note = Message(
        thread=thread,
        sender=office_box,
        author_label=_("Postfach"),
        sent_at=now,
        origin=f"provision_ended:{provision.pk}",
        visible_to=office_box,
    )
    body_seal(
        note,
        _(
            "Task: notify otherwise. The administrative act provided on %(sent)s was not "
            "retrieved by the end of %(last_day)s. Notification by retrieval has not taken "
            "place (section 41 (2a) VwVfG); the provision has ended. Please notify the act "
            "another way, e.g. by post."
        )
        % {
            "sent": legal_time.local_date(provision.notice_sent_at).strftime("%d.%m.%Y"),
            "last_day": provision.last_day.strftime("%d.%m.%Y"),
        },
        keks=KekCache(),
    )
    note.save()
    Delivery.objects.create(message=note, mailbox=office_box, delivered_at=now)
    Participant.objects.filter(thread=thread, mailbox=office_box).update(
        unread=F("unread") + 1, last_activity_at=now, archived=False
    )
