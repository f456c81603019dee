"""The rows of a send, for one message or a batch: threads started (with their two
participants), messages with their encrypted bodies and files, deliveries, the participants'
unread counts, audit events and `mailbox.message_sent` events — each kind written in one
statement however many messages go out (`rathaus.mailbox.services` sends one, a specialist
system's batch many: `rathaus.mailbox.batches`).

The callers check who may send what and run this inside their transaction; the threads that
get replies are locked by them."""

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import AuditEntry, audit_record_many
from rathaus.core.errors import DomainError
from rathaus.core.events import event_publish_many
from rathaus.municipalities.models import Office

from . import provisions
from .attachments import PreparedFile, attachments_store_many, storage_delete
from .content import KekCache, body_seal, subject_seal
from .events import MessageSent
from .models import Delivery, Mailbox, Message, Participant, Thread

SUBJECT_MAX = 200
BODY_MAX = 20_000
T = TypeVar("T")


def with_files(write: Callable[[list[str]], T]) -> T:
    """Run `write` in a transaction; the files it stored are deleted again when it fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return write(stored)
    except BaseException:
        storage_delete(stored)
        raise


def text_clean(subject: str | None, body: str) -> tuple[str, str]:
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise DomainError(_("Please write a message."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(
            _("The message is too long (at most %(max)d characters).") % {"max": BODY_MAX},
            field="body",
        )
    subject = " ".join((subject or "").split())
    if subject is not None and len(subject) > SUBJECT_MAX:
        raise DomainError(
            _("The subject is too long (at most %(max)d characters).") % {"max": SUBJECT_MAX},
            field="subject",
        )
    return subject, body


def text_clean_with_subject(subject: str, body: str) -> tuple[str, str]:
    subject, body = text_clean(subject, body)
    if not subject:
        raise DomainError(_("Please enter a subject."), field="subject")
    return subject, body


@dataclass(frozen=True)
class ThreadStart:
    """A thread to start between `sender` and `recipient` (an office's mailbox and a
    citizen's or organisation's), optionally about `case`."""

    sender: Mailbox
    recipient: Mailbox
    subject: str
    case: Any = None


@dataclass(frozen=True)
class Outgoing:
    """A message to send from `sender` into `thread` (its municipality loaded), delivered to
    every other participant."""

    thread: Thread
    sender: Mailbox
    body: str
    files: Sequence[PreparedFile] = ()
    origin: str = ""
    author_label: str = ""


def threads_create(*, actor: Actor, starts: Sequence[ThreadStart], keks: KekCache) -> list[Thread]:
    """Start the threads `starts` (subjects encrypted), each with its two participants, audited
    `mailbox.thread_start`; refused (DomainError) when one is not between an office and a
    citizen or organisation, or its case belongs to another office."""
    office_ids = set()
    for start in starts:
        kinds = {start.sender.kind, start.recipient.kind}
        if Mailbox.Kind.OFFICE not in kinds or len(kinds) != 2:
            raise DomainError(_("A thread is between an office and a citizen or organisation."))
        office_ids.add(_office_box(start).office_id)
    offices = Office.objects.select_related("municipality").in_bulk(office_ids)
    now = timezone.now()
    threads = []
    for start in starts:
        office = offices[_office_box(start).office_id]
        if start.case is not None and start.case.office_id != office.pk:
            raise DomainError(_("The case belongs to another office."))
        thread = Thread(
            id=uuid.uuid4(), municipality=office.municipality, office=office, case=start.case
        )
        subject_seal(thread, start.subject, keks=keks)
        threads.append(thread)
    Thread.objects.bulk_create(threads)
    Participant.objects.bulk_create(
        Participant(thread=thread, mailbox=mailbox, last_activity_at=now)
        for thread, start in zip(threads, starts, strict=True)
        for mailbox in (start.sender, start.recipient)
    )
    audit_record_many(
        actor=actor,
        action="mailbox.thread_start",
        entries=[
            AuditEntry(
                obj=thread,
                details={
                    "office": str(thread.office_id),
                    "case": str(start.case.pk) if start.case else "",
                },
            )
            for thread, start in zip(threads, starts, strict=True)
        ],
    )
    return threads


def _office_box(start: ThreadStart) -> Mailbox:
    return start.sender if start.sender.kind == Mailbox.Kind.OFFICE else start.recipient


def messages_write(
    *,
    actor: Actor,
    sends: Sequence[Outgoing],
    keks: KekCache,
    stored: list[str],
    now: Any = None,
) -> list[Message]:
    """Send `sends` at `now` (bodies and files encrypted under a data key per message; the
    names of the files written go to `stored`, for the caller to delete should its
    transaction fail), delivered into the other participants' mailboxes, counted unread
    there, audited `mailbox.message_send` and published as `mailbox.message_sent` (receipts
    and e-mails follow from the outbox)."""
    now = now or timezone.now()
    written_form = _written_form_offices(actor=actor, sends=sends)
    messages, keys = [], []
    sent_at = []
    for number, send in enumerate(sends):
        # A microsecond apart: messages of one batch into one thread keep their order.
        sent_at.append(now + timedelta(microseconds=number))
        message = Message(
            id=uuid.uuid4(),
            thread=send.thread,
            sender=send.sender,
            author=actor.user,
            author_label=send.author_label or actor.label,
            level_of_assurance=actor.level_of_assurance,
            written_form=send.sender.kind != Mailbox.Kind.OFFICE
            and send.thread.office_id in written_form,
            sent_at=sent_at[number],
            origin=send.origin,
        )
        keys.append(body_seal(message, send.body, keks=keks))
        messages.append(message)
    Message.objects.bulk_create(messages)
    attachments = attachments_store_many(
        items=[(m, k, s.files) for m, k, s in zip(messages, keys, sends, strict=True)],
        stored=stored,
    )
    participants: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)  # thread → (pk, mailbox)
    for pk, thread_id, mailbox_id in Participant.objects.filter(
        thread_id__in={send.thread.pk for send in sends}
    ).values_list("pk", "thread_id", "mailbox_id"):
        participants[thread_id].append((pk, mailbox_id))
    recipients = [
        [mailbox for _pk, mailbox in participants[send.thread.pk] if mailbox != send.sender.pk]
        for send in sends
    ]
    Delivery.objects.bulk_create(
        Delivery(message=message, mailbox_id=mailbox_id, delivered_at=at)
        for message, to, at in zip(messages, recipients, sent_at, strict=True)
        for mailbox_id in to
    )
    _participants_update(sends=sends, participants=participants, now=now)
    Thread.objects.filter(pk__in={send.thread.pk for send in sends}).update(last_message_at=now)
    audit_record_many(
        actor=actor,
        action="mailbox.message_send",
        entries=[
            AuditEntry(
                obj=message,
                municipality=send.thread.municipality_id,
                details={
                    "thread": str(send.thread.pk),
                    "sender": str(send.sender.pk),
                    "recipients": [str(r) for r in to],
                    "body_sha256": message.body_sha256,
                    "attachments": [
                        {"sha256": a.sha256, "size": a.size, "content_type": a.content_type}
                        for a in files
                    ],
                },
            )
            for message, send, to, files in zip(
                messages, sends, recipients, attachments, strict=True
            )
        ],
    )
    event_publish_many(
        [
            MessageSent(
                message_id=message.pk,
                thread_id=send.thread.pk,
                municipality_id=send.thread.municipality_id,
                sender_mailbox_id=send.sender.pk,
                recipient_mailbox_ids=tuple(to),
                case_id=send.thread.case_id,
            )
            for message, send, to in zip(messages, sends, recipients, strict=True)
        ]
    )
    return messages


def _participants_update(
    *, sends: Sequence[Outgoing], participants: dict[Any, list[tuple[Any, Any]]], now: Any
) -> None:
    """Each recipient's participation counts its new messages unread and comes back from the
    archive; the senders' show the activity."""
    unread: Counter[Any] = Counter()
    senders = set()
    for send in sends:
        for pk, mailbox in participants[send.thread.pk]:
            if mailbox == send.sender.pk:
                senders.add(pk)
            else:
                unread[pk] += 1
    by_count: dict[int, list[Any]] = defaultdict(list)
    for pk, count in unread.items():
        by_count[count].append(pk)
    for count, pks in by_count.items():
        Participant.objects.filter(pk__in=pks).update(
            unread=F("unread") + count, last_activity_at=now, archived=False
        )
    if senders - set(unread):
        Participant.objects.filter(pk__in=senders - set(unread)).update(last_activity_at=now)


def _written_form_offices(*, actor: Actor, sends: Sequence[Outgoing]) -> set[Any]:
    """§3a (2) VwVfG: the offices of `sends` that accept a message of a citizen or
    organisation, sent after login at level "substantial" or higher, as replacing the written
    form (none when the actor is no such person)."""
    if not actor.is_person or not provisions.level_sufficient(
        actual=actor.level_of_assurance, required="substantial"
    ):
        return set()
    offices = {s.thread.office_id for s in sends if s.sender.kind != Mailbox.Kind.OFFICE}
    if not offices:
        return set()
    return set(
        Mailbox.objects.filter(office_id__in=offices, written_form_accepted=True).values_list(
            "office_id", flat=True
        )
    )
