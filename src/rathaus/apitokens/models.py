from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.actors import Actor
from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Municipality

TOKEN_PREFIX = "rth"  # noqa: S105 (a label, not a secret)


class ApiClient(BaseModel):
    """A specialist system (Fachverfahren) of one municipality that calls the REST API.

    On an authenticated API request DRF's `request.user` is the client and `request.auth` the
    token, so the client answers `is_authenticated` like a user does.
    """

    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("municipality"),
    )
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        blank=True,
        help_text=_("Modules and access the client may use, e.g. catalog:read."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="unique_api_client_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def as_actor(self) -> "Actor":
        """The client as the actor of its API requests (audited as itself)."""
        return Actor.api_client(self)


class ApiToken(BaseModel):
    """One bearer token of a client: `rth_<prefix>_<secret>`.

    Only `prefix` (public, for the lookup) and the SHA-256 digest of the secret are stored.
    The secret is 256 random bits, so a fast unsalted hash is safe here: there is nothing to
    guess from a leaked digest (no dictionary, no brute force within reach), and a slow
    password hash (Argon2) on every API request would only cost CPU. Salting adds nothing
    to a value that is already unique and random. The digest is compared in constant time.
    """

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("client")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    rotated_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rotated_to",
        verbose_name=_("rotated from"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{TOKEN_PREFIX}_{self.prefix}_…"
