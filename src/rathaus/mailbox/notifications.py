"""E-mail about new mail (issue 10 §1): the owner of the mailbox a message was delivered to is
told that something arrived, with a link to the mailbox — never the subject, the body or the
sender's name. Once per delivery (`Delivery.notified_at`), from the outbox after the send.

Persons are told by the address of their account, organisations by the addresses of their
members, offices by the office's address — each as the mailbox's preference says: at once,
in a daily digest (`digests_send`, every morning: how many messages arrived, nothing more), or
not at all; a notice of an act provided for retrieval (§41 (2a) VwVfG) always at once.
Messages the platform writes about an event that has its own e-mail (a document request) are
not announced twice."""

import contextlib
from typing import Any
from uuid import UUID

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.core.actors import Actor
from rathaus.core.audit import AuditEntry, audit_record, audit_record_many
from rathaus.core.public_urls import public_url
from rathaus.municipalities.configuration import mail_sender_for
from rathaus.organisations.selectors import organisation_members

from .models import Delivery, Mailbox, Provision

NOTIFY_ACTOR = Actor.system("notification")


def _addresses(mailbox: Mailbox) -> tuple[list[str], str, str]:
    """(addresses, language, link) of `mailbox`'s owner: a person's account address, the
    addresses of an organisation's members, the office's address."""
    if mailbox.kind == Mailbox.Kind.PERSON and mailbox.user is not None:
        language = "en" if getattr(mailbox.user, "preferred_language", "") == "en" else "de"
        return (
            [mailbox.user.email] if mailbox.user.email else [],
            language,
            public_url("/postfach/"),
        )
    if mailbox.kind == Mailbox.Kind.ORGANISATION and mailbox.organisation is not None:
        members = organisation_members(organisation=mailbox.organisation)
        addresses = sorted({m.user.email for m in members.select_related("user") if m.user.email})
        return addresses, "de", public_url("/postfach/")
    if mailbox.kind == Mailbox.Kind.OFFICE and mailbox.office is not None:
        address = mailbox.office.email
        return [address] if address else [], "de", public_url(f"/intern/postfach/{mailbox.pk}/")
    return [], "de", ""


def _send(
    *,
    municipality_id: Any,
    to: list[str],
    subject: str,
    body: str,
    connection: Any = None,
    senders: dict[Any, Any] | None = None,
) -> None:
    """Send one e-mail from the municipality's mail sender (read once per batch when
    `senders` is given: the batch's cache, municipality → sender)."""
    if senders is None:
        sender = mail_sender_for(municipality=municipality_id)
    else:
        if municipality_id not in senders:
            senders[municipality_id] = mail_sender_for(municipality=municipality_id)
        sender = senders[municipality_id]
    EmailMessage(
        subject=subject,
        body=body,
        from_email=sender.from_email,
        to=to,
        reply_to=list(sender.reply_to) or None,
        connection=connection,
    ).send()


def new_mail_notify(*, message_id: UUID) -> int:
    """Tell the owners of the mailboxes `message_id` was delivered to (once each) who want to
    be told at once; a daily-digest mailbox's delivery waits for `digests_send`. Returns how
    many deliveries were announced now."""
    outcome = new_mail_notify_many(message_ids=[message_id])[message_id]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def new_mail_notify_many(*, message_ids: list[UUID]) -> dict[UUID, int | Exception]:
    """`new_mail_notify` for several messages (an outbox worker draining a backlog): their
    deliveries not yet announced read in one query, the mail server's connection opened once
    for all e-mails, then the announced ones marked in one UPDATE and audited in one INSERT
    (one transaction, no row held while mailing: a citizen opening the thread meanwhile
    does not wait for the mail server). A refused e-mail leaves its message to be retried
    (its deliveries announced before stay announced): per message how many deliveries were
    announced now, or the error. The outbox runs a message on one worker at a time; a run
    again after a lost lease may mail twice, never not at all."""
    told: dict[UUID, int] = dict.fromkeys(message_ids, 0)
    failed: dict[UUID, Exception] = {}
    position = {message_id: n for n, message_id in enumerate(message_ids)}
    deliveries = sorted(  # in the order of the messages (the outbox's: oldest first)
        Delivery.objects.select_related(
            "mailbox__user", "mailbox__office", "mailbox__organisation", "message__thread"
        )
        .filter(message_id__in=message_ids, notified_at__isnull=True)
        .order_by("pk"),
        key=lambda delivery: position[delivery.message_id],
    )
    # The acts provided (a provision is made with its delivery and never changes).
    provisions = {
        p.delivery_id: p
        for p in Provision.objects.filter(delivery_id__in=[d.pk for d in deliveries])
    }
    senders: dict[Any, Any] = {}
    connection = get_connection()  # opened by the first e-mail, kept open for the others
    marked: list[Delivery] = []
    mailed: list[Delivery] = []
    try:
        for delivery in deliveries:
            if delivery.message_id in failed:
                continue  # an earlier delivery of the message failed: retried as a whole
            try:
                due, mail = _delivery_notify(
                    delivery,
                    provision=provisions.get(delivery.pk),
                    connection=connection,
                    senders=senders,
                )
            except Exception as error:
                failed[delivery.message_id] = error
                _close(connection)  # a broken session: the next e-mail opens a new one
                continue
            if due:
                marked.append(delivery)
            if mail:
                mailed.append(delivery)
    finally:
        _close(connection)
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk__in=[d.pk for d in marked], notified_at__isnull=True).update(
            notified_at=now, updated_at=now
        )
        audit_record_many(
            actor=NOTIFY_ACTOR,
            action="mailbox.notification_sent",
            entries=[
                AuditEntry(
                    obj=d.message,
                    municipality=d.message.thread.municipality_id,
                    details={"delivery": str(d.pk), "mailbox": str(d.mailbox_id)},
                )
                for d in mailed
            ],
        )
    for delivery in mailed:
        told[delivery.message_id] += 1
    return {m: failed.get(m, told[m]) for m in message_ids}


def _close(connection: Any) -> None:
    """Close the mail server's session; an error on QUIT of a session that is broken anyway
    must not hide the error that broke it or fail the messages already announced."""
    with contextlib.suppress(Exception):
        connection.close()


def _delivery_notify(
    delivery: Delivery, *, provision: Provision | None, connection: Any, senders: dict[Any, Any]
) -> tuple[bool, bool]:
    """Announce one delivery not yet announced (its act provided for retrieval: `provision`)
    if it is due now: (whether it counts as announced now, whether an e-mail
    went out)."""
    notify = delivery.mailbox.notify
    if provision is None and notify == Mailbox.Notify.DAILY and not delivery.message.origin:
        return False, False  # the morning's digest tells of it
    # Written by the platform about an event that mails its own notice (a document request
    # names its deadline): one e-mail, not two.
    if delivery.message.origin or (provision is None and notify == Mailbox.Notify.OFF):
        return True, False
    addresses, language, link = _addresses(delivery.mailbox)
    if not addresses:
        return True, False
    with translation.override(language):
        if provision is not None:
            subject = _("An administrative act is provided for you to retrieve")
            body = _(
                "An authority has provided an administrative act for you in your "
                "mailbox on the service portal (section 41 (2a) VwVfG).\n\n"
                "You can retrieve it until the end of %(last_day)s:\n%(link)s\n\n"
                "It counts as notified on the day after you retrieve it. If you do "
                "not retrieve it by then, the authority will notify it another way.\n\n"
                "For your protection this e-mail does not contain the act itself."
            ) % {"link": link, "last_day": provision.last_day.strftime("%d.%m.%Y")}
        else:
            subject = _("New message in your mailbox")
            body = _(
                "A new message has arrived in your mailbox on the service portal.\n\n"
                "Please log in to read it:\n%(link)s\n\n"
                "For your protection this e-mail does not contain the message itself."
            ) % {"link": link}
    connection.open()  # no-op when open (and for back-ends without connections)
    _send(
        municipality_id=delivery.message.thread.municipality_id,
        to=addresses,
        subject=subject,
        body=body,
        connection=connection,
        senders=senders,
    )
    return True, True


def digests_send() -> int:
    """The daily digest: each mailbox that wants one and has deliveries not yet announced gets
    one e-mail saying how many new messages arrived (no content, not even the senders); those
    deliveries count as announced. Returns how many digests were sent. Run every morning
    (`rathaus.mailbox.digests_send`); safe to repeat (a delivery is announced once)."""
    sent = 0
    waiting = (
        Delivery.objects.filter(notified_at__isnull=True, mailbox__notify=Mailbox.Notify.DAILY)
        .values_list("mailbox_id", flat=True)
        .distinct()
    )
    for mailbox_id in list(waiting):
        with transaction.atomic():
            mailbox = (
                Mailbox.objects.select_for_update(of=("self",))
                .select_related("user", "office", "organisation")
                .get(pk=mailbox_id)
            )
            pending = Delivery.objects.filter(mailbox=mailbox, notified_at__isnull=True)
            rows = list(
                pending.values_list("pk", "retrieved_at", "message__thread__municipality_id")
            )
            now = timezone.now()
            pending.update(notified_at=now, updated_at=now)
            unread = [row for row in rows if row[1] is None]
            addresses, language, link = _addresses(mailbox)
            if not unread or not addresses:
                continue  # read in the meantime: nothing to tell
            with translation.override(language):
                subject = _("New messages in your mailbox")
                body = (
                    ngettext(
                        "Since the last digest %(count)d new message has arrived in your "
                        "mailbox on the service portal.",
                        "Since the last digest %(count)d new messages have arrived in your "
                        "mailbox on the service portal.",
                        len(unread),
                    )
                    % {"count": len(unread)}
                    + "\n\n"
                    + _(
                        "Please log in to read them:\n%(link)s\n\n"
                        "For your protection this e-mail does not contain the messages."
                    )
                    % {"link": link}
                )
            _send(municipality_id=unread[0][2], to=addresses, subject=subject, body=body)
            mailbox.digest_sent_at = now
            mailbox.save(update_fields=["digest_sent_at", "updated_at"])
            audit_record(
                actor=NOTIFY_ACTOR,
                action="mailbox.digest_sent",
                obj=mailbox,
                municipality=unread[0][2],
                details={"messages": len(unread)},
            )
            sent += 1
    return sent
