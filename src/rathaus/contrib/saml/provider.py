"""SAML 2.0 identity provider (BundID's protocol), as a pysaml2 service provider.

SP-initiated: the AuthnRequest goes out over HTTP-Redirect, the Response comes back over
HTTP-POST. Required: a signed assertion, our entity ID as audience, valid NotBefore /
NotOnOrAfter, InResponseTo naming a request this browser session sent; the assertion ID is
accepted once (replay cache in the database).

Configuration (one entry of ``RATHAUS_IDENTITY_PROVIDERS``)::

    {"key": "bundid", "type": "saml", "label": "BundID",
     "idp_metadata_url": "https://…/metadata" (or "idp_metadata_file": "/etc/rathaus/idp.xml"),
     "idp_entity_id": "…" (optional if the metadata names one IdP),
     "sp_entity_id": "https://portal.example.de/saml",
     "sp_key_file": "/etc/rathaus/sp.key", "sp_cert_file": "/etc/rathaus/sp.crt",
     "loa_attribute": "" (empty: the AuthnContextClassRef carries the level),
     "requested_level_vocabulary": "stork" | "eidas" | "none",
     "attributes": {"given_name": "givenName", "family_name": "sn", "email": "mail",
                    "birth_date": "dateOfBirth", "street": "street",
                    "postal_code": "postalCode", "city": "l", "country": "c"},
     "levels": ["low", "substantial", "high"], "clock_skew": 60}
"""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.response import IncorrectlySigned, StatusError, UnsolicitedResponse
from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import SignatureError, SigverError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from rathaus.federation.levels import STORK_QAA_LEVELS, TrustLevel, level_from_delivered
from rathaus.federation.providers import (
    AuthenticationRejected,
    IdentityProvider,
    VerifiedIdentity,
    provider_types,
)
from rathaus.federation.services import (
    login_transaction_consume,
    login_transaction_start,
    login_transactions_of_session,
    replay_cache_add,
)

DEFAULT_ATTRIBUTES = {
    "given_name": "givenName",
    "family_name": "sn",
    "email": "mail",
    "birth_date": "dateOfBirth",
    "street": "street",
    "postal_code": "postalCode",
    "city": "l",
    "country": "c",
}
ASSERTION_REPLAY_MINIMUM = dt.timedelta(hours=1)


def _stork_value(level: TrustLevel) -> str:
    return max(name for name, lvl in STORK_QAA_LEVELS.items() if lvl == level)


@provider_types.register("saml")
class SamlProvider(IdentityProvider):
    type_key = "saml"

    def __init__(self, *, key: str, label: str, config: dict[str, Any]) -> None:
        super().__init__(key=key, label=label, config=config)
        self.sp_entity_id = str(config["sp_entity_id"])
        self.idp_entity_id = str(config.get("idp_entity_id", ""))
        self.loa_attribute = str(config.get("loa_attribute", ""))
        self.vocabulary = str(config.get("requested_level_vocabulary", "stork"))
        self.attribute_names = {**DEFAULT_ATTRIBUTES, **config.get("attributes", {})}
        self.clock_skew = int(config.get("clock_skew", 60))

    def _client(self, request: HttpRequest) -> Saml2Client:
        metadata: dict[str, Any]
        if self.config.get("idp_metadata_file"):
            metadata = {"local": [str(self.config["idp_metadata_file"])]}
        else:
            metadata = {"remote": [{"url": str(self.config["idp_metadata_url"])}]}
        sp_config = SPConfig()
        sp_config.load(
            {
                "entityid": self.sp_entity_id,
                "key_file": str(self.config["sp_key_file"]),
                "cert_file": str(self.config["sp_cert_file"]),
                "encryption_keypairs": [
                    {
                        "key_file": str(self.config["sp_key_file"]),
                        "cert_file": str(self.config["sp_cert_file"]),
                    }
                ],
                "xmlsec_binary": shutil.which("xmlsec1"),
                "metadata": metadata,
                "accepted_time_diff": self.clock_skew,
                "allow_unknown_attributes": True,
                "service": {
                    "sp": {
                        "name": self.label,
                        "endpoints": {
                            "assertion_consumer_service": [
                                (self.callback_url(request), BINDING_HTTP_POST)
                            ],
                        },
                        "authn_requests_signed": True,
                        "want_assertions_signed": True,
                        "want_response_signed": False,
                        "allow_unsolicited": False,
                    }
                },
            }
        )
        return Saml2Client(config=sp_config)

    def _idp(self, client: Saml2Client) -> str:
        if self.idp_entity_id:
            return self.idp_entity_id
        idps = list(client.metadata.identity_providers())
        if len(idps) != 1:
            raise ValueError("set idp_entity_id: the metadata does not name exactly one IdP")
        return str(idps[0])

    def metadata_response(self, request: HttpRequest) -> HttpResponse:
        """Our SP metadata, for registration at the IdP."""
        descriptor = entity_descriptor(self._client(request).config)
        return HttpResponse(str(descriptor), content_type="application/samlmetadata+xml")

    def begin(
        self,
        request: HttpRequest,
        *,
        requested_level: TrustLevel,
        next_url: str,
        purpose: str = "login",
    ) -> HttpResponse:
        client = self._client(request)
        kwargs: dict[str, Any] = {}
        if self.vocabulary != "none":
            value = (
                _stork_value(requested_level)
                if self.vocabulary == "stork"
                else requested_level.eidas_uri
            )
            kwargs["requested_authn_context"] = RequestedAuthnContext(
                authn_context_class_ref=[AuthnContextClassRef(text=value)], comparison="minimum"
            )
        request_id, info = client.prepare_for_authenticate(
            entityid=self._idp(client), binding=BINDING_HTTP_REDIRECT, **kwargs
        )
        login_transaction_start(
            request=request,
            provider=self.key,
            purpose=purpose,
            requested_level=requested_level,
            next_url=next_url,
            request_id=str(request_id),
        )
        location = dict(info["headers"])["Location"]
        return HttpResponseRedirect(location)

    def complete(self, request: HttpRequest) -> VerifiedIdentity:
        if request.method != "POST" or "SAMLResponse" not in request.POST:
            raise AuthenticationRejected("invalid_response", "no SAMLResponse posted")
        # Requests this browser sent (used ones too: a replay is then caught by the assertion
        # ID below, and reported as what it is).
        outstanding = {
            txn.request_id: txn.next_url
            for txn in login_transactions_of_session(request=request, provider=self.key)
            if txn.request_id
        }
        client = self._client(request)
        try:
            response = client.parse_authn_request_response(
                request.POST["SAMLResponse"], BINDING_HTTP_POST, outstanding=outstanding
            )
        except (SignatureError, IncorrectlySigned, SigverError) as exc:
            raise AuthenticationRejected("bad_signature", type(exc).__name__) from None
        except UnsolicitedResponse:
            raise AuthenticationRejected(
                "unsolicited", "InResponseTo names no request of ours"
            ) from None
        except (ResponseLifetimeExceed, ToEarly) as exc:
            raise AuthenticationRejected("expired", type(exc).__name__) from None
        except StatusError as exc:
            raise AuthenticationRejected("provider_error", type(exc).__name__) from None
        except Exception as exc:  # pysaml2 raises bare Exceptions for some checks
            text = str(exc)
            if "AudienceRestriction" in text:
                reason = "wrong_audience"
            elif "Condition not OK" in text:  # validity window over (NotOnOrAfter <= NotBefore)
                reason = "expired"
            else:
                reason = "invalid_response"
            raise AuthenticationRejected(reason, type(exc).__name__) from None
        if response is None or response.assertion is None:
            raise AuthenticationRejected("invalid_response", "response could not be read")

        assertion = response.assertion
        conditions = assertion.conditions
        expires = dt.datetime.now(tz=dt.UTC) + ASSERTION_REPLAY_MINIMUM
        if conditions is not None and conditions.not_on_or_after:
            not_after = dt.datetime.fromisoformat(conditions.not_on_or_after.replace("Z", "+00:00"))
            expires = max(expires, not_after + dt.timedelta(seconds=self.clock_skew))
        replay_cache_add(provider=self.key, key=f"assertion:{assertion.id}", expires_at=expires)
        txn = login_transaction_consume(
            request=request, provider=self.key, request_id=str(response.in_response_to)
        )

        ava: dict[str, list[Any]] = response.ava or {}
        level = self._level(response, ava)
        if level is None:
            raise AuthenticationRejected("unknown_level", "no recognisable level of assurance")
        name_id = response.name_id
        if name_id is None or not name_id.text:
            raise AuthenticationRejected("invalid_response", "no NameID")

        def first(field: str) -> str:
            values = ava.get(self.attribute_names.get(field, ""), [])
            return str(values[0]) if values else ""

        return VerifiedIdentity(
            provider=self.key,
            subject=str(name_id.text),
            level=level,
            purpose=txn.purpose,
            next_url=txn.next_url,
            initiating_user_id=str(txn.user_id) if txn.user_id else None,
            email=first("email"),
            given_name=first("given_name"),
            family_name=first("family_name"),
            birth_date=first("birth_date"),
            address={
                "street": first("street"),
                "postal_code": first("postal_code"),
                "city": first("city"),
                "country": first("country"),
            },
            attributes={name: [str(v) for v in values] for name, values in ava.items()},
        )

    def _level(self, response: Any, ava: dict[str, list[Any]]) -> TrustLevel | None:
        if self.loa_attribute:
            return level_from_delivered(ava.get(self.loa_attribute, []))
        refs = [ref for ref, _authorities, *_rest in response.authn_info()]
        return level_from_delivered(refs)
