"""Writes of the Postfach: mailboxes on first use, starting a thread, sending a message
(delivered into the other side's mailbox at once), opening a thread (the first opening of a
message by its recipient is its retrieval), archiving, assigning an office's thread.

Every write checks that the actor may use the mailbox it acts from, runs in one transaction
with its audit event and its domain event, and stores subject and body only encrypted
(`rathaus.mailbox.content`)."""

import uuid
from collections.abc import Sequence
from typing import IO, Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.permissions import PROCESS_JOB
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotFound, NotPermitted
from rathaus.core.events import event_publish
from rathaus.municipalities.models import Office

from . import provisions
from .attachments import (
    PreparedFile,
    attachment_content,
    attachments_prepare,
    attachments_zip,
)
from .batches import BATCH_MAX, BatchRefused, CaseMessage, case_messages_send
from .content import KekCache, body_seal, subject_seal
from .events import MessageRetrieved
from .models import Delivery, Mailbox, Message, MessageAttachment, Participant, Thread
from .permissions import ensure_mailbox_usable, mailboxes_usable
from .provisions import ConsentMissing
from .writing import (
    BODY_MAX,
    SUBJECT_MAX,
    Outgoing,
    ThreadStart,
    messages_write,
    text_clean,
    text_clean_with_subject,
    threads_create,
    with_files,
)

# Messages the platform writes for an office about its cases (document requests).
CASE_ACTOR = Actor.system("case_messages")

__all__ = [
    "BATCH_MAX",
    "BODY_MAX",
    "SUBJECT_MAX",
    "AttachmentNotReady",
    "BatchRefused",
    "CaseMessage",
    "ConsentMissing",
    "act_provide",
    "act_reply",
    "attachment_download",
    "case_message_post",
    "case_message_start",
    "case_messages_send",
    "draft_discard",
    "draft_recipient_id",
    "draft_save",
    "mailbox_notify_set",
    "mailbox_of_applicant",
    "mailbox_of_office",
    "mailbox_of_organisation",
    "mailbox_of_user",
    "message_send",
    "office_mailboxes_of",
    "thread_archive",
    "thread_assign",
    "thread_open",
    "thread_start",
]

Uploads = Sequence[IO[bytes]]
# A draft of a new thread keeps in its `origin` the mailbox it goes to.
DRAFT_ORIGIN = "draft-to:"


def mailbox_of_user(*, user: Any) -> Mailbox:
    """The mailbox of a person's account (made on first use)."""
    mailbox, _created = Mailbox.objects.get_or_create(
        user=user, defaults={"kind": Mailbox.Kind.PERSON}
    )
    return mailbox


def mailbox_of_organisation(*, organisation: Any) -> Mailbox:
    mailbox, _created = Mailbox.objects.get_or_create(
        organisation=organisation, defaults={"kind": Mailbox.Kind.ORGANISATION}
    )
    return mailbox


def mailbox_of_office(*, office: Office) -> Mailbox:
    mailbox, _created = Mailbox.objects.get_or_create(
        office=office, defaults={"kind": Mailbox.Kind.OFFICE}
    )
    return mailbox


def mailbox_of_applicant(*, case: Any) -> Mailbox:
    """Where the office writes about `case`: the organisation's mailbox when it was applied
    for on behalf of an organisation, else the applicant's own. (An act provided for
    retrieval goes to the applicant person, whose consent it needs.)"""
    if getattr(case, "organisation_id", None):
        return mailbox_of_organisation(organisation=case.organisation)
    return mailbox_of_user(user=case.applicant)


def office_mailboxes_of(*, user: Any) -> list[Mailbox]:
    """The mailboxes of the offices in which `user` holds a handling role (made on first use),
    by office name."""
    from rathaus.cases.permissions import HANDLING_ROLES
    from rathaus.staff.selectors import office_ids_visible_to

    offices = Office.objects.filter(
        pk__in=sorted(office_ids_visible_to(user=user, roles=HANDLING_ROLES))
    ).select_related("municipality")
    return sorted(
        (mailbox_of_office(office=office) for office in offices),
        key=lambda box: (box.office.municipality.name, box.office.name),  # type: ignore[union-attr]
    )


def thread_start(
    *,
    actor: Actor,
    sender: Mailbox,
    recipient: Mailbox,
    subject: str,
    body: str,
    case: Any = None,
    uploads: Uploads = (),
    draft_id: UUID | str | None = None,
) -> Message:
    """Start a thread between a person's or organisation's mailbox and an office's, with its
    first message from `sender` to `recipient` (one of the two is the office's) and the
    files `uploads` attached (checked and scanned first: `attachments`); the draft
    `draft_id` it was written from goes in the same transaction."""
    ensure_mailbox_usable(actor=actor, mailbox=sender)
    subject, body = text_clean_with_subject(subject, body)
    files = attachments_prepare(uploads)

    def write(stored: list[str]) -> Message:
        if draft_id:
            draft_discard(actor=actor, sender=sender, draft_id=draft_id)
        return _thread_start(
            actor=actor,
            sender=sender,
            recipient=recipient,
            subject=subject,
            body=body,
            case=case,
            files=files,
            stored=stored,
        )

    return with_files(write)


def _thread_start(
    *,
    actor: Actor,
    sender: Mailbox,
    recipient: Mailbox,
    subject: str,
    body: str,
    case: Any,
    files: Sequence[PreparedFile],
    stored: list[str],
) -> Message:
    keks = KekCache()
    (thread,) = threads_create(
        actor=actor,
        starts=[ThreadStart(sender=sender, recipient=recipient, subject=subject, case=case)],
        keks=keks,
    )
    (message,) = messages_write(
        actor=actor,
        sends=[Outgoing(thread=thread, sender=sender, body=body, files=files)],
        keks=keks,
        stored=stored,
    )
    return message


def message_send(
    *,
    actor: Actor,
    thread: Thread,
    sender: Mailbox,
    body: str,
    uploads: Uploads = (),
    draft_id: UUID | str | None = None,
) -> Message:
    """Send `body` (and the files `uploads`) from `sender` into `thread` (a reply); delivered
    to the other participant. The draft `draft_id` it was written from goes in the same
    transaction."""
    usable = mailboxes_usable(actor=actor).values("pk")
    if not Participant.objects.filter(
        thread_id=thread.pk, mailbox=sender, mailbox__in=usable
    ).exists():  # one query for both checks; which of them failed is asked only then
        ensure_mailbox_usable(actor=actor, mailbox=sender)
        raise NotFound(_("No such thread."))
    _subject, body = text_clean(None, body)
    files = attachments_prepare(uploads)

    def write(stored: list[str]) -> Message:
        locked = Thread.objects.select_for_update().select_related("municipality").get(pk=thread.pk)
        if draft_id:
            draft_discard(actor=actor, sender=sender, draft_id=draft_id)
        (message,) = messages_write(
            actor=actor,
            sends=[Outgoing(thread=locked, sender=sender, body=body, files=files)],
            keks=KekCache(),
            stored=stored,
        )
        return message

    return with_files(write)


def case_message_start(
    *, actor: Actor, case: Any, subject: str, body: str, uploads: Uploads = ()
) -> Message:
    """A clerk writes to the applicant of `case` from the mailbox of the case's office: a new
    thread about the case."""
    return thread_start(
        actor=actor,
        sender=mailbox_of_office(office=case.office),
        recipient=mailbox_of_applicant(case=case),
        subject=subject,
        body=body,
        case=case,
        uploads=uploads,
    )


def _act_document_prepare(document: IO[bytes] | None) -> list[PreparedFile]:
    """The act's PDF, checked and scanned like every attachment; refused when missing or of
    another type."""
    if document is None:
        raise DomainError(_("Please attach the decision as a PDF file."), field="document")
    files = attachments_prepare([document])
    if files[0].content_type != "application/pdf":
        raise DomainError(_("The decision must be a PDF file."), field="document")
    return files


def act_provide(
    *,
    actor: Actor,
    case: Any,
    subject: str,
    body: str,
    required_level: str,
    document: IO[bytes] | None,
) -> Message:
    """Provide an administrative act about `case` (the PDF `document`) for retrieval by its
    applicant (§41 (2a) VwVfG, `rathaus.mailbox.provisions`): a new thread from the case's
    office with the act attached; refused (`ConsentMissing`) when the applicant has not
    consented to this way of notification, and when the act is missing or not a PDF."""
    provisions.consent_check(user=case.applicant)
    office_box = mailbox_of_office(office=case.office)
    # The case's process acts for its office (cases.permissions.PROCESS_JOB): it provides
    # the decisions its model makes (rathaus.decisions) from the office's mailbox.
    if not (actor.is_system and actor.id == PROCESS_JOB):
        ensure_mailbox_usable(actor=actor, mailbox=office_box)
    subject, body = text_clean_with_subject(subject, body)
    files = _act_document_prepare(document)

    def write(stored: list[str]) -> Message:
        message = _thread_start(
            actor=actor,
            sender=office_box,
            recipient=mailbox_of_user(user=case.applicant),
            subject=subject,
            body=body,
            case=case,
            files=files,
            stored=stored,
        )
        provisions.provision_create(actor=actor, message=message, required_level=required_level)
        return message

    return with_files(write)


def act_reply(
    *,
    actor: Actor,
    thread: Thread,
    sender: Mailbox,
    body: str,
    required_level: str,
    document: IO[bytes] | None,
) -> Message:
    """Provide an administrative act (the PDF `document`) for retrieval in an existing
    `thread` of the office's mailbox `sender` to the person on its other side (§41 (2a)
    VwVfG): refused without their consent, without a PDF, or from a citizen's mailbox."""
    ensure_mailbox_usable(actor=actor, mailbox=sender)
    if sender.kind != Mailbox.Kind.OFFICE:
        raise NotPermitted(_("Only an office provides administrative acts."))
    counterpart = (
        Mailbox.objects.select_related("user")
        .filter(participations__thread_id=thread.pk)
        .exclude(pk=sender.pk)
        .first()
    )
    if (
        counterpart is None
        or not Participant.objects.filter(thread_id=thread.pk, mailbox=sender).exists()
    ):
        raise NotFound(_("No such thread."))
    provisions.consent_check(user=counterpart.user)
    _subject, body = text_clean(None, body)
    files = _act_document_prepare(document)

    def write(stored: list[str]) -> Message:
        locked = Thread.objects.select_for_update().select_related("municipality").get(pk=thread.pk)
        (message,) = messages_write(
            actor=actor,
            sends=[Outgoing(thread=locked, sender=sender, body=body, files=files)],
            keks=KekCache(),
            stored=stored,
        )
        provisions.provision_create(actor=actor, message=message, required_level=required_level)
        return message

    return with_files(write)


@transaction.atomic
def case_message_post(
    *, case: Any, subject: str, body: str, origin: str, author_label: str = ""
) -> Message | None:
    """A message of the case's office to its applicant in the case's thread (started with
    `subject` when the case has none), written by the platform about something that happened
    to the case (e.g. a document request). Once per `origin`: None when it exists already."""
    if Message.objects.filter(origin=origin).exists():
        return None
    office_box = mailbox_of_office(office=case.office)
    applicant_box = mailbox_of_applicant(case=case)
    thread = Thread.objects.filter(case=case).order_by("created_at").first()
    keks = KekCache()
    if thread is None:
        (thread,) = threads_create(
            actor=CASE_ACTOR,
            starts=[
                ThreadStart(sender=office_box, recipient=applicant_box, subject=subject, case=case)
            ],
            keks=keks,
        )
    (message,) = messages_write(
        actor=CASE_ACTOR,
        sends=[
            Outgoing(
                thread=thread,
                sender=office_box,
                body=body,
                origin=origin,
                author_label=author_label,
            )
        ],
        keks=keks,
        stored=[],
    )
    return message


@transaction.atomic
def thread_open(*, actor: Actor, thread: Thread, mailbox: Mailbox) -> list[Delivery]:
    """`mailbox` reads `thread`: its unread count goes to zero, and the messages delivered to
    it that were never opened are retrieved now, by `actor` at their level of assurance (one
    audit and one domain event each) — an act provided for retrieval only while it is
    provided and at the level it needs (then it counts as notified on the next day). Returns
    the deliveries retrieved now."""
    ensure_mailbox_usable(actor=actor, mailbox=mailbox)
    participant = Participant.objects.select_for_update().filter(thread=thread, mailbox=mailbox)
    if not participant.exists():
        raise NotFound(_("No such thread."))
    now = timezone.now()
    fresh = list(
        Delivery.objects.select_for_update(of=("self",))
        .select_related("provision", "message__thread")
        .filter(message__thread=thread, mailbox=mailbox, retrieved_at__isnull=True)
        .order_by("delivered_at")
    )
    retrieved = []
    for delivery in fresh:
        provision = getattr(delivery, "provision", None)
        if provision is not None:
            # An act provided for retrieval: only while provided, at the level it needs.
            if not provisions.provision_retrievable(
                provision=provision, level=actor.level_of_assurance
            ):
                continue
            provisions.provision_retrieved(actor=actor, provision=provision, at=now)
        retrieved.append(delivery)
        delivery.retrieved_at = now
        delivery.retrieved_by = actor.user
        delivery.retrieved_level_of_assurance = actor.level_of_assurance
        delivery.save(
            update_fields=[
                "retrieved_at",
                "retrieved_by",
                "retrieved_level_of_assurance",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="mailbox.message_retrieve",
            obj=delivery.message,
            municipality=thread.municipality_id,
            details={"mailbox": str(mailbox.pk), "delivery": str(delivery.pk)},
        )
        event_publish(
            MessageRetrieved(
                message_id=delivery.message_id,
                delivery_id=delivery.pk,
                municipality_id=thread.municipality_id,
                mailbox_id=mailbox.pk,
            )
        )
    participant.update(unread=0)
    return retrieved


@transaction.atomic
def draft_save(
    *,
    actor: Actor,
    sender: Mailbox,
    body: str,
    thread: Thread | None = None,
    recipient: Mailbox | None = None,
    subject: str = "",
    draft: Message | None = None,
) -> Message:
    """Keep an unsent message of `sender` (a draft: `sent_at` empty, delivered to nobody):
    an answer in `thread`, or the first message of a new thread to `recipient` about
    `subject` (the thread exists only in `sender`'s mailbox until it is sent). `draft` is
    replaced by the new text when given. Files are attached when sending."""
    ensure_mailbox_usable(actor=actor, mailbox=sender)
    body = body.replace("\r\n", "\n").strip()
    if len(body) > BODY_MAX:
        raise DomainError(
            _("The message is too long (at most %(max)d characters).") % {"max": BODY_MAX},
            field="body",
        )
    if draft is not None:
        draft_discard(actor=actor, sender=sender, draft_id=draft.pk)
    keks = KekCache()
    if thread is None:
        if recipient is None:
            raise DomainError(_("Please choose the office you are writing to."), field="office")
        subject = " ".join(subject.split())[:SUBJECT_MAX]
        office_box = recipient if recipient.kind == Mailbox.Kind.OFFICE else sender
        if office_box.office_id is None or office_box.pk == sender.pk:
            raise DomainError(_("A thread is between an office and a citizen or organisation."))
        office = Office.objects.select_related("municipality").get(pk=office_box.office_id)
        thread = Thread(id=uuid.uuid4(), municipality=office.municipality, office=office)
        subject_seal(thread, subject, keks=keks)
        thread.save()
        Participant.objects.create(thread=thread, mailbox=sender, last_activity_at=timezone.now())
        # Where the draft goes once sent.
        thread_recipient = recipient
    else:
        thread = Thread.objects.select_related("municipality").get(pk=thread.pk)
        if not Participant.objects.filter(thread=thread, mailbox=sender).exists():
            raise NotFound(_("No such thread."))
        thread_recipient = None
    message = Message(
        id=uuid.uuid4(),
        thread=thread,
        sender=sender,
        author=actor.user,
        author_label=actor.label,
        level_of_assurance=actor.level_of_assurance,
        # A new thread's draft keeps where it goes (unique: one origin per message).
        origin=f"{DRAFT_ORIGIN}{thread_recipient.pk}:{uuid.uuid4()}" if thread_recipient else "",
    )
    body_seal(message, body, keks=keks)
    message.save()
    audit_record(
        actor=actor,
        action="mailbox.draft_save",
        obj=message,
        municipality=thread.municipality_id,
        details={"thread": str(thread.pk), "sender": str(sender.pk)},
    )
    return message


@transaction.atomic
def draft_discard(*, actor: Actor, sender: Mailbox, draft_id: UUID | str) -> None:
    """Delete a draft of `sender` (and the thread it would have started, if any)."""
    ensure_mailbox_usable(actor=actor, mailbox=sender)
    draft = (
        Message.objects.select_for_update()
        .select_related("thread")
        .filter(pk=draft_id, sender=sender, sent_at__isnull=True)
        .first()
    )
    if draft is None:
        raise NotFound(_("No such draft."))
    thread = draft.thread
    draft.delete()
    if thread.last_message_at is None and not thread.messages.exists():
        thread.participants.all().delete()
        thread.delete()
    audit_record(
        actor=actor,
        action="mailbox.draft_discard",
        obj=thread,
        municipality=thread.municipality_id,
        details={"draft": str(draft_id), "sender": str(sender.pk)},
    )


def draft_recipient_id(draft: Message) -> str | None:
    """The mailbox a draft of a new thread goes to (kept in its `origin`)."""
    if not draft.origin.startswith(DRAFT_ORIGIN):
        return None
    return draft.origin.removeprefix(DRAFT_ORIGIN).split(":")[0]


@transaction.atomic
def mailbox_notify_set(*, actor: Actor, mailbox: Mailbox, notify: str) -> Mailbox:
    """How the owner of `mailbox` is told of new mail (`Mailbox.Notify`); notices of acts
    provided for retrieval are sent whatever it says."""
    ensure_mailbox_usable(actor=actor, mailbox=mailbox)
    if notify not in Mailbox.Notify.values:
        raise DomainError(_("Please choose how you want to be told."), field="notify")
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    before = mailbox.notify
    mailbox.notify = notify
    mailbox.save(update_fields=["notify", "updated_at"])
    audit_record(
        actor=actor,
        action="mailbox.notify_set",
        obj=mailbox,
        details={"from": before, "to": notify},
    )
    return mailbox


@transaction.atomic
def thread_archive(*, actor: Actor, thread: Thread, mailbox: Mailbox, archived: bool) -> None:
    """Move `thread` to `mailbox`'s archive (or back to its inbox); a new message brings it
    back to the inbox."""
    ensure_mailbox_usable(actor=actor, mailbox=mailbox)
    changed = Participant.objects.filter(thread=thread, mailbox=mailbox).update(archived=archived)
    if not changed:
        raise NotFound(_("No such thread."))
    audit_record(
        actor=actor,
        action="mailbox.thread_archive",
        obj=thread,
        municipality=thread.municipality_id,
        details={"mailbox": str(mailbox.pk), "archived": archived},
    )


@transaction.atomic
def thread_assign(*, actor: Actor, thread: Thread, assignee: Any) -> Thread:
    """Assign an office's thread to a clerk with a handling role there (None: nobody)."""
    from rathaus.cases.permissions import HANDLING_ROLES
    from rathaus.staff.permissions import office_access_allowed

    office_box = mailbox_of_office(office=thread.office)
    ensure_mailbox_usable(actor=actor, mailbox=office_box)
    if assignee is not None and not office_access_allowed(
        user=assignee, office=thread.office, roles=HANDLING_ROLES
    ):
        raise NotPermitted(_("This person does not handle mail of this office."))
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    thread.assignee = assignee
    thread.save(update_fields=["assignee", "updated_at"])
    audit_record(
        actor=actor,
        action="mailbox.thread_assign",
        obj=thread,
        details={"to": str(assignee.pk) if assignee else ""},
    )
    return thread


class AttachmentNotReady(Conflict):
    """The attachment cannot be opened: not scanned yet, or a virus was found."""


def attachment_download(
    *,
    actor: Actor,
    mailbox: Mailbox,
    thread_id: UUID | str,
    message_id: UUID | str,
    attachment_id: UUID | str | None = None,
) -> tuple[str, str, bytes]:
    """One attachment of a message (or, without `attachment_id`, all its clean ones as a
    ZIP) as (file name, content type, content). Downloading is reading: messages delivered to
    `mailbox` in the thread and never opened are retrieved first (`thread_open`), so that a
    file never leaves the Postfach without its retrieval on record."""
    from .selectors import message_attachments

    message, files = message_attachments(
        actor=actor, mailbox=mailbox, thread_id=thread_id, message_id=message_id
    )
    thread_open(actor=actor, thread=message.thread, mailbox=mailbox)
    keks = KekCache()
    if attachment_id is None:
        if not any(file.openable for file in files):
            raise AttachmentNotReady(_("None of the files can be opened yet."))
        return (
            f"anhaenge-{str(message.pk)[:8]}.zip",
            "application/zip",
            attachments_zip(files, keks=keks),
        )
    found = next((f for f in files if str(f.attachment.pk) == str(attachment_id)), None)
    if found is None:
        raise NotFound(_("No such file."))
    if not found.openable:
        if found.attachment.scan_status == MessageAttachment.ScanStatus.INFECTED:
            raise AttachmentNotReady(_("A virus was found in this file; it was removed."))
        raise AttachmentNotReady(
            _("This file is still being checked for viruses. Please try again in a few minutes.")
        )
    return found.download, found.attachment.content_type, attachment_content(found, keks=keks)
