from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel
from rathaus.core.translated import Translated
from rathaus.municipalities.keys import LAENDER, ags_from_ars, validate_ags, validate_ars


class Municipality(BaseModel):
    """A Gebietskörperschaft: Kreis, Stadt, Verbandsgemeinde or Gemeinde (a tenant)."""

    class Kind(models.TextChoices):
        KREIS = "kreis", _("Kreis")
        KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")
        GROSSE_KREISANGEHOERIGE_STADT = (
            "grosse_kreisangehoerige_stadt",
            _("Große kreisangehörige Stadt"),
        )
        MITTLERE_KREISANGEHOERIGE_STADT = (
            "mittlere_kreisangehoerige_stadt",
            _("Mittlere kreisangehörige Stadt"),
        )
        STADT = "stadt", _("Stadt")
        VERBANDSGEMEINDE = "verbandsgemeinde", _("Verbandsgemeinde")
        AMT = "amt", _("Amt")
        SAMTGEMEINDE = "samtgemeinde", _("Samtgemeinde")
        ORTSGEMEINDE = "ortsgemeinde", _("Ortsgemeinde")
        GEMEINDE = "gemeinde", _("Gemeinde")

    class Accent(models.TextChoices):
        """Accent colours allowed for a portal; each maps to a KERN UX token pair
        with sufficient contrast (see portal/static/portal/portal.css)."""

        BLUE = "blue", _("Blue")
        GREEN = "green", _("Green")
        RED = "red", _("Red")
        PURPLE = "purple", _("Purple")
        TEAL = "teal", _("Teal")

    # Kinds that are a Gemeindeverband (no AGS of their own).
    ASSOCIATION_KINDS = frozenset({Kind.KREIS, Kind.VERBANDSGEMEINDE, Kind.AMT, Kind.SAMTGEMEINDE})

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    ars = models.CharField(
        _("ARS"),
        max_length=12,
        unique=True,
        validators=[validate_ars],
        help_text=_("Amtlicher Regionalschlüssel, 12 digits"),
    )
    ags = models.CharField(
        _("AGS"),
        max_length=8,
        blank=True,
        validators=[validate_ags],
        help_text=_(
            "Amtlicher Gemeindeschlüssel, 8 digits; empty for Kreise and Verbandsgemeinden"
        ),
    )
    land = models.CharField(_("Land"), max_length=2, choices=sorted(LAENDER.items()))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    has_portal = models.BooleanField(
        _("has a portal"), default=True, help_text=_("Listed on the landing page")
    )
    coat_of_arms = models.CharField(
        _("coat of arms"),
        max_length=200,
        blank=True,
        help_text=_("Path of the coat of arms image in static files"),
    )
    accent = models.CharField(
        _("accent colour"), max_length=20, choices=Accent.choices, default="blue"
    )
    # Contact details for Impressum and Datenschutzerklärung.
    authority_name = models.CharField(
        _("authority name"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Kreisverwaltung Cochem-Zell"),
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    represented_by = models.CharField(_("represented by"), max_length=200, blank=True)
    supervisory_authority = models.CharField(_("supervisory authority"), max_length=200, blank=True)
    data_protection_officer = models.CharField(
        _("data protection officer"), max_length=300, blank=True
    )
    accessibility_contact = models.EmailField(_("accessibility feedback e-mail"), blank=True)
    # The IT service provider whose configuration (seal, payment accounts, FIT-Connect
    # destinations, mail sender, key-encryption key) applies where the municipality's own
    # profile leaves a value empty (rathaus.municipalities.configuration).
    configuration_provider = models.ForeignKey(
        "municipalities.ConfigurationProfile",
        verbose_name=_("IT service provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="served_municipalities",
        limit_choices_to={"kind": "it_service_provider"},
        help_text=_(
            "Configuration profile of the IT service provider; used where the municipality's "
            "own configuration leaves a value empty."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def display_authority(self) -> str:
        return self.authority_name or self.name

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.ars and len(self.ars) == 12 and self.land and self.ars[:2] != self.land:
            errors.setdefault("land", []).append(
                _("The Land does not match the first two digits of the ARS.")
            )
        if self.ags and self.ars and len(self.ars) == 12 and self.ags != ags_from_ars(self.ars):
            errors.setdefault("ags", []).append(
                _("The AGS must equal the ARS without its Gemeindeverband digits (%(ags)s).")
                % {"ags": ags_from_ars(self.ars)}
            )
        if self.parent_id:
            parent = self.parent
            if parent is not None and self.ars and not self.ars.startswith(parent.ars[:2]):
                errors.setdefault("parent", []).append(_("The parent must lie in the same Land."))
            if (
                parent is not None
                and parent.kind not in self.ASSOCIATION_KINDS
                and parent.kind
                not in {
                    self.Kind.KREISFREIE_STADT,
                }
            ):
                errors.setdefault("parent", []).append(
                    _("Only a Kreis or a Gemeindeverband can be a parent.")
                )
            ancestor = parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    errors.setdefault("parent", []).append(
                        _("A municipality cannot be its own ancestor.")
                    )
                    break
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)


class PostalArea(BaseModel):
    """A postcode and place name that lies (at least partly) in a municipality."""

    postcode = models.CharField(_("postcode"), max_length=5, db_index=True)
    place_name = models.CharField(_("place name"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="postal_areas",
        verbose_name=_("municipality"),
    )

    class Meta:
        ordering = ["postcode", "place_name"]
        verbose_name = _("postal area")
        verbose_name_plural = _("postal areas")
        constraints = [
            models.UniqueConstraint(
                fields=["postcode", "place_name", "municipality"], name="unique_postal_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.postcode} {self.place_name}"


class Office(BaseModel):
    """An Organisationseinheit: Fachbereich, Amt or Team of a municipality."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Verwaltung")
        DEPARTMENT = "department", _("Fachbereich")
        OFFICE = "office", _("Amt")
        TEAM = "team", _("Team")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("municipality"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=5)
    city = models.CharField(_("city"), max_length=100)
    room = models.CharField(_("room"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    accessibility_de = models.TextField(_("accessibility notes"), blank=True)
    accessibility_en = models.TextField(_("accessibility notes (English)"), blank=True)

    accessibility = Translated()

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="unique_office_slug")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.municipality_id != self.municipality_id:
            raise ValidationError(
                {"parent": _("The parent unit must belong to the same municipality.")}
            )


class OpeningHours(BaseModel):
    """One interval of the regular weekly pattern (several per day allowed)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("office")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    by_appointment_only = models.BooleanField(_("by appointment only"), default=False)

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opens_before_closes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(BaseModel):
    """A day that differs from the weekly pattern: closed, or other hours."""

    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        related_name="opening_exceptions",
        verbose_name=_("office"),
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note_de = models.CharField(_("note"), max_length=200, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=200, blank=True)

    note = Translated()

    class Meta:
        ordering = ["date"]
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"

    def clean(self) -> None:
        if not self.closed and (
            self.opens is None or self.closes is None or self.opens >= self.closes
        ):
            raise ValidationError(
                _("Give opening and closing times (opening before closing) or mark the day closed.")
            )


class AccessibilityFeedback(BaseModel):
    """A barrier reported through a portal's accessibility statement (BITV 2.0 feedback mechanism).

    Name and e-mail are optional: a citizen may report a barrier anonymously. `created_at`
    (from BaseModel) is when the report arrived.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="accessibility_feedback",
        verbose_name=_("municipality"),
    )
    page_url = models.CharField(
        _("page"), max_length=500, blank=True, help_text=_("Address of the page with the barrier")
    )
    message = models.TextField(_("message"), max_length=5000)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self) -> str:
        return f"{self.municipality.name} {self.created_at:%Y-%m-%d %H:%M}"


class ConfigurationProfile(BaseModel):
    """The configuration of one municipality, or of an IT service provider serving several.

    Resolution (rathaus.municipalities.configuration): the municipality's own profile, then
    its IT service provider's profile (`Municipality.configuration_provider`), then the
    installation's settings. Secrets (the seal's private key and passphrase, payment
    secrets, key-encryption keys) are stored encrypted with RATHAUS_CONFIG_ENCRYPTION_KEY,
    which is kept outside the database; the `*_encrypted` fields hold Fernet tokens only.
    Written only by rathaus.municipalities.configuration_services (audited).
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        IT_SERVICE_PROVIDER = "it_service_provider", _("IT service provider")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="configuration_profile",
        help_text=_("Only for a municipality's own profile."),
    )
    seal_certificate_pem = models.TextField(
        _("seal certificate (PEM)"),
        blank=True,
        help_text=_("The seal certificate issued to the authority, PEM-encoded."),
    )
    seal_chain_pem = models.TextField(
        _("seal certificate chain (PEM)"),
        blank=True,
        help_text=_(
            "Intermediate and root certificates of the seal, PEM-encoded, the root last. "
            "Validators trust the last one."
        ),
    )
    seal_private_key_encrypted = models.TextField(
        _("seal private key (encrypted)"), blank=True, editable=False
    )
    seal_passphrase_encrypted = models.TextField(
        _("seal key passphrase (encrypted)"), blank=True, editable=False
    )
    mail_from = models.CharField(
        _("mail sender (From)"),
        max_length=254,
        blank=True,
        help_text=_("e.g. Stadt Düren <noreply@dueren.de>; empty: the installation's sender."),
    )
    mail_reply_to = models.CharField(
        _("reply-to address"), max_length=254, blank=True, help_text=_("Optional.")
    )
    fitconnect_destinations = models.JSONField(
        _("FIT-Connect destinations"),
        null=True,
        blank=True,
        help_text=_(
            "A JSON list like RATHAUS_FITCONNECT_DESTINATIONS; empty: the provider's or the "
            "installation's destinations, [] for none."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("configuration profile")
        verbose_name_plural = _("configuration profiles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="municipality", municipality__isnull=False)
                    | models.Q(kind="it_service_provider", municipality__isnull=True)
                ),
                name="configuration_profile_kind_matches_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_seal(self) -> bool:
        return bool(self.seal_certificate_pem.strip())

    def clean(self) -> None:
        if self.kind == self.Kind.MUNICIPALITY and not self.municipality_id:
            raise ValidationError(
                {"municipality": _("A municipality's profile must name the municipality.")}
            )
        if self.kind == self.Kind.IT_SERVICE_PROVIDER and self.municipality_id:
            raise ValidationError(
                {
                    "municipality": _(
                        "An IT service provider's profile belongs to no single municipality; "
                        "leave the municipality empty."
                    )
                }
            )


class PaymentAccount(BaseModel):
    """The account of a municipality (or IT service provider) with one payment provider.

    `secrets_encrypted` holds the shared secrets (a JSON list, the first is current, all are
    accepted while a secret is rotated) encrypted with RATHAUS_CONFIG_ENCRYPTION_KEY.
    """

    profile = models.ForeignKey(
        ConfigurationProfile,
        verbose_name=_("configuration profile"),
        on_delete=models.CASCADE,
        related_name="payment_accounts",
    )
    provider = models.CharField(
        _("payment provider"), max_length=50, help_text=_("The provider's key, e.g. sandbox.")
    )
    enabled = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Switched off: this payment method is not offered for this municipality."),
    )
    account_id = models.CharField(_("account / merchant id"), max_length=200, blank=True)
    secrets_encrypted = models.TextField(_("secrets (encrypted)"), blank=True, editable=False)

    class Meta:
        ordering = ["profile__name", "provider"]
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "provider"], name="unique_payment_account_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} ({self.profile.name})"


class KeyEncryptionKey(BaseModel):
    """One version of the key-encryption key (KEK) for personal data of a profile.

    `material` is what the KEK provider keeps (for "local": the random 256-bit key encrypted
    with RATHAUS_CONFIG_ENCRYPTION_KEY). The highest version wraps new data keys; older
    versions only unwrap until everything was re-wrapped.
    """

    profile = models.ForeignKey(
        ConfigurationProfile,
        verbose_name=_("configuration profile"),
        on_delete=models.PROTECT,
        related_name="key_encryption_keys",
    )
    version = models.PositiveIntegerField(_("version"))
    provider = models.CharField(_("KEK provider"), max_length=50)
    material = models.TextField(_("key material (protected)"), editable=False)

    class Meta:
        ordering = ["profile__name", "-version"]
        verbose_name = _("key-encryption key")
        verbose_name_plural = _("key-encryption keys")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "version"], name="unique_key_encryption_key_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile.name} v{self.version} ({self.provider})"
