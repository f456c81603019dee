"""The records (E-Akte, issue 11): a municipality's file plan (Aktenplan) and its files
(Akten) with their file references (Aktenzeichen).

- `FilePlanItem`: hierarchical items with number and title; retention (years after closing)
  and archive rule, each inherited from the nearest ancestor that sets it.
- `FileReferencePattern`: a municipality's pattern for file references (default in
  settings), e.g. `{office}-{plan}/{year}/{seq}`.
- `FileReferenceCounter`: the counter behind `{seq}`, one row per municipality and
  reference prefix (the pattern rendered without the sequence), incremented under a row lock,
  never computed with MAX().
- `RecordFile`: a file under a file-plan item, kept by an office; open or closed (zdA).
- `CaseFiling`: the file a case (Vorgang, `rathaus.cases`) is filed in.
- `FilingRule`: where an office's new cases file themselves (by service, else the office's
  default): a file-plan item and the title of the year's file.
- `Document` in a file (and optionally one of its cases), with `DocumentVersion`s: each
  version's content is immutable, a `StoredContent` addressed by its SHA-256 — identical
  bytes are stored once.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.cases.models import Case
from rathaus.catalog.models import Service
from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Municipality, Office


def _created_by() -> "models.ForeignKey[Any, Any]":
    """Who created a row (None: the system)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )


class ArchiveRule(models.TextChoices):
    ARCHIVE = "archive", _("archive")
    DESTROY = "destroy", _("destroy")
    EVALUATE = "evaluate", _("evaluate")


class FilePlanItem(BaseModel):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent item"),
    )
    number = models.CharField(_("number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years after closing)"), null=True, blank=True
    )
    archive_rule = models.CharField(
        _("archive rule"), max_length=10, choices=ArchiveRule.choices, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["municipality", "number"]
        verbose_name = _("file plan item")
        verbose_name_plural = _("file plan items")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="records_planitem_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class FileReferencePattern(BaseModel):
    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    pattern = models.CharField(_("file reference pattern"), max_length=120)

    class Meta:
        verbose_name = _("file reference pattern")
        verbose_name_plural = _("file reference patterns")

    def __str__(self) -> str:
        return self.pattern


class FileReferenceCounter(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    prefix = models.CharField(_("reference without its number"), max_length=160)
    value = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("file reference counter")
        verbose_name_plural = _("file reference counters")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "prefix"], name="records_refcounter_unique_prefix"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}: {self.value}"


class RecordFile(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed (zdA)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    plan_item = models.ForeignKey(
        FilePlanItem,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("file plan item"),
    )
    file_reference = models.CharField(_("file reference"), max_length=160)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = _created_by()

    class Meta:
        ordering = ["municipality", "file_reference"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "file_reference"], name="records_file_unique_reference"
            )
        ]
        indexes = [models.Index(fields=["office", "status"], name="records_file_office_status")]

    def __str__(self) -> str:
        return f"{self.file_reference} {self.title}"


class CaseFiling(BaseModel):
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    file = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, related_name="case_filings", verbose_name=_("file")
    )

    class Meta:
        verbose_name = _("case filing")
        verbose_name_plural = _("case filings")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.file_id}"


class StoredContent(models.Model):
    """Bytes in the storage (Django's storage API), named and found by their SHA-256."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    name = models.CharField(_("storage name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored content")
        verbose_name_plural = _("stored contents")

    def __str__(self) -> str:
        return self.sha256


class Document(BaseModel):
    class Kind(models.TextChoices):
        INCOMING = "incoming", _("incoming")
        OUTGOING = "outgoing", _("outgoing")
        NOTE = "note", _("internal note")

    file = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, related_name="documents", verbose_name=_("file")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    document_date = models.DateField(_("date of the document"), null=True, blank=True)
    sender = models.CharField(_("sender"), max_length=300, blank=True)
    recipient = models.CharField(_("recipient"), max_length=300, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    metadata = models.JSONField(_("further metadata"), default=dict, blank=True)
    created_by = _created_by()

    class Meta:
        ordering = ["file", "created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class DocumentVersion(BaseModel):
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.ForeignKey(
        StoredContent, on_delete=models.PROTECT, related_name="+", verbose_name=_("content")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("format"), max_length=100)
    created_by = _created_by()

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="records_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class FilingRule(BaseModel):
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="+", verbose_name=_("office")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service (empty: the office's default)"),
    )
    plan_item = models.ForeignKey(
        FilePlanItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("file plan item")
    )
    file_title = models.CharField(_("title of the year's file"), max_length=300)

    class Meta:
        verbose_name = _("filing rule")
        verbose_name_plural = _("filing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service"],
                condition=models.Q(service__isnull=False),
                name="records_filingrule_unique_service",
            ),
            models.UniqueConstraint(
                fields=["office"],
                condition=models.Q(service__isnull=True),
                name="records_filingrule_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.service_id or '*'} → {self.plan_item_id}"
