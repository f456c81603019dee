"""External identities (BundID, other IdPs), pending login transactions and the replay cache."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel


class TrustLevelChoice(models.TextChoices):
    LOW = "low", _("low")
    SUBSTANTIAL = "substantial", _("substantial")
    HIGH = "high", _("high")


class ExternalIdentity(BaseModel):
    """An account at an identity provider, linked to exactly one rathaus user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    provider = models.CharField(_("identity provider"), max_length=50)
    subject = models.CharField(_("subject"), max_length=255)
    # Everything the provider delivered that has no field on User (address, birth date …).
    attributes = models.JSONField(_("delivered attributes"), default=dict, blank=True)
    last_level = models.CharField(
        _("last level of assurance"), max_length=20, choices=TrustLevelChoice.choices
    )
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        ordering = ["provider", "created_at"]
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="unique_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject[:40]}"


class LoginTransaction(BaseModel):
    """One started login at a provider, consumed by its callback exactly once.

    `state` (OIDC) or `request_id` (SAML AuthnRequest ID) identifies it; the browser session
    that started it keeps the id, so a callback in another browser finds nothing.
    """

    class Purpose(models.TextChoices):
        LOGIN = "login", _("login")
        LINK = "link", _("link to account")
        STEP_UP = "step_up", _("step-up")

    provider = models.CharField(_("identity provider"), max_length=50)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    state = models.CharField(_("state"), max_length=100, unique=True)
    nonce = models.CharField(_("nonce"), max_length=100, blank=True)
    code_verifier = models.CharField(_("PKCE code verifier"), max_length=128, blank=True)
    request_id = models.CharField(_("request id"), max_length=100, blank=True, db_index=True)
    requested_level = models.CharField(
        _("requested level"), max_length=20, choices=TrustLevelChoice.choices
    )
    next_url = models.CharField(_("next URL"), max_length=2000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user (link, step-up)"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("login transaction")
        verbose_name_plural = _("login transactions")

    def __str__(self) -> str:
        return f"{self.provider} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class ReplayCacheEntry(models.Model):
    """An assertion ID (SAML) or nonce (OIDC) already accepted; a second use is refused."""

    id = models.BigAutoField(primary_key=True)
    provider = models.CharField(_("identity provider"), max_length=50)
    key = models.CharField(_("key"), max_length=255)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        ordering = ["-expires_at"]
        verbose_name = _("replay cache entry")
        verbose_name_plural = _("replay cache entries")
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="unique_replay_key")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.key[:40]}"
