from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.models import Case, DocumentRequest
from rathaus.catalog.models import LocalService, RequiredDocument, Service
from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Municipality, Office
from rathaus.organisations.models import Organisation, Proxy
from rathaus.payments.models import Payment


class FormDefinition(BaseModel):
    """One version of the online form of a service: JSON Schema (2020-12) plus a UI layer.

    Immutable once published: the services refuse edits and a new version is created instead,
    so that a draft or submission can keep the version it started with.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="form_definitions",
        verbose_name=_("service"),
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    schema = models.JSONField(_("JSON Schema"), default=dict)
    ui = models.JSONField(_("UI layer"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["service", "-version"]
        verbose_name = _("form definition")
        verbose_name_plural = _("form definitions")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "version"], name="applications_formdefinition_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.version}"


def _draft_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.RATHAUS_DRAFT_EXPIRY_DAYS)


class Draft(BaseModel):
    """An application being filled in: saved on every step, keeps its form version.

    `applicant` is the person at the keyboard; `organisation` / `principal_user` name whom
    they act for (organisation membership or proxy, chosen for the session), `proxy` the
    authority used. Unsubmitted drafts expire at `expires_at` (reminder mail before).
    """

    form = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("form")
    )
    offer = models.ForeignKey(
        LocalService,
        on_delete=models.PROTECT,
        related_name="drafts",
        verbose_name=_("local service"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="application_drafts",
        verbose_name=_("applicant"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="application_drafts",
        verbose_name=_("on behalf of organisation"),
    )
    principal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of person"),
    )
    proxy = models.ForeignKey(
        Proxy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proxy"),
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    completed_steps = models.JSONField(_("completed steps"), default=list, blank=True)
    declarations = models.JSONField(
        _("declarations accepted"),
        default=dict,
        blank=True,
        help_text=_("Declaration id → time of acceptance (ISO 8601)."),
    )
    payment = models.OneToOneField(
        Payment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
        verbose_name=_("payment"),
    )
    expires_at = models.DateTimeField(_("expires at"), default=_draft_expiry, db_index=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"{self.form.service} – {self.applicant}"


class ReferenceCounter(models.Model):
    """The counter row behind reference numbers: one per municipality and year, incremented
    under a row lock (`select_for_update`), never computed with MAX()."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        ordering = ["municipality", "year"]
        verbose_name = _("reference number counter")
        verbose_name_plural = _("reference number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="applications_refcounter_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.value}"


class Submission(BaseModel):
    """A submitted application: immutable data with the schema version it was filled in,
    attachments, fee and payment, reference number. Its handling — status, history, document
    requests — is the case it opened (`case`, rathaus.cases)."""

    reference = models.CharField(_("reference number"), max_length=40)
    case = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        related_name="submission",
        verbose_name=_("case"),
    )
    draft = models.OneToOneField(
        Draft,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
        verbose_name=_("draft"),
    )
    form = models.ForeignKey(
        FormDefinition,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("form"),
    )
    schema_version = models.PositiveIntegerField(_("form version"))
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("service")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("municipality"),
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("responsible office"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("applicant"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("on behalf of organisation"),
    )
    principal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of person"),
    )
    data = models.JSONField(_("data"))
    computed = models.JSONField(_("computed values"), default=dict, blank=True)
    declarations = models.JSONField(_("declarations accepted"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="de")
    fee_cents = models.PositiveIntegerField(_("fee (cents)"), default=0)
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submission",
        verbose_name=_("payment"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    receipt = models.FileField(_("receipt (PDF/A)"), upload_to="receipts/%Y/%m/", blank=True)
    receipt_sha256 = models.CharField(_("receipt SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="applications_submission_unique_ref"
            )
        ]
        # The applicant's list (`selectors.submission_list_of`): each branch read in list
        # order, however old that person's submissions are.
        indexes = [
            models.Index(
                fields=["applicant", "-submitted_at", "-id"], name="submission_applicant_list"
            ),
            models.Index(
                fields=["principal_user", "-submitted_at", "-id"], name="submission_principal_list"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never contains what the citizen called the file.
    return f"attachments/{timezone.now():%Y/%m}/{instance.pk}"


class Attachment(BaseModel):
    """An uploaded proof (§5 EGovG): stored through the storage API with its SHA-256 and
    the type detected from its content; nobody can open it before the scan says clean."""

    class ScanStatus(models.TextChoices):
        PENDING = "pending", _("waiting for virus scan")
        CLEAN = "clean", _("clean")
        INFECTED = "infected", _("infected")

    draft = models.ForeignKey(
        Draft,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("draft"),
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("submission"),
    )
    required_document = models.ForeignKey(
        RequiredDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("required document"),
    )
    document_request = models.ForeignKey(
        DocumentRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("document request"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
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
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        # Not the file name: it can carry personal data and __str__ ends up in the audit trail.
        return f"{self.content_type} ({self.sha256[:12]})"


class Handover(BaseModel):
    """The outcome of handing one submission over through one push channel (e.g. FIT-Connect):
    makes the hand-over idempotent, so a retried outbox message does not deliver twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")

    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="handovers",
        verbose_name=_("submission"),
    )
    channel = models.CharField(_("channel"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    remote_reference = models.CharField(
        _("reference at the destination"), max_length=200, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["submission", "channel"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "channel"], name="applications_handover_unique_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} → {self.channel}"


class NotificationSent(BaseModel):
    """A notification e-mail that went out, by a key naming its cause
    ("submission.notify:<uuid>"), so that a re-run outbox message does not send it twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="notifications_sent",
        verbose_name=_("submission"),
    )
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("notification sent")
        verbose_name_plural = _("notifications sent")

    def __str__(self) -> str:
        return self.key
