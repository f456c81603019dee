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
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Municipality, Office


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
    prefix = models.CharField(_("reference without its number"), max_length=120)
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

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
