"""Decisions (Bescheide, issue 12 §2): templates per service, versioned like process models,
and the decisions made from them — a sealed PDF/A-2b document about a case, delivered to the
applicant's mailbox by retrieval (§41 (2a) VwVfG) or by post (§41 (2) VwVfG)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.cases.models import Case
from rathaus.catalog.models import PerServiceDocument
from rathaus.core.models import BaseModel
from rathaus.mailbox.models import Message


def _user(name: Any) -> "models.ForeignKey[Any, Any]":
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=name,
    )


class DecisionTemplate(PerServiceDocument):
    """The decision template of one service in one municipality (or, without a municipality,
    of every municipality that has none of its own)."""

    class Meta:
        ordering = ["service__name_de"]
        verbose_name = _("decision template")
        verbose_name_plural = _("decision templates")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "service"], name="decisions_template_per_service"
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(municipality__isnull=True),
                name="decisions_template_installation_wide",
            ),
        ]


class TemplateVersion(BaseModel):
    """One version of a decision template. Drafts are edited; a published version is
    immutable and used for new decisions (the latest published one); publishing the next
    retires it. Text fields may hold placeholders (Django template syntax, e.g.
    `{{ reference }}`), rendered from plain data only."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    template = models.ForeignKey(
        DecisionTemplate,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("decision template"),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    operative_part = models.TextField(_("operative part"))  # Tenor
    reasons = models.TextField(_("reasons"), blank=True)  # Begründung
    fee_assessment = models.TextField(_("fee assessment"), blank=True)  # Kostenentscheidung
    legal_remedy = models.TextField(_("legal remedy notice"))  # Rechtsbehelfsbelehrung
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = _user(_("created by"))
    published_by = _user(_("published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("decision template version")
        verbose_name_plural = _("decision template versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="decisions_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class Decision(BaseModel):
    """A decision (Bescheid) about a case: the sealed PDF/A-2b document with its SHA-256 and
    the RFC 3161 time-stamp over it, the template version and the data it was made from,
    and how it reached the applicant."""

    class Channel(models.TextChoices):
        RETRIEVAL = "retrieval", _("by retrieval from the mailbox")
        POST = "post", _("by post")

    class State(models.TextChoices):
        CREATED = "created", _("created")
        PROVIDED = "provided", _("provided for retrieval")
        NOTIFIED = "notified", _("notified")
        AWAITING_POST = "awaiting_post", _("awaiting post")
        POSTED = "posted", _("posted")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("case")
    )
    template_version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("template version"),
    )
    title = models.CharField(_("title"), max_length=200)
    data = models.JSONField(_("data"), default=dict, blank=True)
    document = models.FileField(_("document (PDF/A)"), upload_to="decisions/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    timestamp = models.BinaryField(_("time-stamp (RFC 3161)"), default=b"")
    created_by = _user(_("created by"))
    created_by_label = models.CharField(_("created by"), max_length=200, blank=True)
    # Once per origin (e.g. a process step): a retried step finds the decision it made.
    origin = models.CharField(_("origin"), max_length=200, null=True, blank=True, unique=True)
    channel = models.CharField(_("delivery"), max_length=10, choices=Channel.choices, blank=True)
    state = models.CharField(
        _("state"), max_length=14, choices=State.choices, default=State.CREATED
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mailbox message"),
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("administrative decision")
        verbose_name_plural = _("administrative decisions")
        indexes = [
            models.Index(fields=["state", "created_at"], name="decisions_state"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.case})"
