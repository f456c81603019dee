"""Errors outside the documented operations are problem+json as well."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v2/", "/api/v1/nothing/", "/api/v1/municipalities/x/y/z/", "/api/docs/extra/"]
)
def test_unknown_address_under_api(api, path):
    body = api.assert_problem(api.get(path, validate=False), 404)
    assert body["title"] == "Not Found"
    assert body["type"] == "about:blank"


def test_unknown_address_for_any_method(api, client):
    for method in ("post", "put", "delete", "options"):
        response = getattr(client, method)("/api/v1/nothing/")
        assert response.status_code == 404, method
        assert response["Content-Type"] == "application/problem+json"


def test_missing_slash_redirects_to_the_endpoint(api, db):
    response = api.get("/api/v1/municipalities", validate=False)
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/municipalities/"


def test_method_not_allowed(api, client, db):
    response = client.post("/api/v1/municipalities/", {"name": "Neustadt"})
    body = api.assert_problem(response, 405)
    assert body["title"] == "Method Not Allowed"
    assert "POST" in body["detail"]
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_problem_detail_in_english(api, db):
    body = api.get("/api/v1/municipalities/atlantis/", lang="en").json()
    assert body["detail"] == "No municipality “atlantis”."
    german = api.get("/api/v1/municipalities/", {"page": "x"}).json()
    english = api.get("/api/v1/municipalities/", {"page": "x"}, lang="en").json()
    assert english["detail"] == "Invalid page."
    assert german["detail"] != english["detail"]


def test_validation_problem_lists_every_invalid_parameter(api, db):
    body = api.assert_problem(
        api.get("/api/v1/services/", {"ozg_maturity": "9", "target_group": "x"}),
        400,
        "ValidationProblem",
    )
    assert sorted(body["errors"]) == ["ozg_maturity", "target_group"]
    assert all(
        isinstance(message, str) for messages in body["errors"].values() for message in messages
    )


def test_index_links(api, db):
    for path in ("/api/", "/api/v1/"):
        body = api.get(path, validate=False).json()
        assert body["schema"] == "http://testserver/api/schema/"
        assert body["docs"] == "http://testserver/api/docs/"
        assert body["v1"]["responsibility"] == "http://testserver/api/v1/responsibility/"
