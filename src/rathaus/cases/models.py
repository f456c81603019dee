"""The case (Vorgang): the authority's handling of one matter, from the submission that opened
it to its closing — status and its history, document requests (Nachforderung), deadline,
responsible office and assignee.

The submission (`applications.Submission.case`, reverse accessor `case.submission`) is the
immutable input that opened the case; everything that changes while the authority works on
the matter lives here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.catalog.models import Service
from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Municipality, Office
from rathaus.organisations.models import Organisation


class Case(BaseModel):
    """One matter an office handles (§9 EGovG status information for the applicant)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        IN_PROGRESS = "in_progress", _("in progress")
        QUERY = "query", _("query")  # Rückfrage
        DECIDED = "decided", _("decided")
        CLOSED = "closed", _("closed")

    reference = models.CharField(_("reference number"), max_length=40)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("municipality"),
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("responsible office"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="cases", verbose_name=_("service")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("applicant"),
    )
    principal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("on behalf of organisation"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    opened_at = models.DateTimeField(_("opened at"))
    deadline = models.DateField(_("processing deadline"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="cases_case_unique_ref"
            )
        ]
        # The lists (rathaus.cases.selectors) page by (opened_at, id), newest first; each index
        # is the tenant (municipality), then a list's filter, then that key, so that every page
        # of every filter is one index range read (a B-tree is read backwards as well as
        # forwards). `since` is a range on opened_at itself. The staff inbox names the
        # municipality of its offices, too, to use the same indexes.
        indexes = [
            # API list, no filter or `since`.
            models.Index(
                fields=["municipality", "opened_at", "id"], name="cases_municipality_opened"
            ),
            # API list by status.
            models.Index(
                fields=["municipality", "status", "opened_at", "id"],
                name="cases_municipality_status",
            ),
            # API list by acknowledged=false (the work queue) and =true.
            models.Index(
                fields=["municipality", "opened_at", "id"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="cases_municipality_unack",
            ),
            models.Index(
                fields=["municipality", "opened_at", "id"],
                condition=models.Q(acknowledged_at__isnull=False),
                name="cases_municipality_ack",
            ),
            # Staff inbox of one office (or some of one municipality's) and API list by
            # office, without and with status.
            models.Index(
                fields=["municipality", "office", "opened_at", "id"], name="cases_office_opened"
            ),
            models.Index(
                fields=["municipality", "office", "status", "opened_at", "id"],
                name="cases_office_status",
            ),
            models.Index(fields=["applicant", "-opened_at"], name="cases_applicant"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def status_label(self) -> str:
        """The status in the reader's language: what `get_status_display` gives, by the
        enumeration instead of hashing every choice anew (the lists show it on every row)."""
        return str(self.Status(self.status).label)


class StatusChange(BaseModel):
    """One step of a case's status history, shown to the citizen with its note."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("case"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Case.Status.choices)
    note = models.TextField(_("note for the applicant"), blank=True)
    actor_label = models.CharField(_("changed by"), max_length=200, blank=True)

    class Meta:
        ordering = ["case", "created_at"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.case} → {self.status}"


class DocumentRequest(BaseModel):
    """Nachforderung: staff ask for missing documents with a message and a deadline; the
    applicant uploads them into the same application, which closes the request."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FULFILLED = "fulfilled", _("fulfilled")
        CANCELLED = "cancelled", _("cancelled")

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="document_requests",
        verbose_name=_("case"),
    )
    message = models.TextField(_("message"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "-created_at"]
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")

    def __str__(self) -> str:
        return f"{self.case}: {self.deadline}"
