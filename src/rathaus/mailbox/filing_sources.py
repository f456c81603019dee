"""What the Postfach contributes to the E-Akte (`rathaus.records` files it into the case's
file): every message sent in a thread about the case (its text with subject, sender,
recipients and time), its attachments whose scan came back clean, and its receipts (the ZIP
bundle that verifies offline). A note one side keeps for itself is filed only when it is the
office's (an internal note). Read by the records; nothing here writes."""

from functools import partial
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.filing_sources import FilingSource
from rathaus.evidence.selectors import receipt_bundle

from .attachments import AttachmentFile, attachment_content, attachment_files
from .content import KekCache, body_open, subject_open
from .models import Mailbox, Message, MessageReceipt
from .selectors import receipt_filename


def _receipt_title(kind: str) -> str:
    if kind == MessageReceipt.Kind.DISPATCH:
        return _("Dispatch receipt")
    if kind == MessageReceipt.Kind.DELIVERY:
        return _("Delivery receipt")
    return _("Retrieval receipt")


def _party(mailbox: Mailbox) -> str:
    """Who a mailbox belongs to, as a record names them (a person by name, never by the
    internal user name)."""
    if mailbox.user is not None:
        return mailbox.user.display_name
    return str(mailbox.organisation or mailbox.office)


def _recipients(message: Message) -> str:
    return ", ".join(_party(d.mailbox) for d in message.deliveries.all())


def _message_text(message: Message, subject: str, keks: KekCache) -> bytes:
    sent = timezone.localtime(message.sent_at).strftime("%d.%m.%Y %H:%M") if message.sent_at else ""
    head = [
        f"{_('Subject')}: {subject}",
        f"{_('From')}: {_party(message.sender)}",
        f"{_('To')}: {_recipients(message)}",
        f"{_('Sent')}: {sent}",
    ]
    return ("\n".join(head) + "\n\n" + body_open(message, keks=keks) + "\n").encode()


def _receipt_bytes(receipt: MessageReceipt) -> bytes:
    return receipt_bundle(receipt.receipt)


def _attachment_bytes(file: AttachmentFile, keks: KekCache) -> bytes:
    return attachment_content(file, keks=keks)


def case_filing_sources(*, case_id: UUID | str) -> list[FilingSource]:
    """The messages about case `case_id` with their attachments and receipts, oldest first."""
    messages = (
        Message.objects.filter(thread__case_id=case_id, sent_at__isnull=False)
        .select_related(
            "thread__municipality", "sender__office", "sender__user", "sender__organisation"
        )
        .prefetch_related(
            "attachments",
            "deliveries__mailbox__office",
            "deliveries__mailbox__user",
            "deliveries__mailbox__organisation",
            "receipts__receipt",
        )
        .order_by("sent_at", "pk")
    )
    keks = KekCache()
    sources: list[FilingSource] = []
    for message in messages:
        ours = message.sender.kind == Mailbox.Kind.OFFICE
        if message.visible_to_id is not None and not ours:
            continue  # a citizen's own note is not the authority's record
        kind = "note" if message.visible_to_id else ("outgoing" if ours else "incoming")
        subject = subject_open(message.thread, keks=keks)
        date = timezone.localdate(message.sent_at)
        sender, recipients = _party(message.sender), _recipients(message)
        sources.append(
            FilingSource(
                key=f"mailbox.message:{message.pk}",
                title=subject or _("Message"),
                kind=kind,
                file_name=f"nachricht-{date.isoformat()}.txt",
                content_type="text/plain",
                read=partial(_message_text, message, subject, keks),
                document_date=date,
                sender=sender,
                recipient=recipients,
            )
        )
        for file in attachment_files(message, keks=keks):
            if file.openable:
                sources.append(
                    FilingSource(
                        key=f"mailbox.attachment:{file.attachment.pk}",
                        title=file.name,
                        kind=kind,
                        file_name=file.name,
                        content_type=file.attachment.content_type,
                        read=partial(_attachment_bytes, file, keks),
                        document_date=date,
                        sender=sender,
                        recipient=recipients,
                    )
                )
        for receipt in message.receipts.all():
            sources.append(
                FilingSource(
                    key=f"mailbox.receipt:{receipt.pk}",
                    title=f"{_receipt_title(receipt.kind)}: {subject}",
                    kind="note",
                    file_name=receipt_filename(receipt),
                    content_type="application/zip",
                    read=partial(_receipt_bytes, receipt),
                    document_date=timezone.localdate(receipt.receipt.created_at),
                )
            )
    return sources
