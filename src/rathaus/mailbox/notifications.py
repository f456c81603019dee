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
from rathaus.core.audit import audit_record
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
    deliveries read in one query, the mail server's connection opened once for all e-mails.
    Each delivery is announced in a transaction of its own (locked, marked, mailed, audited),
    so a refused e-mail leaves only its message to be retried: per message how many
    deliveries were announced now, or the error."""
    told: dict[UUID, int] = dict.fromkeys(message_ids, 0)
    failed: dict[UUID, Exception] = {}
    position = {message_id: n for n, message_id in enumerate(message_ids)}
    delivery_ids = sorted(  # in the order of the messages (the outbox's: oldest first)
        Delivery.objects.filter(message_id__in=message_ids, notified_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "message_id"),
        key=lambda row: position[row[1]],
    )
    # Read once for the batch: the acts provided (a provision is made with its delivery and
    # never changes) and each municipality's mail sender.
    provisions = {
        p.delivery_id: p
        for p in Provision.objects.filter(delivery_id__in=[pk for pk, _ in delivery_ids])
    }
    senders: dict[Any, Any] = {}
    connection = get_connection()  # opened by the first e-mail, kept open for the others
    try:
        for delivery_id, message_id in delivery_ids:
            if message_id in failed:
                continue  # an earlier delivery of the message failed: retried as a whole
            try:
                told[message_id] += _delivery_notify(
                    delivery_id,
                    provision=provisions.get(delivery_id),
                    connection=connection,
                    senders=senders,
                )
            except Exception as error:
                failed[message_id] = error
                _close(connection)  # a broken session: the next e-mail opens a new one
    finally:
        _close(connection)
    return {m: failed.get(m, told[m]) for m in message_ids}


def _close(connection: Any) -> None:
    """Close the mail server's session; an error on QUIT of a session that is broken anyway
    must not hide the error that broke it or fail the messages already announced."""
    with contextlib.suppress(Exception):
        connection.close()


def _delivery_notify(
    delivery_id: UUID, *, provision: Provision | None, connection: Any, senders: dict[Any, Any]
) -> int:
    """Announce one delivery (its act provided for retrieval: `provision`) if it is due now
    (1), else 0; in its own transaction."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related(
                "mailbox__user", "mailbox__office", "mailbox__organisation", "message__thread"
            )
            .get(pk=delivery_id)
        )
        if delivery.notified_at is not None:
            return 0
        notify = delivery.mailbox.notify
        if provision is None and notify == Mailbox.Notify.DAILY and not delivery.message.origin:
            return 0  # the morning's digest tells of it
        delivery.notified_at = timezone.now()
        delivery.save(update_fields=["notified_at", "updated_at"])
        # Written by the platform about an event that mails its own notice (a document
        # request names its deadline): one e-mail, not two.
        if delivery.message.origin or (provision is None and notify == Mailbox.Notify.OFF):
            return 0
        addresses, language, link = _addresses(delivery.mailbox)
        if not addresses:
            return 0
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
        audit_record(
            actor=NOTIFY_ACTOR,
            action="mailbox.notification_sent",
            obj=delivery.message,
            municipality=delivery.message.thread.municipality_id,
            details={"delivery": str(delivery.pk), "mailbox": str(delivery.mailbox_id)},
        )
    return 1


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
