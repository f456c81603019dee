"""Fixtures for the API token tests: a client of a municipality and issued tokens."""

import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches
from openapi_core import Config, OpenAPI

from rathaus.apitokens.models import ApiClient
from rathaus.apitokens.services import IssuedToken, client_create, token_issue
from rathaus.core.actors import Actor
from tests.api.conftest import ApiClient as SchemaValidatingClient
from tests.api.conftest import strict
from tests.factories import MunicipalityFactory

TEST_URLCONF = "rathaus.urls"


@pytest.fixture
def api_client(db: None) -> ApiClient:
    municipality = MunicipalityFactory(name="Cochem", slug="cochem", ars="071350020020")
    return client_create(
        actor=Actor.system("tests"),
        name="Gewerbeverfahren",
        municipality=municipality,
        scopes=["catalog:read", "applications:read"],
    )


@pytest.fixture
def issued(api_client: ApiClient) -> IssuedToken:
    return token_issue(actor=Actor.system("tests"), client=api_client)


@pytest.fixture(scope="session")
def token_document(django_db_blocker: Any) -> dict[str, Any]:
    """The OpenAPI document as served with /api/v1/me/ routed."""
    with override_settings(ROOT_URLCONF=TEST_URLCONF), django_db_blocker.unblock():
        clear_url_caches()
        response = Client().get("/api/schema/", {"format": "json"})
    clear_url_caches()
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content)
    return document


@pytest.fixture(scope="session")
def token_openapi(token_document: dict[str, Any]) -> OpenAPI:
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(strict(json.loads(json.dumps(token_document))), config=config)


@pytest.fixture
def api(client: Client, token_openapi: OpenAPI, token_document: dict[str, Any]) -> Any:
    return SchemaValidatingClient(
        client, token_openapi, strict(json.loads(json.dumps(token_document)))
    )
