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
        # After disposal (Aussonderung) the contents are gone; the row and a DeletionRecord stay.
        ARCHIVED = "archived", _("handed over to the archive")
        DESTROYED = "destroyed", _("destroyed")
        HANDED_OVER = "handed_over", _("handed over to another authority")

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
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When the retention of a closed file ends (records.disposal): 1 January after the year
    # of closing plus the retention years of its file-plan item; None while open or without.
    disposal_date = models.DateField(_("disposal date"), null=True, blank=True)
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
        DECISION = "decision", _("administrative decision")
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
    # Where a document filed by the platform came from ("applications.attachment:<uuid>", see
    # rathaus.core.filing_sources); empty for what staff add. Filed once.
    source = models.CharField(_("source"), max_length=120, blank=True)
    created_by = _created_by()

    class Meta:
        ordering = ["file", "created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=~models.Q(source=""), name="records_document_source"
            )
        ]

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
    # The daily Merkle tree the version's hash went into (records.sealing), and its leaf.
    tree = models.ForeignKey(
        "IntegrityTree",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("integrity tree"),
    )
    tree_index = models.PositiveIntegerField(_("leaf in the tree"), null=True, blank=True)

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


class IntegrityTree(models.Model):
    """The daily Merkle tree (RFC 6962) over the hashes of the document versions filed that
    day, its root chained to the previous day's and time-stamped (RFC 3161): proof that
    exactly these bytes existed then (records.sealing). Never changed; renewals add
    time-stamps (`IntegrityRenewal`)."""

    day = models.DateField(_("day"), unique=True)
    size = models.PositiveIntegerField(_("leaves"))
    root = models.CharField(_("root hash"), max_length=64)
    previous = models.CharField(_("previous chain hash"), max_length=64)
    chain_hash = models.CharField(_("chain hash"), max_length=64)
    timestamp = models.BinaryField(_("time-stamp (RFC 3161)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("integrity tree")
        verbose_name_plural = _("integrity trees")

    def __str__(self) -> str:
        return f"{self.day} ({self.size})"


class IntegrityRenewal(models.Model):
    """A later time-stamp over a tree's chain hash and its last time-stamp, obtained before
    the earlier one's algorithms or certificates weaken (`manage.py records_timestamps_renew`)."""

    tree = models.ForeignKey(
        IntegrityTree, on_delete=models.PROTECT, related_name="renewals", verbose_name=_("tree")
    )
    timestamp = models.BinaryField(_("time-stamp (RFC 3161)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tree", "created_at"]
        verbose_name = _("time-stamp renewal")
        verbose_name_plural = _("time-stamp renewals")

    def __str__(self) -> str:
        return f"{self.tree_id} {self.created_at:%Y-%m-%d}"


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


class XdomeaVersion(models.TextChoices):
    V3_1_0 = "3.1.0", "xdomea 3.1.0"
    V3_0_0 = "3.0.0", "xdomea 3.0.0"
    V2_4_0 = "2.4.0", "xdomea 2.4.0"


class ArchiveConnection(BaseModel):
    """How a municipality offers and hands over files to its archive (issue 11 §3): the
    archive, the xdomea version it reads, and the transfer adapter (records.transfer)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    archive_name = models.CharField(_("archive"), max_length=200)
    archive_code = models.CharField(_("archive code"), max_length=60, blank=True)
    xdomea_version = models.CharField(
        _("xdomea version"), max_length=8, choices=XdomeaVersion.choices, default="3.1.0"
    )
    adapter = models.CharField(_("transfer adapter"), max_length=40, default="directory")
    # For the directory adapter: where messages for the archive are written and where its
    # answers are picked up (e.g. the transfer directory x-man reads).
    outgoing_path = models.CharField(_("outgoing directory"), max_length=500, blank=True)
    incoming_path = models.CharField(_("incoming directory"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("archive connection")
        verbose_name_plural = _("archive connections")

    def __str__(self) -> str:
        return self.archive_name


class XdomeaMessage(BaseModel):
    """An xdomea message sent or received (kept as proof of the disposal and transfers)."""

    class Direction(models.TextChoices):
        OUT = "out", _("sent")
        IN = "in", _("received")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    process_id = models.UUIDField(_("process id"))
    code = models.CharField(_("message type"), max_length=4)  # "0501"
    version = models.CharField(_("xdomea version"), max_length=8)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    content = models.ForeignKey(
        StoredContent, on_delete=models.PROTECT, related_name="+", verbose_name=_("message")
    )
    container_sha256 = models.CharField(_("container SHA-256"), max_length=64, blank=True)
    created_by = _created_by()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("xdomea message")
        verbose_name_plural = _("xdomea messages")
        indexes = [models.Index(fields=["process_id", "code"], name="records_xdomea_process")]

    def __str__(self) -> str:
        return f"{self.process_id} {self.code}"


class DisposalOffer(BaseModel):
    """One Aussonderung: due files offered to the archive (0501), its evaluation (0502), the
    hand-over of what it takes (0503) and its confirmations (0504–0507)."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        EVALUATED = "evaluated", _("evaluated by the archive")
        TRANSFERRED = "transferred", _("handed over")
        COMPLETED = "completed", _("completed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    process_id = models.UUIDField(_("process id"), unique=True)
    xdomea_version = models.CharField(_("xdomea version"), max_length=8)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OFFERED
    )
    created_by = _created_by()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("disposal offer")
        verbose_name_plural = _("disposal offers")

    def __str__(self) -> str:
        return str(self.process_id)


class DisposalItem(BaseModel):
    class Decision(models.TextChoices):
        PENDING = "", _("not evaluated yet")
        ARCHIVE = "archive", _("archive")
        DESTROY = "destroy", _("destroy")

    offer = models.ForeignKey(
        DisposalOffer, on_delete=models.CASCADE, related_name="items", verbose_name=_("offer")
    )
    file = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    decision = models.CharField(
        _("decision"), max_length=8, choices=Decision.choices, blank=True, default=""
    )
    transferred_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archiving confirmed at"), null=True, blank=True)
    problem = models.TextField(_("problem reported by the archive"), blank=True)

    class Meta:
        verbose_name = _("offered file")
        verbose_name_plural = _("offered files")
        constraints = [
            models.UniqueConstraint(fields=["offer", "file"], name="records_disposal_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.file_id}"


class DeletionRecord(models.Model):
    """What was deleted when a file left the records (Löschprotokoll): the file's reference
    and title, its contents' hashes, when, on whose decision and by which message. Never
    changed or deleted."""

    class Reason(models.TextChoices):
        ARCHIVED = "archived", _("taken over by the archive")
        DESTROYED = "destroyed", _("destroyed after evaluation")
        HANDED_OVER = "handed_over", _("handed over to another authority (Abgabe)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    file = models.OneToOneField(
        RecordFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    file_reference = models.CharField(_("file reference"), max_length=160)
    file_title = models.CharField(_("title"), max_length=300)
    plan_number = models.CharField(_("file plan number"), max_length=40)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    decision = models.CharField(_("decided by"), max_length=300)
    process_id = models.UUIDField(_("process id"), null=True, blank=True)
    message_code = models.CharField(_("message type"), max_length=4, blank=True)
    documents = models.JSONField(_("documents deleted"), default=list)
    executed_by = models.CharField(_("executed by"), max_length=200)
    executed_at = models.DateTimeField(_("executed at"), auto_now_add=True)

    class Meta:
        ordering = ["-executed_at"]
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")

    def __str__(self) -> str:
        return f"{self.file_reference} ({self.reason})"


class RemovedLeaf(models.Model):
    """A sealed document version that left the records with its file (archived, destroyed,
    handed over): its leaf stays, so the day's tree still verifies (records.sealing)."""

    tree = models.ForeignKey(
        IntegrityTree, on_delete=models.PROTECT, related_name="+", verbose_name=_("tree")
    )
    tree_index = models.PositiveIntegerField(_("leaf in the tree"))
    version_id = models.UUIDField(_("document version"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    deletion = models.ForeignKey(
        DeletionRecord, on_delete=models.PROTECT, related_name="+", verbose_name=_("deletion")
    )

    class Meta:
        verbose_name = _("removed leaf")
        verbose_name_plural = _("removed leaves")
        constraints = [
            models.UniqueConstraint(fields=["tree", "tree_index"], name="records_removed_leaf")
        ]

    def __str__(self) -> str:
        return f"{self.tree_id}#{self.tree_index}"


class InspectionGrant(BaseModel):
    """File inspection (§8 EGovG, Akteneinsicht): a participant may read selected documents
    of a file online until `expires_at`, unless revoked (records.inspection)."""

    file = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("file")
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("participant"),
    )
    documents = models.ManyToManyField(Document, related_name="+", verbose_name=_("documents"))
    reason = models.CharField(_("reason"), max_length=500)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = _created_by()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("file inspection")
        verbose_name_plural = _("file inspections")
        indexes = [models.Index(fields=["grantee", "expires_at"], name="records_inspect_grantee")]

    @property
    def documents_in_file(self) -> list[Document]:
        """The granted documents still in the inspected file (one moved out with its case
        since is not shown; records.inspection reads only these)."""
        return [d for d in self.documents.all() if d.file_id == self.file_id]

    def __str__(self) -> str:
        return f"{self.file_id} → {self.grantee_id}"


class ScanBatch(BaseModel):
    """Paper scanned for replacement scanning (§7 EGovG, BSI TR-RESISCAN): the files one
    intake uploaded, for one open file, processed in the background (records.scanning)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        PROCESSING = "processing", _("being processed")
        DONE = "done", _("processed")
        FAILED = "failed", _("failed")

    class Protection(models.TextChoices):
        NORMAL = "normal", _("normal")
        HIGH = "high", _("high")

    file = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    split = models.BooleanField(_("split at blank and separator pages"), default=False)
    device = models.CharField(_("scanner"), max_length=200)
    resolution = models.PositiveIntegerField(_("resolution (dpi)"), null=True, blank=True)
    colour_mode = models.CharField(_("colour mode"), max_length=10, blank=True)
    protection = models.CharField(
        _("protection need"), max_length=10, choices=Protection.choices, default="normal"
    )
    inputs = models.JSONField(_("scanned files"), default=list)  # [{name, content_type, sha256}]
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    pages_total = models.PositiveIntegerField(_("pages"), default=0)
    pages_done = models.PositiveIntegerField(_("pages processed"), default=0)
    problem = models.TextField(_("problem"), blank=True)
    created_by = _created_by()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scan batch")
        verbose_name_plural = _("scan batches")

    def __str__(self) -> str:
        return f"{self.file_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def inputs_done(self) -> int:
        """How many of the scanned files are processed completely (records.scanning)."""
        return sum(1 for source in self.inputs if "parts" in source)


class ScannedDocument(BaseModel):
    """One document of a scan batch: its OCRed PDF/A, sealed and time-stamped; final (a
    document of the file) at once, or after a second person checked it (the sample)."""

    class Check(models.TextChoices):
        NOT_NEEDED = "", _("not in the sample")
        PENDING = "pending", _("waiting for the check")
        PASSED = "passed", _("checked: matches the original")
        REJECTED = "rejected", _("checked: does not match, scan again")

    batch = models.ForeignKey(
        ScanBatch, on_delete=models.CASCADE, related_name="documents", verbose_name=_("batch")
    )
    position = models.PositiveIntegerField(_("position"))
    source_name = models.CharField(_("scanned file"), max_length=255)
    first_page = models.PositiveIntegerField(_("first page"))
    last_page = models.PositiveIntegerField(_("last page"))
    title = models.CharField(_("title"), max_length=300)
    content = models.ForeignKey(
        StoredContent, on_delete=models.PROTECT, related_name="+", verbose_name=_("PDF/A")
    )
    timestamp = models.BinaryField(_("time-stamp (RFC 3161)"))
    check_result = models.CharField(
        _("check"), max_length=10, choices=Check.choices, blank=True, default=""
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_note = models.CharField(_("note of the check"), max_length=500, blank=True)
    document = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scan",
        verbose_name=_("document"),
    )
    # The paper original may be destroyed from this day (once the document is final).
    original_destroy_from = models.DateField(
        _("original may be destroyed from"), null=True, blank=True
    )
    original_destroyed_at = models.DateTimeField(_("original destroyed at"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            # A part of a scanned file is made once, whatever runs of the job overlap.
            models.UniqueConstraint(
                fields=["batch", "source_name", "first_page"], name="records_scan_part_once"
            ),
        ]
        verbose_name = _("scanned document")
        verbose_name_plural = _("scanned documents")

    def __str__(self) -> str:
        return self.title
