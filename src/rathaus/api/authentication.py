"""Bearer tokens of specialist systems (Fachverfahren) for the REST API.

A token is accepted everywhere but required only where a view asks for it with `HasScope`:
the public read API stays anonymous. A malformed, unknown, expired or revoked token is
refused with 401 even on public endpoints, so a client never silently runs without the
rights it thinks it has.
"""

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from rathaus.apitokens.models import ApiClient, ApiToken
from rathaus.apitokens.selectors import TokenInvalid, token_authenticate
from rathaus.apitokens.services import token_record_use
from rathaus.core.actors import Actor
from rathaus.municipalities.models import Municipality

if TYPE_CHECKING:
    # Importing DRF's views here would be circular: APIView reads this module's class from
    # the settings when it is defined.
    from drf_spectacular.openapi import AutoSchema
    from rest_framework.views import APIView

SCHEME = "Bearer"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer rth_<prefix>_<secret>` → (client, token)."""

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != SCHEME.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header is malformed."))
        try:
            token = token_authenticate(raw=header[1].decode("ascii"))
        except (TokenInvalid, UnicodeDecodeError) as exc:
            raise exceptions.AuthenticationFailed(
                _("The token is invalid, expired or revoked.")
            ) from exc
        token_record_use(token=token)
        return token.client, token

    def authenticate_header(self, request: Request) -> str:
        return f'{SCHEME} realm="api"'


class HasScope(BasePermission):
    """Requires a token whose client holds `scope`: `permission_classes = [HasScope.of("…")]`.

    Without a token the answer is 401 (DRF asks for credentials), with a token lacking the
    scope 403.
    """

    scope = ""

    @classmethod
    def of(cls, scope: str) -> type["HasScope"]:
        from rathaus.apitokens.selectors import SCOPES

        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        return type(f"HasScope_{scope.replace(':', '_')}", (cls,), {"scope": scope})

    def has_permission(self, request: Request, view: "APIView") -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated()
        if self.scope not in token.client.scopes:
            raise exceptions.PermissionDenied(
                _("The token lacks the scope %(scope)s.") % {"scope": self.scope}
            )
        return True


def api_actor(request: Request) -> Actor:
    """The actor of an authenticated API request: the token's client, acting as itself (the
    audit trail records it as `api_client` with its id, in its municipality)."""
    token = request.auth
    if not isinstance(token, ApiToken):
        raise exceptions.NotAuthenticated()
    return Actor.api_client(token.client)


def require_municipality(request: Request, municipality: Municipality) -> None:
    """Refuse (403) a token whose client belongs to another municipality than `municipality`.

    Endpoints that read or change one municipality's data call this after looking it up.
    """
    token = request.auth
    if not isinstance(token, ApiToken):
        raise exceptions.NotAuthenticated()
    if token.client.municipality_id != municipality.pk:
        raise exceptions.PermissionDenied(_("The token is not valid for this municipality."))


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer token as the `ApiToken` security scheme."""

    target_class = ApiTokenAuthentication
    name = "ApiToken"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rth_<prefix>_<secret>",
            "description": (
                "Token of a specialist system (Fachverfahren), issued by the municipality's "
                "administrators. Optional for the public read endpoints."
            ),
        }
