"""Reads of the Postfach, always from a mailbox the reader may use (NotFound otherwise): the
inbox and archive of a mailbox (newest activity first, keyset pages on `THREAD_ORDERING`), a
thread with its messages decrypted, unread counts."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound
from rathaus.core.keyset import KeysetPage, KeysetPaginator
from rathaus.evidence.selectors import receipt_bundle

from .attachments import AttachmentFile, attachment_files
from .content import KekCache, body_open, subject_open, subjects_open
from .models import (
    Delivery,
    Mailbox,
    Message,
    MessageReceipt,
    Participant,
    Provision,
    Thread,
)
from .permissions import ensure_mailbox_usable, mailboxes_usable, mailboxes_usable_by
from .provisions import level_sufficient

__all__ = [
    "THREAD_ORDERING",
    "AttachmentFile",
    "DraftView",
    "InboxPage",
    "ThreadView",
    "case_provisions",
    "case_threads",
    "draft_get",
    "drafts_of",
    "inbox_page",
    "inbox_search",
    "mailbox_get",
    "mailbox_threads",
    "mailboxes_usable_by",
    "message_attachments",
    "provisions_waiting",
    "receipt_bundle_get",
    "receipt_filename",
    "subjects_open",
    "thread_get",
    "thread_view",
    "unread_total",
    "unread_totals",
]

# The inbox pages by this key (rathaus.core.keyset): newest activity first; the index
# `mailbox_participant_list` is (mailbox, archived, last_activity_at, id).
THREAD_ORDERING = ("-last_activity_at", "-pk")


def mailbox_get(*, actor: Actor, mailbox_id: UUID | str) -> Mailbox:
    """A mailbox `actor` may use; NotFound otherwise."""
    mailbox = (
        mailboxes_usable_by(user=actor.user if actor.is_person else None)
        .select_related("office", "organisation")
        .filter(pk=mailbox_id)
        .first()
    )
    if mailbox is None:
        raise NotFound(_("No such mailbox."))
    return mailbox


def mailbox_threads(*, mailbox: Mailbox, archived: bool = False) -> QuerySet[Participant]:
    """`mailbox`'s view of its threads (inbox, or archive), newest activity first, with the
    thread, its office and case (subjects: `subjects_open` on the page's threads)."""
    return (
        Participant.objects.filter(
            mailbox=mailbox, archived=archived, thread__last_message_at__isnull=False
        )
        .select_related("thread__municipality", "thread__office", "thread__case")
        .order_by(*THREAD_ORDERING)
    )


@dataclass(frozen=True)
class InboxPage:
    page: KeysetPage[Participant] | None  # None for a search's results
    rows: list[tuple[Participant, str]]  # each thread of the page with its subject
    query: str = ""  # the search, if one was asked
    # The search looked at the SEARCH_MAX_THREADS most recent threads only (there are more).
    capped: bool = False


# A search decrypts subjects and bodies (nothing readable is indexed), newest threads first,
# until SEARCH_RESULTS threads match or SEARCH_MAX_THREADS were read.
SEARCH_RESULTS = 25
SEARCH_MAX_THREADS = 2000
SEARCH_CHUNK = 200
QUERY_MAX = 100


# Filters of an office's inbox (`params`): who handles the thread, unread only.
ASSIGNED_TO_ME = "ich"
ASSIGNED_TO_NOBODY = "niemand"


def inbox_page(
    *,
    mailbox: Mailbox,
    archived: bool,
    params: Mapping[str, Any],
    salt: str,
    page_size: int = 25,
    reader: Any = None,
) -> InboxPage:
    """One keyset page of `mailbox`'s inbox (or archive) with the subjects decrypted; with a
    search `q` in `params`, the threads whose subject, office, case reference or messages
    contain every word of it (`inbox_search`). Filters: `zustaendig` "ich" (assigned to
    `reader`) or "niemand" (to nobody), `ungelesen` (with unread messages)."""
    query = " ".join(str(params.get("q", "") or "").split())[:QUERY_MAX]
    if query:
        return inbox_search(mailbox=mailbox, archived=archived, query=query)
    threads = mailbox_threads(mailbox=mailbox, archived=archived)
    assigned = params.get("zustaendig")
    if assigned == ASSIGNED_TO_ME and reader is not None:
        threads = threads.filter(thread__assignee=reader)
    elif assigned == ASSIGNED_TO_NOBODY:
        threads = threads.filter(thread__assignee__isnull=True)
    if params.get("ungelesen"):
        threads = threads.filter(unread__gt=0)
    page = KeysetPaginator(ordering=THREAD_ORDERING, page_size=page_size, salt=salt).page(
        threads, params=params
    )
    subjects = subjects_open([row.thread for row in page.items])
    return InboxPage(page=page, rows=[(row, subjects[row.thread_id]) for row in page.items])


def inbox_search(*, mailbox: Mailbox, archived: bool, query: str) -> InboxPage:
    """The threads of `mailbox` (inbox or archive), newest first, whose subject, office name,
    case reference or the text of a message the mailbox may read contains every word of
    `query` (case-insensitive). Content is encrypted, so the search decrypts as it goes: at
    most SEARCH_RESULTS results from the SEARCH_MAX_THREADS most recent threads (`capped`
    says when there were more)."""
    words = query.casefold().split()
    threads = mailbox_threads(mailbox=mailbox, archived=archived)
    keks = KekCache()
    found: list[tuple[Participant, str]] = []
    for start in range(0, SEARCH_MAX_THREADS, SEARCH_CHUNK):
        chunk = list(threads[start : start + SEARCH_CHUNK])
        bodies = _readable_bodies(mailbox=mailbox, participants=chunk, keks=keks)
        for row in chunk:
            subject = subject_open(row.thread, keks=keks)
            case = row.thread.case.reference if row.thread.case else ""
            text = " ".join([subject, row.thread.office.name, case, *bodies.get(row.thread_id, [])])
            if all(word in text.casefold() for word in words):
                found.append((row, subject))
                if len(found) == SEARCH_RESULTS:
                    return InboxPage(page=None, rows=found, query=query)
        if len(chunk) < SEARCH_CHUNK:
            return InboxPage(page=None, rows=found, query=query)
    capped = threads[SEARCH_MAX_THREADS : SEARCH_MAX_THREADS + 1].exists()
    return InboxPage(page=None, rows=found, query=query, capped=capped)


def _readable_bodies(
    *, mailbox: Mailbox, participants: list[Participant], keks: KekCache
) -> dict[UUID, list[str]]:
    """The bodies `mailbox` may read in the threads of `participants` (an act provided for
    retrieval only once the mailbox has it retrieved, or sent it)."""
    by_thread = {row.thread_id: row.thread for row in participants}
    messages = (
        Message.objects.filter(thread_id__in=list(by_thread), sent_at__isnull=False)
        .filter(Q(visible_to__isnull=True) | Q(visible_to=mailbox))
        .filter(
            Q(provision__isnull=True) | Q(sender=mailbox) | Q(provision__retrieved_at__isnull=False)
        )
        .only("pk", "thread_id", "data_key_wrapped", "body_encrypted")
    )
    bodies: dict[UUID, list[str]] = {}
    for message in messages:
        message.thread = by_thread[message.thread_id]
        bodies.setdefault(message.thread_id, []).append(body_open(message, keks=keks))
    return bodies


def unread_totals(*, mailboxes: list[Mailbox]) -> dict[UUID, int]:
    """Unread messages in the inbox of each of `mailboxes` (one query)."""
    rows = (
        Participant.objects.filter(mailbox__in=mailboxes, archived=False)
        .values("mailbox_id")
        .annotate(n=Sum("unread"))
        .values_list("mailbox_id", "n")
    )
    totals = dict.fromkeys((m.pk for m in mailboxes), 0)
    totals.update({mailbox_id: n or 0 for mailbox_id, n in rows})
    return totals


def case_threads(*, case: Any) -> list[Thread]:
    """The threads about `case`, oldest first (the case's page links them)."""
    return list(
        Thread.objects.filter(case=case).select_related("municipality").order_by("created_at")
    )


def unread_total(*, mailbox: Mailbox) -> int:
    return (
        Participant.objects.filter(mailbox=mailbox, archived=False).aggregate(n=Sum("unread"))["n"]
        or 0
    )


@dataclass(frozen=True)
class MessageView:
    message: Message
    body: str
    mine: bool  # sent from the reader's mailbox
    deliveries: list[Delivery]
    receipts: list[MessageReceipt]
    provision: Provision | None = None  # an act provided for retrieval (§41 (2a) VwVfG)
    # Why the body is not shown to this reader: "level" (log in at the level the act needs),
    # "ended" (not retrieved in time, no longer provided); "" when it is shown.
    withheld: str = ""
    attachments: tuple[AttachmentFile, ...] = ()  # none while withheld


@dataclass(frozen=True)
class ThreadView:
    thread: Thread
    subject: str
    participant: Participant
    messages: list[MessageView]
    counterpart: Mailbox


def thread_get(*, actor: Actor, mailbox: Mailbox, thread_id: UUID | str) -> Thread:
    """The thread `thread_id` of `mailbox`, without its messages (what a reply needs);
    NotFound when `actor` may not use `mailbox` or the thread is not in it."""
    return _participation(actor=actor, mailbox=mailbox, thread_id=thread_id).thread


def _participation(*, actor: Actor, mailbox: Mailbox, thread_id: UUID | str) -> Participant:
    """`mailbox`'s part in the thread, in one query with the check that `actor` may use
    `mailbox` (which of the two failed is asked only then)."""
    participant = (
        Participant.objects.select_related("thread__municipality", "thread__office", "thread__case")
        .filter(mailbox=mailbox, thread_id=thread_id)
        .filter(mailbox__in=mailboxes_usable(actor=actor).values("pk"))
        .first()
    )
    if participant is None:
        ensure_mailbox_usable(actor=actor, mailbox=mailbox)
        raise NotFound(_("No such thread."))
    return participant


def thread_view(*, actor: Actor, mailbox: Mailbox, thread_id: UUID | str) -> ThreadView:
    """`thread_id` as `mailbox` sees it, messages oldest first with their bodies decrypted;
    NotFound when `actor` may not use `mailbox` or the thread is not in it."""
    participant = _participation(actor=actor, mailbox=mailbox, thread_id=thread_id)
    thread = participant.thread
    keks = KekCache()
    messages = list(
        Message.objects.filter(thread=thread, sent_at__isnull=False)
        .filter(Q(visible_to__isnull=True) | Q(visible_to=mailbox))
        .select_related("sender", "provision")
        .prefetch_related(
            "deliveries",
            "attachments",
            Prefetch("receipts", queryset=MessageReceipt.objects.order_by("created_at")),
        )
        .order_by("sent_at", "pk")
    )
    counterpart = (
        Mailbox.objects.select_related("user", "organisation", "office")
        .filter(participations__thread=thread)
        .exclude(pk=mailbox.pk)
        .first()
    )
    for message in messages:
        message.thread = thread
    return ThreadView(
        thread=thread,
        subject=subject_open(thread, keks=keks),
        participant=participant,
        messages=[_message_view(m, mailbox=mailbox, actor=actor, keks=keks) for m in messages],
        counterpart=counterpart if counterpart is not None else mailbox,
    )


def _message_view(
    message: Message, *, mailbox: Mailbox, actor: Actor, keks: KekCache
) -> MessageView:
    withheld = _withheld(message, mailbox=mailbox, actor=actor)
    return MessageView(
        message=message,
        body="" if withheld else body_open(message, keks=keks),
        mine=message.sender_id == mailbox.pk,
        deliveries=list(message.deliveries.all()),
        receipts=list(message.receipts.all()),
        provision=getattr(message, "provision", None),
        withheld=withheld,
        attachments=() if withheld else tuple(attachment_files(message, keks=keks)),
    )


def _withheld(message: Message, *, mailbox: Mailbox, actor: Actor) -> str:
    """Why `mailbox`'s reader `actor` may not read `message` (see MessageView.withheld)."""
    provision: Provision | None = getattr(message, "provision", None)
    if provision is None or message.sender_id == mailbox.pk:
        return ""
    if provision.retrieved_at is None and provision.ended_at is not None:
        return "ended"
    if not level_sufficient(actual=actor.level_of_assurance, required=provision.required_level):
        return "level"
    return ""


def message_attachments(
    *, actor: Actor, mailbox: Mailbox, thread_id: UUID | str, message_id: UUID | str
) -> tuple[Message, list[AttachmentFile]]:
    """The attachments of a message `mailbox` may read (NotFound otherwise: not its thread, a
    note for the other side, an act it may not read yet)."""
    ensure_mailbox_usable(actor=actor, mailbox=mailbox)
    message = (
        Message.objects.filter(
            pk=message_id,
            thread_id=thread_id,
            thread__participants__mailbox=mailbox,
            sent_at__isnull=False,
        )
        .filter(Q(visible_to__isnull=True) | Q(visible_to=mailbox))
        .select_related("thread__municipality", "provision")
        .prefetch_related("attachments")
        .first()
    )
    if message is None or _withheld(message, mailbox=mailbox, actor=actor):
        raise NotFound(_("No such message."))
    return message, attachment_files(message)


@dataclass(frozen=True)
class DraftView:
    """A message not sent yet: its text, the thread's subject and office, and whether sending
    it starts the thread (the office's mailbox does not know it before)."""

    message: Message
    subject: str
    body: str
    new_thread: bool


def drafts_of(*, actor: Actor, mailbox: Mailbox) -> list[DraftView]:
    """The drafts of `mailbox`, last saved first."""
    ensure_mailbox_usable(actor=actor, mailbox=mailbox)
    drafts = (
        Message.objects.filter(sender=mailbox, sent_at__isnull=True)
        .select_related("thread__municipality", "thread__office", "thread__case")
        .order_by("-updated_at")
    )
    keks = KekCache()
    return [_draft_view(draft, keks=keks) for draft in drafts]


def draft_get(
    *, actor: Actor, mailbox: Mailbox, draft_id: UUID | str | None = None, thread: Any = None
) -> DraftView | None:
    """A draft of `mailbox` by id (NotFound when it is not one of its drafts), or the last
    answer drafted in `thread` (None when there is none)."""
    ensure_mailbox_usable(actor=actor, mailbox=mailbox)
    drafts = Message.objects.filter(sender=mailbox, sent_at__isnull=True).select_related(
        "thread__municipality", "thread__office", "thread__case"
    )
    if draft_id is not None:
        draft = drafts.filter(pk=draft_id).first()
        if draft is None:
            raise NotFound(_("No such draft."))
    else:
        draft = drafts.filter(thread=thread).order_by("-updated_at").first()
        if draft is None:
            return None
    return _draft_view(draft, keks=KekCache())


def _draft_view(draft: Message, *, keks: KekCache) -> DraftView:
    return DraftView(
        message=draft,
        subject=subject_open(draft.thread, keks=keks),
        body=body_open(draft, keks=keks),
        new_thread=draft.thread.last_message_at is None,
    )


def provisions_waiting(*, mailbox: Mailbox) -> list[tuple[Provision, str]]:
    """The acts provided for retrieval in `mailbox` and not retrieved yet, with their subjects,
    the soonest last day first (the portal names them above the inbox)."""
    waiting = list(
        Provision.objects.filter(
            delivery__mailbox=mailbox, retrieved_at__isnull=True, ended_at__isnull=True
        )
        .select_related("message__thread__municipality")
        .order_by("last_day", "pk")
    )
    subjects = subjects_open([p.message.thread for p in waiting])
    return [(p, subjects[p.message.thread_id]) for p in waiting]


def case_provisions(*, case: Any) -> list[Provision]:
    """The acts provided for retrieval about `case`, oldest first (the case's page)."""
    return list(Provision.objects.filter(message__thread__case=case).order_by("notice_sent_at"))


def receipt_filename(receipt: MessageReceipt) -> str:
    """The download name of a receipt bundle, e.g. ``abholbestaetigung-000042.zip``."""
    names = {"dispatch": "versandbestaetigung", "delivery": "eingangsbestaetigung"}
    return f"{names.get(receipt.kind, 'abholbestaetigung')}-{receipt.receipt.sequence:06d}.zip"


def receipt_bundle_get(
    *, actor: Actor, mailbox: Mailbox, thread_id: UUID | str, receipt_id: UUID | str
) -> tuple[MessageReceipt, bytes]:
    """A receipt of a message in a thread of `mailbox` as its ZIP bundle (receipt.json,
    receipt.p7s, receipt.tsr, the certificates and how to verify them); NotFound otherwise."""
    ensure_mailbox_usable(actor=actor, mailbox=mailbox)
    found = (
        MessageReceipt.objects.select_related("receipt")
        .filter(
            pk=receipt_id,
            message__thread_id=thread_id,
            message__thread__participants__mailbox=mailbox,
        )
        .first()
    )
    if found is None:
        raise NotFound(_("No such receipt."))
    return found, receipt_bundle(found.receipt)
