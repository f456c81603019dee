from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Office


class Role(models.TextChoices):
    """What a member of staff may do in an office (Rolle je Organisationseinheit)."""

    # German: Sachbearbeitung, Teamleitung, Registratur, Fachadministration, Datenschutz,
    # Systemadministration, Kasse (django.po).
    CASE_WORKER = "case_worker", _("Case work")
    TEAM_LEAD = "team_lead", _("Team lead")
    REGISTRY = "registry", _("Registry")
    SPECIALIST_ADMIN = "specialist_admin", _("Specialist administration")
    DATA_PROTECTION = "data_protection", _("Data protection")
    SYSTEM_ADMIN = "system_admin", _("System administration")
    # Stadt-/Kreiskasse: records money received for invoices and refunds of the
    # municipality's payments; nobody else may (least privilege).
    CASH_OFFICE = "cash_office", _("Cash office")


class RoleAssignment(BaseModel):
    """One role of one member of staff in one office, optionally limited in time.

    Rows with source `directory` are owned by the directory sync (LDAP groups) and replaced
    on every directory login; `manual` rows are assigned in rathaus and never touched by it.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", _("assigned in rathaus")
        DIRECTORY = "directory", _("from the staff directory")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("office"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["office__municipality__name", "office__name", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office", "role"], name="unique_role_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.office}"

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_from >= self.valid_until:
            raise ValidationError(
                {"valid_until": _("The end of validity must lie after its start.")}
            )
