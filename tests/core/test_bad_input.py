"""Bad input is a clear 400, never a 500: NUL and other characters no text column can hold
(form fields, queries, JSON strings), JSON nested deeper than the parser's recursion limit,
NaN, oversized API bodies. Run on SQLite and PostgreSQL (which refuses NUL in text)."""

import json

import pytest
from django.urls import reverse

from rathaus.applications.models import Draft
from rathaus.cases.models import StatusChange
from rathaus.core.json_input import MAX_JSON_DEPTH, JSONInputError, json_depth_exceeds, json_parse
from rathaus.staff.models import Role
from tests.api.test_submissions_api import bearer_for
from tests.applications.inbox_data import make_submission
from tests.factories import DraftFactory, MunicipalityFactory, UserFactory
from tests.payments.conftest import body_of, signed_headers
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DEEP = "[" * 5000 + "]" * 5000


def nested(depth: int) -> str:
    return '{"a":' * (depth - 1) + "[]" + "}" * (depth - 1)


# --- The JSON reader --------------------------------------------------------------------


def test_json_depth_is_counted_without_recursion_and_ignores_brackets_in_strings():
    assert json_parse(nested(MAX_JSON_DEPTH)) is not None
    with pytest.raises(JSONInputError, match="64"):
        json_parse(nested(MAX_JSON_DEPTH + 1))
    with pytest.raises(JSONInputError):
        json_parse("[" * 1_000_000)  # far beyond Python's recursion limit
    assert not json_depth_exceeds('["[[[[", "\\"[[[[", {"[[[[": "]]"}]', 2)
    assert json_parse('{"a\\"[[": "[[[["}') == {'a"[[': "[[[["}


@pytest.mark.parametrize(
    "text",
    ['"a\\u0000b"', '{"\\u0000": 1}', '["\\ud800"]', '"\\u0007"', "NaN", "[1e999]", "\xff"],
    ids=["NUL", "NUL in key", "lone surrogate", "bell", "NaN", "infinite", "not JSON"],
)
def test_json_reader_refuses_what_we_cannot_store(text):
    with pytest.raises(JSONInputError):
        json_parse(text)


def test_json_reader_keeps_ordinary_text():
    assert json_parse('{"name": "Zoë 😀\\ud83d\\ude00\\t\\n"}') == {"name": "Zoë 😀😀\t\n"}


# --- API --------------------------------------------------------------------------------


@pytest.fixture
def submission(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_submission()


@pytest.fixture
def writer(submission):
    return bearer_for(submission.municipality, "applications:read", "applications:write")


def _status_url(submission):
    return reverse("api:v1:submission-status", args=[submission.pk])


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        nested(MAX_JSON_DEPTH + 1),
        '{"status": "in_progress", "note": "a\\u0000b"}',
        '{"status": "in_progress", "note": "\\ud800"}',
        '{"status": "in_progress", "note": NaN}',
    ],
    ids=["5000 deep", "65 deep", "NUL", "lone surrogate", "NaN"],
)
def test_api_write_with_bad_json_is_a_400_problem(client, submission, writer, body):
    response = client.post(_status_url(submission), body, content_type="application/json", **writer)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 400 and problem["detail"]
    assert not StatusChange.objects.filter(case=submission.case, note__contains="b").exists()


def test_api_form_encoded_nul_is_a_400_problem(client, submission, writer):
    response = client.post(
        _status_url(submission), {"status": "in_progress", "note": "a\x00b"}, **writer
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_api_query_with_nul_is_a_400_problem(client, submission, writer):
    response = client.get("/api/v1/services/", {"q": "Hund\x00"})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "q" in response.json()["detail"]


def test_api_body_larger_than_the_limit_is_a_413_problem(client, settings, submission, writer):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"status": "in_progress", "note": "x" * 2000})
    response = client.post(_status_url(submission), body, content_type="application/json", **writer)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_api_still_accepts_a_good_body(client, submission, writer):
    body = json.dumps({"status": "in_progress", "note": "Zoë prüft 😀"})
    response = client.post(_status_url(submission), body, content_type="application/json", **writer)
    assert response.status_code == 200
    assert response.json()["note"] == "Zoë prüft 😀"


# --- Payment webhook --------------------------------------------------------------------


@pytest.fixture
def sandbox_payment(settings):
    from tests.payments.conftest import SECRET, start_sandbox

    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice", "sandbox"]
    settings.RATHAUS_PAYMENT_SANDBOX_SECRET = SECRET
    settings.RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS = 300
    return start_sandbox(UserFactory()).payment


@pytest.mark.parametrize(
    "make_body",
    [
        lambda payment: DEEP.encode(),
        lambda payment: body_of(payment)[:-1] + b', "x": ' + nested(100).encode() + b"}",
        lambda payment: body_of(payment, event_id="evt\x00"),
        lambda payment: body_of(payment).replace(b'"evt-1"', b'"\\ud800"'),
    ],
    ids=["5000 deep", "100 deep inside", "NUL in event id", "lone surrogate"],
)
def test_signed_webhook_with_bad_json_is_a_400_problem(client, sandbox_payment, make_body):
    body = make_body(sandbox_payment)
    response = client.post(
        reverse("payments:notify", args=["sandbox"]),
        data=body,
        content_type="application/json",
        headers=signed_headers(body),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["reason"] == "payload"


# --- Portal: the application form -------------------------------------------------------


@pytest.fixture
def citizen(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\ufffe"], ids=["NUL", "escape", "U+FFFE"])
def test_form_step_reports_an_invalid_character_at_the_field(client, citizen, bad):
    draft = DraftFactory(applicant=citizen, data={}, completed_steps=[])
    url = reverse("apply:step", args=[draft.pk, "person"])
    page = client.post(url, {"/name": f"Erika{bad} Mustermann", "action": "next"})
    assert page.status_code == 200  # the step again, not the next one
    html = page.content.decode()
    assert 'href="#f-name"' in html  # the error summary links to the field
    assert "„Name“ enthielt ein unzulässiges Zeichen" in html
    # Taken out, the rest kept: nothing typed is lost, the database never saw it.
    assert Draft.objects.get(pk=draft.pk).data == {"name": "Erika Mustermann"}
    assert 'value="Erika Mustermann"' in html
    # Sent again as shown: on to the next step.
    response = client.post(url, {"/name": "Erika Mustermann", "action": "next"})
    assert response.status_code == 302


def test_form_step_with_nul_in_a_field_name_or_a_number_is_no_500(client, citizen):
    draft = DraftFactory(applicant=citizen, data={}, completed_steps=[])
    url = reverse("apply:step", args=[draft.pk, "dogs"])
    page = client.post(url, {"/dogs": "2\x00", "/x\x00": "y", "action": "next\x00"})
    assert page.status_code == 200
    assert "„Anzahl Hunde“ enthielt ein unzulässiges Zeichen" in page.content.decode()
    assert Draft.objects.get(pk=draft.pk).data == {"dogs": 2}


# --- Everywhere else: the backstop ------------------------------------------------------


def test_search_query_with_nul_is_a_400_page(client):
    municipality = MunicipalityFactory()
    url = reverse("portal:search", args=[municipality.slug])
    assert client.get(url, {"q": "Hund"}).status_code == 200
    response = client.get(url, {"q": "Hund\x00"})
    assert response.status_code == 400
    assert "Unzulässiges Zeichen" in response.content.decode()


def test_profile_form_with_nul_is_a_400_page(client, citizen):
    response = client.post(reverse("accounts:profile"), {"first_name": "Er\x00ika"})
    assert response.status_code == 400
    citizen.refresh_from_db()
    assert citizen.first_name == "Erika"


@pytest.mark.parametrize("url_name", ["account_login", "account_signup"])
def test_login_and_signup_with_nul_are_no_500(client, url_name):
    response = client.post(
        reverse(url_name),
        {"login": "a\x00@example.org", "email": "a\x00@example.org", "password": "x\x00"},
    )
    assert response.status_code == 400


def test_backoffice_form_with_nul_is_a_400_page(client, submission):
    clerk = make_staff("clerk", (submission.office, Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    response = client.post(
        reverse("backoffice:submission-status", args=[submission.pk]),
        {"status": "in_progress", "note": "bitte\x00"},
    )
    assert response.status_code == 400
    assert not StatusChange.objects.filter(note__startswith="bitte").exists()
