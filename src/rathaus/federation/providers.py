"""The identity provider extension point: base class, verified result, and the registry.

Implementations live in ``rathaus.contrib.oidc`` and ``rathaus.contrib.saml`` and register
their *type* into `provider_types`. Which providers exist is configuration: the JSON list in
``RATHAUS_IDENTITY_PROVIDERS`` (one object per provider, ``type`` selects the implementation),
see ``.env.example``.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from rathaus.core.registries import Registry
from rathaus.federation.levels import TrustLevel


class AuthenticationRejected(Exception):
    """A provider response that must not log anyone in.

    `reason` is a short code for the audit trail and the error page ("bad_signature",
    "wrong_audience", "expired", "nonce_mismatch", "unknown_state", "replayed", …); it never
    contains tokens, assertions or other secrets.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail[:300]


@dataclass(frozen=True)
class VerifiedIdentity:
    """What a provider proved about the person, after every check passed."""

    provider: str
    subject: str
    level: TrustLevel
    purpose: str
    next_url: str = ""
    # The logged-in user who started a link or step-up (None for a plain login).
    initiating_user_id: str | None = None
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    birth_date: str = ""  # ISO 8601 date as delivered, "" if none
    address: dict[str, str] = field(default_factory=dict)  # street, postal_code, city, country
    attributes: dict[str, Any] = field(default_factory=dict)  # all delivered, non-secret

    def as_session_data(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "subject": self.subject,
            "level": self.level.key,
            "purpose": self.purpose,
            "next_url": self.next_url,
            "initiating_user_id": self.initiating_user_id,
            "email": self.email,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "birth_date": self.birth_date,
            "address": self.address,
            "attributes": self.attributes,
        }

    @classmethod
    def from_session_data(cls, data: dict[str, Any]) -> VerifiedIdentity:
        return cls(**{**data, "level": TrustLevel.from_key(data["level"])})


class IdentityProvider(ABC):
    """One configured identity provider (an OIDC issuer, a SAML IdP such as BundID)."""

    type_key: ClassVar[str]

    def __init__(self, *, key: str, label: str, config: dict[str, Any]) -> None:
        self.key = key
        self.label = label
        self.config = config
        levels = config.get("levels") or [level.key for level in TrustLevel]
        # The levels this provider can deliver (shown on the step-up page).
        self.levels = sorted(TrustLevel.from_key(value) for value in levels)

    @property
    def max_level(self) -> TrustLevel:
        return self.levels[-1]

    def callback_url(self, request: HttpRequest) -> str:
        return request.build_absolute_uri(
            reverse("federation:callback", kwargs={"provider_key": self.key})
        )

    def metadata_response(self, request: HttpRequest) -> HttpResponse:
        """Our metadata for this provider, if the protocol has any (SAML); else 404."""
        raise Http404("no metadata")

    @abstractmethod
    def begin(
        self,
        request: HttpRequest,
        *,
        requested_level: TrustLevel,
        next_url: str,
        purpose: str = "login",
    ) -> HttpResponse:
        """Start a login: record a transaction and send the browser to the provider."""

    @abstractmethod
    def complete(self, request: HttpRequest) -> VerifiedIdentity:
        """Check the provider's answer on the callback; raise AuthenticationRejected."""


provider_types: Registry[type[IdentityProvider]] = Registry("identity provider types")


def configured_providers() -> dict[str, IdentityProvider]:
    """The providers configured in settings, by key, in configuration order."""
    providers: dict[str, IdentityProvider] = {}
    raw = settings.RATHAUS_IDENTITY_PROVIDERS
    entries = json.loads(raw) if isinstance(raw, str) else raw
    for entry in entries:
        config = dict(entry)
        key = str(config.pop("key"))
        provider_class = provider_types.get(str(config.pop("type")))
        label = str(config.pop("label", key))
        providers[key] = provider_class(key=key, label=label, config=config)
    return providers


def provider_get(key: str) -> IdentityProvider:
    """A configured provider by key; KeyError if there is none."""
    providers = configured_providers()
    if key not in providers:
        raise KeyError(key)
    return providers[key]
