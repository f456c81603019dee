"""The Postfach: mailboxes (of a person, an organisation, an office), threads between a
citizen's or organisation's mailbox and an office's, messages, and each participant's view of
a thread (unread, archived, last activity: what the inbox lists and sorts by).

Personal content — a thread's subject, a message's body — is stored only encrypted
(`rathaus.core.envelope`): each thread and each message has its own data key, wrapped by the
key-encryption key of the thread's municipality. Nothing else in these rows is content.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel


class Mailbox(BaseModel):
    """One mailbox: of a person's account, of an organisation, or of an office (shared by
    the office's staff with a handling role)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANISATION = "organisation", _("organisation")
        OFFICE = "office", _("office")

    class Notify(models.TextChoices):
        IMMEDIATELY = "immediately", _("immediately")
        DAILY = "daily", _("daily digest")
        OFF = "off", _("off")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailbox",
        verbose_name=_("person"),
    )
    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailbox",
        verbose_name=_("organisation"),
    )
    office = models.OneToOneField(
        "municipalities.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailbox",
        verbose_name=_("office"),
    )
    # E-mail about new mail: never with content, only a link (notices under §41 (2a) VwVfG
    # are announced whatever this says).
    notify = models.CharField(
        _("notification of new mail"),
        max_length=12,
        choices=Notify.choices,
        default=Notify.IMMEDIATELY,
    )
    # §3a (2) Nr. 1/2 VwVfG: an office may accept a message sent after login at level
    # "substantial" or higher as replacing the written form (the message is marked so).
    written_form_accepted = models.BooleanField(
        _("accepts messages as written form (§3a VwVfG)"),
        default=False,
        help_text=_(
            "Messages of citizens and organisations logged in at level “substantial” or "
            "higher are marked as meeting the written form (§3a (2) VwVfG)."
        ),
    )
    # When the last daily digest of new mail was sent (Notify.DAILY).
    digest_sent_at = models.DateTimeField(_("last daily digest sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="person",
                        user__isnull=False,
                        organisation__isnull=True,
                        office__isnull=True,
                    )
                    | Q(
                        kind="organisation",
                        user__isnull=True,
                        organisation__isnull=False,
                        office__isnull=True,
                    )
                    | Q(
                        kind="office",
                        user__isnull=True,
                        organisation__isnull=True,
                        office__isnull=False,
                    )
                ),
                name="mailbox_one_owner_of_its_kind",
            )
        ]

    def __str__(self) -> str:
        owner = self.user or self.organisation or self.office
        return str(owner)


class Thread(BaseModel):
    """A conversation between a citizen's or organisation's mailbox and an office's mailbox,
    optionally about a case (Vorgang). The subject is encrypted with the thread's data key."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    office = models.ForeignKey(
        "municipalities.Office",
        on_delete=models.PROTECT,
        related_name="mail_threads",
        verbose_name=_("office"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mail_threads",
        verbose_name=_("case"),
    )
    # The clerk of the office who handles the thread (None: the office as a whole).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    data_key_wrapped = models.CharField(_("wrapped data key"), max_length=200)
    subject_encrypted = models.BinaryField(_("subject (encrypted)"))
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self) -> str:
        return str(self.pk)


class Participant(BaseModel):
    """A mailbox's view of a thread: what its inbox lists (newest activity first), how many
    messages it has not read, whether it archived the thread."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="participants", verbose_name=_("thread")
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.CASCADE, related_name="participations", verbose_name=_("mailbox")
    )
    last_activity_at = models.DateTimeField(_("last activity at"))
    unread = models.PositiveIntegerField(_("unread messages"), default=0)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["thread", "mailbox"], name="mailbox_one_participant")
        ]
        # The inbox (and the archive) of one mailbox, newest activity first, by keyset pages.
        indexes = [
            models.Index(
                fields=["mailbox", "archived", "last_activity_at", "id"],
                name="mailbox_participant_list",
            )
        ]


class Message(BaseModel):
    """One message of a thread, written in `sender` by `author` at their level of assurance.
    A draft until `sent_at` is set; the body is encrypted with the message's data key."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("thread")
    )
    sender = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="sent_messages", verbose_name=_("sender")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    author_label = models.CharField(_("written by (name)"), max_length=200, blank=True)
    level_of_assurance = models.CharField(_("level of assurance"), max_length=20, blank=True)
    # §3a (2) VwVfG: sent after login at level "substantial" or higher where the office
    # accepts it as replacing the written form.
    written_form = models.BooleanField(_("meets the written form"), default=False)
    data_key_wrapped = models.CharField(_("wrapped data key"), max_length=200)
    body_encrypted = models.BinaryField(_("body (encrypted)"))
    body_sha256 = models.CharField(_("SHA-256 of the body"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What made the platform write this message (e.g. "document_request:<id>"), so that a
    # repeated event does not write it twice; empty for messages people wrote.
    origin = models.CharField(_("origin"), max_length=100, blank=True)
    # A note for one side only (e.g. the office's task when an act was not retrieved in time):
    # the other participant does not see it. None: the message is for everyone in the thread.
    visible_to = models.ForeignKey(
        Mailbox,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visible only to"),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "sent_at"], name="mailbox_message_thread"),
            # The API's message list: newest first by (sent_at, id), read backwards.
            models.Index(fields=["sent_at", "id"], name="mailbox_message_sent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["origin"], condition=~Q(origin=""), name="mailbox_message_one_origin"
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


def _attachment_path(instance: "MessageAttachment", filename: str) -> str:
    # Named after the attachment's id, never the sender's file name; the content is encrypted.
    return f"mailbox/{instance.pk.hex[:2]}/{instance.pk}.bin"


class MessageAttachment(BaseModel):
    """A file sent with a message: its name and content encrypted under the message's data
    key, its SHA-256 (of the plain content: what the receipts state), the type detected from
    its content and the virus scan's verdict. Nobody opens it before the scan says clean."""

    class ScanStatus(models.TextChoices):
        PENDING = "pending", _("waiting for virus scan")
        CLEAN = "clean", _("clean")
        INFECTED = "infected", _("infected")

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name_encrypted = models.BinaryField(_("file name (encrypted)"))
    file = models.FileField(
        _("content (encrypted)"), upload_to=_attachment_path, max_length=200, blank=True
    )
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    scan_status = models.CharField(
        _("virus scan"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scan_detail = models.CharField(_("scan result"), max_length=200, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    scan_attempts = models.PositiveSmallIntegerField(_("scan attempts"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["message", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "position"], name="mailbox_attachment_position"
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Delivery(BaseModel):
    """A message delivered into a recipient's mailbox, and when its recipient first opened it
    (retrieval)."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("message")
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("mailbox")
    )
    delivered_at = models.DateTimeField(_("delivered at"))
    retrieved_at = models.DateTimeField(_("retrieved at"), null=True, blank=True)
    retrieved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retrieved by"),
    )
    retrieved_level_of_assurance = models.CharField(
        _("level of assurance at retrieval"), max_length=20, blank=True
    )
    # When the owner was told by e-mail (a link, never content); None: not (yet) told.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["message", "mailbox"], name="mailbox_one_delivery")
        ]


class MessageReceipt(BaseModel):
    """A receipt (rathaus.evidence) about a message: its dispatch by the sender
    (Versandbestätigung), its delivery into a recipient's mailbox (Eingangsbestätigung), its
    retrieval by the recipient (Abholbestätigung). Issued after the event by the outbox, once
    per message, delivery and kind."""

    class Kind(models.TextChoices):
        DISPATCH = "dispatch", _("dispatch receipt")
        DELIVERY = "delivery", _("delivery receipt")
        RETRIEVAL = "retrieval", _("retrieval receipt")

    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("message")
    )
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("delivery"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    receipt = models.OneToOneField(
        "evidence.Receipt", on_delete=models.PROTECT, related_name="+", verbose_name=_("receipt")
    )

    class Meta:
        verbose_name = _("message receipt")
        verbose_name_plural = _("message receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "kind"],
                condition=Q(delivery__isnull=True),
                name="mailbox_receipt_one_dispatch",
            ),
            models.UniqueConstraint(
                fields=["delivery", "kind"],
                condition=Q(delivery__isnull=False),
                name="mailbox_receipt_one_per_delivery",
            ),
        ]


class Provision(BaseModel):
    """An administrative act provided for retrieval (Bereitstellung zum Abruf, §41 (2a)
    VwVfG): the message carrying it, its delivery to the recipient, the level of assurance
    retrieving it needs, when the notice of its provision was sent and until when it can be
    retrieved (`rathaus.core.legal_time`); retrieved → notified on the next day; not retrieved
    in time → the provision ends and notification has not taken place."""

    message = models.OneToOneField(
        Message, on_delete=models.PROTECT, related_name="provision", verbose_name=_("message")
    )
    delivery = models.OneToOneField(
        Delivery, on_delete=models.PROTECT, related_name="provision", verbose_name=_("delivery")
    )
    required_level = models.CharField(_("level of assurance needed"), max_length=20)
    notice_sent_at = models.DateTimeField(_("notice of provision sent at"))
    last_day = models.DateField(_("last day of retrieval"))
    ends_at = models.DateTimeField(_("provision ends at"))
    retrieved_at = models.DateTimeField(_("retrieved at"), null=True, blank=True)
    notified_on = models.DateField(_("deemed notified on"), null=True, blank=True)
    ended_at = models.DateTimeField(_("provision ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("provision for retrieval")
        verbose_name_plural = _("provisions for retrieval")
        # The hourly job: the open provisions whose time is up.
        indexes = [
            models.Index(
                fields=["ends_at"],
                condition=Q(retrieved_at__isnull=True, ended_at__isnull=True),
                name="mailbox_provision_open",
            )
        ]

    @property
    def status(self) -> str:
        if self.retrieved_at is not None:
            return "retrieved"
        return "ended" if self.ended_at is not None else "open"
