"""OpenID Connect identity provider: authorization code flow with PKCE (S256).

Every check is done here explicitly (no client library hides one): state bound to the
browser session and used once, nonce, ID token signature against the provider's JWKS,
issuer, audience (and azp), expiry and issued-at with a small clock skew.

Configuration (one entry of ``RATHAUS_IDENTITY_PROVIDERS``)::

    {"key": "bundid-oidc", "type": "oidc", "label": "BundID",
     "issuer": "https://id.example.de", "client_id": "…", "client_secret": "…",
     "scopes": "openid profile email address", "loa_claim": "acr",
     "levels": ["low", "substantial", "high"], "clock_skew": 60}
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import requests
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

from rathaus.federation.levels import TrustLevel, level_from_delivered
from rathaus.federation.providers import (
    AuthenticationRejected,
    IdentityProvider,
    VerifiedIdentity,
    provider_types,
)
from rathaus.federation.services import (
    login_transaction_consume,
    login_transaction_start,
    replay_cache_add,
)

HTTP_TIMEOUT = 10
DISCOVERY_CACHE_SECONDS = 3600
JWKS_CACHE_SECONDS = 600
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@provider_types.register("oidc")
class OidcProvider(IdentityProvider):
    type_key = "oidc"

    def __init__(self, *, key: str, label: str, config: dict[str, Any]) -> None:
        super().__init__(key=key, label=label, config=config)
        self.issuer: str = str(config["issuer"]).rstrip("/")
        self.client_id: str = str(config["client_id"])
        self.client_secret: str = str(config.get("client_secret", ""))
        self.scopes: str = str(config.get("scopes", "openid profile email address"))
        self.loa_claim: str = str(config.get("loa_claim", "acr"))
        self.clock_skew = int(config.get("clock_skew", 60))

    # --- provider metadata ------------------------------------------------------------

    def _get_json(self, url: str) -> dict[str, Any]:
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        data = response.json()
        if not isinstance(data, dict):
            raise ValueError(f"{url} did not return a JSON object")
        return data

    def metadata(self) -> dict[str, Any]:
        cache_key = f"federation:oidc:discovery:{self.issuer}"
        data: dict[str, Any] | None = cache.get(cache_key)
        if data is None:
            data = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if str(data.get("issuer", "")).rstrip("/") != self.issuer:
                raise ValueError("discovery document names another issuer")
            cache.set(cache_key, data, DISCOVERY_CACHE_SECONDS)
        return data

    def _jwks(self, *, refresh: bool = False) -> jwk.JWKSet:
        uri = str(self.metadata()["jwks_uri"])
        cache_key = f"federation:oidc:jwks:{uri}"
        raw: str | None = None if refresh else cache.get(cache_key)
        if raw is None:
            raw = json.dumps(self._get_json(uri))
            cache.set(cache_key, raw, JWKS_CACHE_SECONDS)
        return jwk.JWKSet.from_json(raw)

    # --- flow ---------------------------------------------------------------------------

    def begin(
        self,
        request: HttpRequest,
        *,
        requested_level: TrustLevel,
        next_url: str,
        purpose: str = "login",
    ) -> HttpResponse:
        verifier = secrets.token_urlsafe(64)
        nonce = secrets.token_urlsafe(32)
        txn = login_transaction_start(
            request=request,
            provider=self.key,
            purpose=purpose,
            requested_level=requested_level,
            next_url=next_url,
            nonce=nonce,
            code_verifier=verifier,
        )
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.callback_url(request),
            "scope": self.scopes,
            "state": txn.state,
            "nonce": nonce,
            "code_challenge": _pkce_challenge(verifier),
            "code_challenge_method": "S256",
            "acr_values": requested_level.eidas_uri,
        }
        endpoint = str(self.metadata()["authorization_endpoint"])
        separator = "&" if "?" in endpoint else "?"
        return HttpResponseRedirect(f"{endpoint}{separator}{urlencode(params)}")

    def complete(self, request: HttpRequest) -> VerifiedIdentity:
        state = request.GET.get("state", "")
        txn = login_transaction_consume(request=request, provider=self.key, state=state)
        if "error" in request.GET:
            raise AuthenticationRejected("provider_error", request.GET.get("error", "")[:100])
        code = request.GET.get("code", "")
        if not code:
            raise AuthenticationRejected("provider_error", "no authorization code")

        tokens = self._exchange_code(request, code=code, verifier=txn.code_verifier)
        claims = self._verify_id_token(str(tokens.get("id_token", "")), nonce=txn.nonce)
        replay_cache_add(
            provider=self.key,
            key=f"nonce:{txn.nonce}",
            expires_at=dt.datetime.fromtimestamp(int(claims["exp"]) + self.clock_skew, tz=dt.UTC),
        )
        level = level_from_delivered(claims.get(self.loa_claim))
        if level is None:
            raise AuthenticationRejected("unknown_level", f"{self.loa_claim} not recognised")
        attributes = {**self._userinfo(tokens, subject=str(claims["sub"])), **claims}
        return _identity_from_claims(
            provider=self.key,
            claims=attributes,
            level=level,
            purpose=txn.purpose,
            next_url=txn.next_url,
            initiating_user_id=str(txn.user_id) if txn.user_id else None,
        )

    def _exchange_code(self, request: HttpRequest, *, code: str, verifier: str) -> dict[str, Any]:
        try:
            response = requests.post(
                str(self.metadata()["token_endpoint"]),
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.callback_url(request),
                    "code_verifier": verifier,
                },
                auth=(self.client_id, self.client_secret),
                timeout=HTTP_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise AuthenticationRejected("token_error", type(exc).__name__) from None
        if response.status_code != 200:
            raise AuthenticationRejected("token_error", f"HTTP {response.status_code}")
        data = response.json()
        if not isinstance(data, dict) or not data.get("id_token"):
            raise AuthenticationRejected("token_error", "no ID token")
        return data

    def _verify_id_token(self, token: str, *, nonce: str) -> dict[str, Any]:
        claims = self._verified_claims(token)
        now = time.time()
        if str(claims.get("iss", "")).rstrip("/") != self.issuer:
            raise AuthenticationRejected("wrong_issuer", str(claims.get("iss", ""))[:200])
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.client_id not in audiences:
            raise AuthenticationRejected("wrong_audience", "ID token is for another client")
        if len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise AuthenticationRejected("wrong_audience", "azp is not this client")
        try:
            exp, iat = float(claims["exp"]), float(claims["iat"])
        except (KeyError, TypeError, ValueError):
            raise AuthenticationRejected("invalid_token", "exp or iat missing") from None
        if exp < now - self.clock_skew:
            raise AuthenticationRejected("expired", "ID token expired")
        if iat > now + self.clock_skew:
            raise AuthenticationRejected("invalid_token", "ID token issued in the future")
        if not nonce or not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise AuthenticationRejected("nonce_mismatch", "nonce does not match the login")
        if not claims.get("sub"):
            raise AuthenticationRejected("invalid_token", "no subject")
        return claims

    def _verified_claims(self, token: str) -> dict[str, Any]:
        for refresh in (False, True):  # a key rotation shows up as an unknown key: reload once
            try:
                checked = jwt.JWT(
                    jwt=token,
                    key=self._jwks(refresh=refresh),
                    algs=SIGNING_ALGORITHMS,
                    check_claims=False,
                    expected_type="JWS",
                )
                claims = json.loads(checked.claims)
            except (JWException, ValueError) as exc:
                if refresh:
                    raise AuthenticationRejected("bad_signature", type(exc).__name__) from None
                continue
            if isinstance(claims, dict):
                return claims
            raise AuthenticationRejected("invalid_token", "claims are not an object")
        raise AuthenticationRejected("bad_signature", "unreachable")  # pragma: no cover

    def _userinfo(self, tokens: dict[str, Any], *, subject: str) -> dict[str, Any]:
        endpoint = self.metadata().get("userinfo_endpoint")
        access_token = tokens.get("access_token")
        if not endpoint or not access_token:
            return {}
        try:
            response = requests.get(
                str(endpoint),
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=HTTP_TIMEOUT,
            )
            data = response.json() if response.status_code == 200 else {}
        except (requests.RequestException, ValueError):
            return {}
        # Userinfo is unsigned: only taken when it is about the same subject, and never the level.
        if not isinstance(data, dict) or data.get("sub") != subject:
            return {}
        data.pop(self.loa_claim, None)
        return data


def _identity_from_claims(
    *,
    provider: str,
    claims: dict[str, Any],
    level: TrustLevel,
    purpose: str,
    next_url: str,
    initiating_user_id: str | None,
) -> VerifiedIdentity:
    address = claims.get("address") if isinstance(claims.get("address"), dict) else {}
    assert isinstance(address, dict)
    kept = {
        k: v
        for k, v in claims.items()
        if k not in {"nonce", "at_hash", "c_hash", "aud", "azp", "iat", "exp", "auth_time", "iss"}
    }
    return VerifiedIdentity(
        provider=provider,
        subject=str(claims["sub"]),
        level=level,
        purpose=purpose,
        next_url=next_url,
        initiating_user_id=initiating_user_id,
        email=str(claims.get("email", "")) if claims.get("email_verified", True) else "",
        given_name=str(claims.get("given_name", "")),
        family_name=str(claims.get("family_name", "")),
        birth_date=str(claims.get("birthdate", "")),
        address={
            "street": str(address.get("street_address", "")),
            "postal_code": str(address.get("postal_code", "")),
            "city": str(address.get("locality", "")),
            "country": str(address.get("country", "")),
        },
        attributes=kept,
    )
