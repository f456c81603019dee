"""E-mail about new mail (issue 10 §1): the owner of the mailbox a message was delivered to is
told that something arrived, with a link to the mailbox — never the subject, the body or the
sender's name. Once per delivery (`Delivery.notified_at`), from the outbox after the send.

Persons are told by the address of their account (unless they switched it off; the daily
digest is not built yet and sends nothing immediately), offices by the office's address.
Messages the platform writes about an event that has its own e-mail (a document request) are
not announced twice."""

from uuid import UUID

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.public_urls import public_url
from rathaus.municipalities.configuration import mail_sender_for

from .models import Delivery, Mailbox

NOTIFY_ACTOR = Actor.system("notification")


def _recipient(mailbox: Mailbox, *, notice: bool = False) -> tuple[str, str, str]:
    """(address, language, link) for `mailbox`'s owner; no address: nobody to tell. A
    `notice` of an act provided for retrieval goes out whatever the owner's preference."""
    if mailbox.kind == Mailbox.Kind.PERSON and mailbox.user is not None:
        if mailbox.notify != Mailbox.Notify.IMMEDIATELY and not notice:
            return "", "de", ""
        language = "en" if getattr(mailbox.user, "preferred_language", "") == "en" else "de"
        return mailbox.user.email, language, public_url("/postfach/")
    if mailbox.kind == Mailbox.Kind.OFFICE and mailbox.office is not None:
        return mailbox.office.email, "de", public_url(f"/intern/postfach/{mailbox.pk}/")
    return "", "de", ""


def new_mail_notify(*, message_id: UUID) -> int:
    """Tell the owners of the mailboxes `message_id` was delivered to (once each); returns how
    many were told now."""
    told = 0
    deliveries = Delivery.objects.filter(message_id=message_id, notified_at__isnull=True)
    for delivery_id in deliveries.values_list("pk", flat=True):
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(of=("self",))
                .select_related("mailbox__user", "mailbox__office", "message__thread", "provision")
                .get(pk=delivery_id)
            )
            if delivery.notified_at is not None:
                continue
            provision = getattr(delivery, "provision", None)
            address, language, link = _recipient(delivery.mailbox, notice=provision is not None)
            if delivery.message.origin:
                # Written by the platform about an event that mails its own notice (a document
                # request names its deadline): one e-mail, not two.
                address = ""
            delivery.notified_at = timezone.now()
            delivery.save(update_fields=["notified_at", "updated_at"])
            if not address:
                continue
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
            sender = mail_sender_for(municipality=delivery.message.thread.municipality_id)
            EmailMessage(
                subject=subject,
                body=body,
                from_email=sender.from_email,
                to=[address],
                reply_to=list(sender.reply_to) or None,
            ).send()
            audit_record(
                actor=NOTIFY_ACTOR,
                action="mailbox.notification_sent",
                obj=delivery.message,
                municipality=delivery.message.thread.municipality_id,
                details={"delivery": str(delivery.pk), "mailbox": str(delivery.mailbox_id)},
            )
            told += 1
    return told
