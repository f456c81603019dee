from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.catalog.fee_rules import FeeRuleError, validate_fee_rule
from rathaus.core.models import BaseModel
from rathaus.core.translated import Translated
from rathaus.municipalities.models import Municipality, Office

leika_key_validator = RegexValidator(
    r"^\d{14}$", _("The LeiKa key must have exactly 14 digits (e.g. 99115005001000).")
)


def _validate_fee_rule_field(value: object) -> None:
    if value in (None, {}):
        return
    try:
        validate_fee_rule(value)
    except FeeRuleError as exc:
        raise ValidationError(str(exc)) from exc


class LifeSituation(BaseModel):
    """A Lebenslage (e.g. moving house, having a child) grouping services."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_de = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_de = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    name = Translated()
    description = Translated()

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")

    def __str__(self) -> str:
        return self.name_de


class Service(BaseModel):
    """A Leistung, described once and shared by all municipalities ("Einer für Alle")."""

    class TargetGroup(models.TextChoices):
        CITIZENS = "citizens", _("Citizens")
        BUSINESSES = "businesses", _("Businesses")
        BOTH = "both", _("Citizens and businesses")

    class TrustLevel(models.TextChoices):
        """eIDAS level of assurance needed to apply online."""

        LOW = "low", _("low")
        SUBSTANTIAL = "substantial", _("substantial")
        HIGH = "high", _("high")

    class OnlineApplication(models.TextChoices):
        NONE = "none", _("Not available online")
        INTERNAL = "internal", _("Online form in this portal")
        EXTERNAL = "external", _("External online service")

    leika_key = models.CharField(
        _("LeiKa key"), max_length=14, unique=True, validators=[leika_key_validator]
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_de = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    summary_de = models.CharField(_("short description"), max_length=500)
    summary_en = models.CharField(_("short description (English)"), max_length=500, blank=True)
    description_de = models.TextField(_("description"))
    description_en = models.TextField(_("description (English)"), blank=True)
    target_group = models.CharField(
        _("target group"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.CITIZENS
    )
    legal_basis_de = models.TextField(_("legal basis"))
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    processing_time_de = models.CharField(_("processing time"), max_length=300, blank=True)
    processing_time_en = models.CharField(
        _("processing time (English)"), max_length=300, blank=True
    )
    deadlines_de = models.TextField(_("deadlines"), blank=True)
    deadlines_en = models.TextField(_("deadlines (English)"), blank=True)
    fee_rule = models.JSONField(
        _("fee rule"),
        default=dict,
        blank=True,
        validators=[_validate_fee_rule_field],
        help_text=_("See docs/architecture.md, “Fee rules”; empty means no fee information."),
    )
    ozg_maturity = models.PositiveSmallIntegerField(
        _("OZG maturity level"), default=0, validators=[MaxValueValidator(4)]
    )
    min_trust_level = models.CharField(
        _("minimum trust level"), max_length=20, choices=TrustLevel.choices, default=TrustLevel.LOW
    )
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("Comma-separated"))
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("Comma-separated words citizens use for this service"),
    )
    search_boost = models.PositiveSmallIntegerField(
        _("search boost"),
        default=0,
        validators=[MaxValueValidator(10)],
        help_text=_(
            "0–10. Ranks this service higher among hits that match a search equally well, e.g. "
            "“register a dog” above “deregister a dog”. Each step adds a tenth to its "
            "relevance; it never lifts a worse match above a better one."
        ),
    )
    life_situations = models.ManyToManyField(
        LifeSituation, related_name="services", blank=True, verbose_name=_("life situations")
    )
    online_application = models.CharField(
        _("online application"),
        max_length=20,
        choices=OnlineApplication.choices,
        default=OnlineApplication.NONE,
    )
    online_url = models.URLField(_("online application URL"), blank=True)

    name = Translated()
    summary = Translated()
    description = Translated()
    legal_basis = Translated()
    processing_time = Translated()
    deadlines = Translated()

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name_de

    def clean(self) -> None:
        if self.online_application == self.OnlineApplication.EXTERNAL and not self.online_url:
            raise ValidationError(
                {"online_url": _("An external online application needs its URL.")}
            )


class RequiredDocument(BaseModel):
    """A document (Nachweis) to present for a service."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        CERTIFIED_COPY = "certified_copy", _("Certified copy")

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="required_documents",
        verbose_name=_("service"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_de = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    note_de = models.CharField(_("note"), max_length=500, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=500, blank=True)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.COPY)
    electronic_accepted = models.BooleanField(_("electronic submission accepted"), default=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)

    name = Translated()
    note = Translated()

    class Meta:
        ordering = ["service", "position", "name_de"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return self.name_de


class LocalService(BaseModel):
    """A municipality's offer of a shared service, with its local details.

    A municipality that offers a service is responsible for it in its own territory and in
    the territory of every municipality below it that does not offer it itself.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="local_services",
        verbose_name=_("municipality"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="local_services", verbose_name=_("service")
    )
    responsible_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="local_services",
        verbose_name=_("responsible office"),
    )
    fee_rule = models.JSONField(
        _("local fee rule"),
        null=True,
        blank=True,
        validators=[_validate_fee_rule_field],
        help_text=_("Empty: the shared fee rule applies."),
    )
    local_notes_de = models.TextField(_("local notes"), blank=True)
    local_notes_en = models.TextField(_("local notes (English)"), blank=True)
    online_available = models.BooleanField(
        _("offered online here"),
        default=True,
        help_text=_("Off: apply in person even if a form exists."),
    )
    online_url = models.URLField(_("local online application URL"), blank=True)

    local_notes = Translated()

    class Meta:
        ordering = ["municipality__name", "service__name_de"]
        verbose_name = _("local service")
        verbose_name_plural = _("local services")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "service"], name="unique_local_service")
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.municipality}"

    def clean(self) -> None:
        if (
            self.responsible_office_id
            and self.municipality_id
            and self.responsible_office.municipality_id != self.municipality_id
        ):
            raise ValidationError(
                {"responsible_office": _("The responsible office must belong to the municipality.")}
            )


class PerServiceDocument(BaseModel):
    """Something kept per service, for one municipality or — without a municipality — for
    every municipality that has none of its own, in numbered versions (process models,
    decision templates). Concrete models add their Meta: ordering, names and the
    constraints that make it one per (municipality, service) and one installation-wide."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    versions_issued = models.PositiveIntegerField(_("versions issued"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.service} – {self.municipality or '*'}"
