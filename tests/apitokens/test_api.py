"""Bearer tokens on the REST API: /api/v1/me/, the public endpoints, scopes and the schema."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from rathaus.api.authentication import HasScope, require_municipality
from rathaus.apitokens.models import ApiToken
from rathaus.apitokens.services import token_issue, token_revoke, token_rotate
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_me_describes_the_client_of_the_token(api, issued):
    response = api.get("/api/v1/me/", **bearer(issued.plaintext))
    assert response.status_code == 200
    assert response.json() == {
        "name": "Gewerbeverfahren",
        "municipality": {"slug": "cochem", "name": "Cochem", "ars": "071350020020"},
        "scopes": ["catalog:read", "applications:read"],
        "token_expires_at": response.json()["token_expires_at"],
    }
    expires = dt.datetime.fromisoformat(response.json()["token_expires_at"])
    assert expires == issued.token.expires_at


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer rth_nope_nope", "Bearer a b", "Basic dXNlcjpwYXNz"],
)
def test_me_refuses_missing_and_malformed_credentials(api, issued, header, in_english):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = api.get("/api/v1/me/", **headers)
    body = api.assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert body["title"] == "Unauthorized"


def test_me_refuses_expired_revoked_and_wrong_secret(api, issued):
    prefix = issued.token.prefix
    response = api.get("/api/v1/me/", lang="en", **bearer(f"rth_{prefix}_wrong"))
    body = api.assert_problem(response, 401)
    assert body["detail"] == "The token is invalid, expired or revoked."
    german = api.get("/api/v1/me/", lang="de", **bearer(f"rth_{prefix}_wrong"))
    assert german.json()["detail"] == "Das Token ist ungültig, abgelaufen oder widerrufen."

    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now())
    api.assert_problem(api.get("/api/v1/me/", **bearer(issued.plaintext)), 401)

    other = token_issue(actor=Actor.system("tests"), client=issued.token.client)
    assert api.get("/api/v1/me/", **bearer(other.plaintext)).status_code == 200
    token_revoke(actor=Actor.system("tests"), token=other.token)
    api.assert_problem(api.get("/api/v1/me/", **bearer(other.plaintext)), 401)


def test_old_and_new_token_both_work_during_rotation(api, issued):
    new = token_rotate(actor=Actor.system("tests"), token=issued.token)
    assert api.get("/api/v1/me/", **bearer(issued.plaintext)).status_code == 200
    assert api.get("/api/v1/me/", **bearer(new.plaintext)).status_code == 200


def test_token_use_is_audited_with_ip_and_user_agent_once_a_minute(api, issued):
    headers = {**bearer(issued.plaintext), "HTTP_USER_AGENT": "Gewerbe/1.0"}
    for _ in range(3):
        assert api.get("/api/v1/me/", REMOTE_ADDR="203.0.113.9", **headers).status_code == 200
    events = AuditEvent.objects.filter(action="apitoken.use", object_id=str(issued.token.pk))
    assert events.count() == 1
    event = events.get()
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", "Gewerbe/1.0")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None


def test_public_endpoints_stay_anonymous_and_accept_a_token(api, issued):
    MunicipalityFactory(slug="ulmen")
    assert api.get("/api/v1/municipalities/").status_code == 200
    assert api.get("/api/v1/municipalities/", **bearer(issued.plaintext)).status_code == 200
    # A bad token is refused rather than ignored: the client must notice.
    response = api.get("/api/v1/municipalities/", validate=False, **bearer("rth_x_y"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_schema_documents_the_bearer_scheme(token_document):
    scheme = token_document["components"]["securitySchemes"]["ApiToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    me = token_document["paths"]["/api/v1/me/"]["get"]
    assert me["operationId"] == "me_get"
    assert me["security"] == [{"ApiToken": []}]  # required here
    public = token_document["paths"]["/api/v1/municipalities/"]["get"]
    assert public["security"] == [{"ApiToken": []}, {}]  # optional there


class CatalogView(APIView):
    permission_classes = [HasScope.of("catalog:read")]

    def get(self, request, slug=None):
        if slug is not None:
            require_municipality(request, MunicipalityFactory._meta.model.objects.get(slug=slug))
        return Response({"ok": True})


class WriteView(APIView):
    permission_classes = [HasScope.of("applications:write")]

    def get(self, request):
        return Response({"ok": True})


@override_settings(ROOT_URLCONF="rathaus.urls")
def test_has_scope_and_municipality_check(issued):
    factory = APIRequestFactory()
    good = {"HTTP_AUTHORIZATION": f"Bearer {issued.plaintext}"}
    assert CatalogView.as_view()(factory.get("/x/")).status_code == 401
    assert CatalogView.as_view()(factory.get("/x/", **good)).status_code == 200
    assert WriteView.as_view()(factory.get("/x/", **good)).status_code == 403
    own = issued.token.client.municipality.slug
    assert CatalogView.as_view()(factory.get("/x/", **good), slug=own).status_code == 200
    other = MunicipalityFactory().slug
    assert CatalogView.as_view()(factory.get("/x/", **good), slug=other).status_code == 403


def test_has_scope_refuses_unknown_scopes():
    with pytest.raises(ValueError):
        HasScope.of("catalog:raed")


def test_schema_with_me_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/me/" in (tmp_path / "s.yaml").read_text()


def test_api_actor_is_the_tokens_client(issued):
    from rest_framework.request import Request

    from rathaus.api.authentication import ApiTokenAuthentication, api_actor

    raw = APIRequestFactory().get("/api/v1/me/", **bearer(issued.plaintext))
    request = Request(raw, authenticators=[ApiTokenAuthentication()])
    actor = api_actor(request)
    assert actor == Actor.api_client(issued.token.client)
    assert (actor.id, actor.municipality_id) == (
        str(issued.token.client.pk),
        issued.token.client.municipality_id,
    )
