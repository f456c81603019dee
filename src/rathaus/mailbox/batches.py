"""A specialist system's batch of messages to the applicants of many cases at once (a notice
to everyone who applied for a service, the reminders of a day): all of them checked and
scanned first, then sent in one transaction — refused as a whole, naming each message that
is not right and why, so that nothing of a bad batch goes out and nothing of a good one is
lost. Each message goes out as `POST /submissions/{id}/messages/` sends one (a reply in the
case's thread, or a new thread with its subject), with the same receipts, e-mails and audit
events; the rows of all of them are written together (`rathaus.mailbox.writing`)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError, NotFound
from rathaus.uploads.checks import size_text

from .attachments import PreparedFile, attachments_prepare
from .content import KekCache
from .models import Mailbox, Message, Thread
from .permissions import mailboxes_usable
from .writing import (
    Outgoing,
    ThreadStart,
    messages_write,
    text_clean,
    text_clean_with_subject,
    threads_create,
    with_files,
)

BATCH_MAX = 50


@dataclass(frozen=True)
class CaseMessage:
    """One message of a batch: to the applicant of `case` from its office, in the thread
    `thread_id` of the case, else in its first thread, else in a new one with `subject`.
    `case` None: the caller found none (refused as no such application); `unreadable`: the
    caller's messages per field about a message it could not read (refused with them)."""

    case: Any
    body: str = ""
    subject: str = ""
    thread_id: UUID | None = None
    uploads: Sequence[IO[bytes]] = ()
    unreadable: Mapping[str, list[str]] | None = None


class BatchRefused(DomainError):
    """Messages of a batch are not right: nothing was sent. `errors` maps a message's
    position (from 0) to its fields' messages."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        super().__init__(
            _("%(count)d of the messages cannot be sent; nothing was sent.")
            % {"count": len(errors)}
        )
        self.errors = errors


@dataclass(frozen=True)
class _Checked:
    case: Any
    thread: Thread | None
    subject: str
    body: str
    files: list[PreparedFile]


def case_messages_send(*, actor: Actor, items: Sequence[CaseMessage]) -> list[Message]:
    """Send `items` (at most BATCH_MAX) from the mailboxes of their offices (a reply from
    its thread's, a new thread from its case's), all or none: BatchRefused names every
    message with an invalid text, an unknown thread or a file refused (type, size, a virus);
    DomainError for an empty or too large batch; NotFound when `actor` may not use an
    office's mailbox. The messages in the order of `items`."""
    if not items:
        raise DomainError(_("Please send at least one message."), field="messages")
    if len(items) > BATCH_MAX:
        raise DomainError(
            _("A batch can carry at most %(max)d messages.") % {"max": BATCH_MAX},
            field="messages",
        )
    total = sum(int(getattr(u, "size", 0) or 0) for item in items for u in item.uploads)
    if total > settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES:
        raise DomainError(
            _(
                "All files of one batch together may be at most {limit}; these make {total}. "
                "Please send the messages in smaller batches."
            ).format(
                limit=size_text(settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES, rounding="down"),
                total=size_text(total, rounding="up"),
            ),
            field="messages",
        )
    cases = [item.case for item in items if item.case is not None and not item.unreadable]
    threads = _case_threads(cases=cases)
    # A reply goes out from its thread's office (as `services.message_send`), a new thread
    # from the case's.
    office_boxes = _office_mailboxes(
        actor=actor,
        office_ids={c.office_id for c in cases}
        | {t.office_id for of_case in threads.values() for t in of_case},
    )
    checked: list[_Checked] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for position, item in enumerate(items):
        if item.unreadable:
            errors[position] = dict(item.unreadable)
            continue
        try:
            if item.case is None:
                raise DomainError(_("No such application."), field="submission")
            checked.append(_check(item, threads.get(item.case.pk, [])))
        except DomainError as error:
            errors[position] = {error.field or "non_field_errors": [error.message]}
    if errors:
        raise BatchRefused(errors)
    applicant_boxes = _applicant_mailboxes(cases=[c.case for c in checked if c.thread is None])

    def write(stored: list[str]) -> list[Message]:
        keks = KekCache()
        replied = {c.thread.pk for c in checked if c.thread is not None}
        locked = {  # locked in the order of their ids, as every batch does: no deadlock
            thread.pk: thread
            for thread in Thread.objects.select_for_update()
            .select_related("municipality")
            .filter(pk__in=replied)
            .order_by("pk")
        }
        starts: dict[Any, ThreadStart] = {}  # case → the thread to start for it (once)
        for c in checked:
            if c.thread is None and c.case.pk not in starts:
                starts[c.case.pk] = ThreadStart(
                    sender=office_boxes[c.case.office_id],
                    recipient=applicant_boxes[c.case.pk],
                    subject=c.subject,
                    case=c.case,
                )
        made = threads_create(actor=actor, starts=list(starts.values()), keks=keks)
        started = dict(zip(starts, made, strict=True))  # case → its new thread
        into = [locked[c.thread.pk] if c.thread else started[c.case.pk] for c in checked]
        return messages_write(
            actor=actor,
            sends=[
                Outgoing(
                    thread=thread, sender=office_boxes[thread.office_id], body=c.body, files=c.files
                )
                for c, thread in zip(checked, into, strict=True)
            ],
            keks=keks,
            stored=stored,
        )

    return with_files(write)


def _check(item: CaseMessage, threads: list[Thread]) -> _Checked:
    if item.thread_id is not None:
        threads = [t for t in threads if t.pk == item.thread_id]
        if not threads:
            raise DomainError(_("No such thread of the case."), field="thread")
    thread = threads[0] if threads else None
    if thread is None:
        subject, body = text_clean_with_subject(item.subject, item.body)
    else:
        subject, body = text_clean(None, item.body)
    return _Checked(item.case, thread, subject, body, attachments_prepare(item.uploads))


def _office_mailboxes(*, actor: Actor, office_ids: set[Any]) -> dict[Any, Mailbox]:
    """The mailbox of each office of `office_ids` (made on first use), by office id; NotFound
    when `actor` may not use one of them."""
    boxes = {box.office_id: box for box in Mailbox.objects.filter(office_id__in=office_ids)}
    for office_id in office_ids - set(boxes):
        boxes[office_id], _created = Mailbox.objects.get_or_create(
            office_id=office_id, defaults={"kind": Mailbox.Kind.OFFICE}
        )
    usable = set(
        mailboxes_usable(actor=actor)
        .filter(pk__in=[box.pk for box in boxes.values()])
        .values_list("pk", flat=True)
    )
    if len(usable) < len(boxes):
        raise NotFound(_("No such mailbox."))
    return boxes


def _case_threads(*, cases: Sequence[Any]) -> dict[Any, list[Thread]]:
    """The threads of each case, oldest first, by case id (one query)."""
    found: dict[Any, list[Thread]] = {}
    for thread in Thread.objects.filter(case__in=[c.pk for c in cases]).order_by(
        "created_at", "pk"
    ):
        found.setdefault(thread.case_id, []).append(thread)
    return found


def _applicant_mailboxes(*, cases: Sequence[Any]) -> dict[Any, Mailbox]:
    """Where the office writes about each case (`services.mailbox_of_applicant`: the
    organisation's mailbox for a case applied for on its behalf, else the applicant's), by
    case id; those missing made in one INSERT."""
    owners = {
        case.pk: ("organisation", case.organisation_id)
        if getattr(case, "organisation_id", None)
        else ("user", case.applicant_id)
        for case in cases
    }
    if not owners:
        return {}

    def found() -> dict[tuple[str, Any], Mailbox]:
        users = {pk for kind, pk in owners.values() if kind == "user"}
        organisations = {pk for kind, pk in owners.values() if kind == "organisation"}
        return {
            ("user", box.user_id) if box.user_id else ("organisation", box.organisation_id): box
            for box in Mailbox.objects.filter(
                Q(user_id__in=users) | Q(organisation_id__in=organisations)
            )
        }

    boxes = found()
    missing = set(owners.values()) - set(boxes)
    if missing:
        Mailbox.objects.bulk_create(
            [
                Mailbox(kind=Mailbox.Kind.PERSON, user_id=pk)
                if kind == "user"
                else Mailbox(kind=Mailbox.Kind.ORGANISATION, organisation_id=pk)
                for kind, pk in missing
            ],
            ignore_conflicts=True,  # made by someone else meanwhile: read below
        )
        boxes = found()
    return {case_id: boxes[owner] for case_id, owner in owners.items()}
