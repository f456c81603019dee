import copy
import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.validation.response.exceptions import InvalidData

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "municipality_list",
    "municipality_get",
    "office_list",
    "office_get",
    "municipality_service_list",
    "municipality_service_get",
    "municipality_search",
    "service_list",
    "service_get",
    "responsibility_find",
    "me_get",
    "submission_list",
    "submission_get",
    "submission_attachment_get",
    "submission_receipt_get",
    "submission_acknowledge",
    "submission_status_set",
    "submission_threads_list",
    "submission_message_send",
    "submission_act_provide",
    "mailbox_batch_send",
    "mailbox_message_list",
    "mailbox_message_get",
    "mailbox_message_receipts",
    "mailbox_receipt_bundle",
    "mailbox_attachment_get",
    "mailbox_attachments_zip",
    "mailbox_receipt_verify",
    "my_mailbox_threads",
    "my_mailbox_thread_get",
    "my_mailbox_attachment_get",
    "my_mailbox_attachments_zip",
    "records_file_list",
    "records_file_create",
    "records_file_get",
    "records_file_close",
    "records_file_reopen",
    "records_file_case_file",
    "records_document_add",
    "records_document_get",
    "records_version_add",
    "records_version_content",
    "records_search",
}
# Operations that answer with a file instead of JSON.
FILE_OPERATIONS = {
    "submission_attachment_get",
    "submission_receipt_get",
    "mailbox_receipt_bundle",
    "mailbox_attachment_get",
    "mailbox_attachments_zip",
    "my_mailbox_attachment_get",
    "my_mailbox_attachments_zip",
    "records_version_content",
}


def test_schema_is_served_as_openapi_31_with_named_operations(served_document):
    assert served_document["openapi"] == "3.1.0"
    operation_ids = {
        operation["operationId"]
        for item in served_document["paths"].values()
        for operation in item.values()
    }
    assert operation_ids == OPERATIONS
    assert all(path.startswith("/api/v1/") for path in served_document["paths"])


def test_schema_yaml(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"openapi: 3.1.0" in response.content


def test_errors_are_documented_as_problem_json(served_document):
    for path, item in served_document["paths"].items():
        for operation in item.values():
            responses = operation["responses"]
            if operation["operationId"] not in FILE_OPERATIONS:
                success = responses.get("200") or responses["201"]  # 201: a message sent
                assert set(success["content"]) == {"application/json"}, path
            errors = [code for code in responses if code.startswith("4")]
            assert {"400", "401", "404"} & set(errors), path
            for code in errors:
                assert set(responses[code]["content"]) == {"application/problem+json"}, (path, code)


def test_schema_generates_without_warnings(tmp_path):
    """What `manage.py spectacular --validate --fail-on-warn` checks, for the served document."""
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.1.0")


def test_validation_catches_a_serializer_that_disagrees_with_the_schema(
    api, openapi_document, district
):
    """The validation the other tests rely on is real: an undeclared field, a missing field or
    a wrong type each fail."""
    response = api.get("/api/v1/municipalities/ulmen/")
    spec = OpenAPI.from_dict(copy.deepcopy(openapi_document))
    request = DjangoOpenAPIRequest(response.wsgi_request)
    spec.validate_response(request, DjangoOpenAPIResponse(response))

    original = response.content
    for tamper in (
        lambda body: body.update(secret="x"),
        lambda body: body.pop("ars"),
        lambda body: body.update(children="ulmen"),
        lambda body: body["contact"].update(fax="0"),
    ):
        body = response.json()
        tamper(body)
        response.content = json.dumps(body).encode()
        with pytest.raises(InvalidData):
            spec.validate_response(request, DjangoOpenAPIResponse(response))
        response.content = original


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_docs_page_and_its_script_load_under_the_csp(client, settings):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert csp == settings.CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp
    assert re.search(r"script-src 'self'", csp)

    parser = _Tags()
    parser.feed(page.content.decode())
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts and all(attrs.get("src") for attrs in scripts), "inline script would be blocked"
    assert not [tag for tag, _ in parser.tags if tag == "style"], "inline style would be blocked"
    assert not [attrs for _, attrs in parser.tags if "style" in attrs]
    assert ("html", {"lang": "en"}) in parser.tags

    init = next(attrs["src"] for attrs in scripts if "script" in attrs["src"])
    assert init.startswith("/api/docs/?")
    script = client.get(init)
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert script["Content-Security-Policy"] == csp
    assert b"SwaggerUIBundle" in script.content
    assert b'"/api/schema/"' in script.content

    static = [attrs["src"] for attrs in scripts if attrs["src"] != init]
    static += [
        attrs["href"]
        for tag, attrs in parser.tags
        if tag == "link" and attrs.get("rel") == "stylesheet"
    ]
    assert len(static) == 4
    for url in static:
        assert url.startswith(settings.STATIC_URL), url
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
