from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.catalog.models import Service
from rathaus.core.models import BaseModel


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
