import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel


class User(AbstractUser):
    """Every person who logs in: citizens (Bürgerkonto) and staff.

    Citizens log in with their e-mail address; staff with their user name (also from the
    directory). The UUID primary key is what other tables and the audit trail refer to.
    A citizen's user name is a pseudonym (``b-…``) generated at registration, so the audit
    trail, which is append-only, never names the person and stays valid after deletion.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        STAFF = "staff", _("Staff")

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    email = models.EmailField(_("e-mail address"), blank=True)

    # Profile (Bürgerkonto). Names use AbstractUser's first_name/last_name.
    street = models.CharField(_("street and house number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="Deutschland")
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.GERMAN
    )
    notify_by_email = models.BooleanField(
        _("notify me by e-mail about new messages and status changes"), default=True
    )

    inactivity_warning_sent_at = models.DateTimeField(
        _("inactivity warning sent at"), null=True, blank=True
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="unique_user_email"
            )
        ]

    @property
    def display_name(self) -> str:
        """How the person is named to others and in mails: the name, else the e-mail address.

        A citizen's user name is an internal pseudonym and never shown; a staff member's is
        their login name and may stand in when nothing else is known.
        """
        name = self.get_full_name() or self.email
        if not name and self.kind == self.Kind.STAFF:
            name = self.get_username()
        return name or str(_("Citizen account"))


class ConsentText(BaseModel):
    """One version of a consent text. Never edited once published: a change is a new version."""

    key = models.SlugField(_("key"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_de = models.TextField(_("text (German)"))
    text_en = models.TextField(_("text (English)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="unique_consent_text_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def title_in(self, language: str) -> str:
        return self.title_en if language.startswith("en") else self.title_de

    def text_in(self, language: str) -> str:
        return self.text_en if language.startswith("en") else self.text_de


class Consent(BaseModel):
    """A consent a user gave to one text version; revoking sets `revoked_at` (history kept)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="consents", verbose_name=_("user")
    )
    text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="consents", verbose_name=_("text")
    )
    language = models.CharField(_("language shown"), max_length=5)
    text_agreed = models.TextField(_("exact text agreed to"))
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "text"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_consent_per_text",
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.granted_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
