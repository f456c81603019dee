"""Property: no input is a server error. Arbitrary text (NUL, control characters, unpaired
surrogates sent as the bytes a broken client would send, huge strings) into every field of
every step of every demo form; arbitrary JSON (and a deeply nested one) to the payment
webhook, signed and unsigned, and to every API write endpoint listed in the OpenAPI
document. Every response must be below 500.

Bounded: a few dozen examples per target, so the whole module runs in well under a minute.
"""

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rathaus.demo.data.forms import FORMS
from tests.api.test_submissions_api import bearer_for
from tests.applications.inbox_data import make_submission
from tests.factories import DraftFactory, FormDefinitionFactory, UserFactory
from tests.payments.conftest import SECRET, body_of, signed_headers, start_sandbox

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORM_FUZZ = settings(FUZZ, max_examples=25)  # six forms
DEEP_JSON = "[" * 5000 + "]" * 5000

# Text as a browser or a hostile client may send it: anything, with the characters we never
# store made likely; and sometimes very long.
nasty_characters = st.sampled_from(["\x00", "\x01", "\x1b", "\ufffe", "\ud800", "\udfff", "\t"])
short_texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.one_of(nasty_characters, st.characters()), max_size=30),
)
huge_texts = st.builds(
    lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(1000, 60_000)
)
texts = st.one_of(short_texts, huge_texts)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included: json.dumps writes them as NaN/Infinity
    | texts,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example in a savepoint rolled back afterwards: every example starts from the same
    state, and a database error (PostgreSQL aborts the transaction) cannot spill over into
    the examples tried next while hypothesis shrinks a failure."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def form_body(pairs: list[tuple[str, str]]) -> str:
    """URL-encoded like a browser, except that unpaired surrogates are sent as their
    (invalid) UTF-8 bytes instead of making the encoding fail."""
    return "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in pairs
    )


def json_body(value: Any) -> str:
    return json.dumps(value)  # unpaired surrogates become "\ud800" escapes


# --- Every field of every step of every demo form -----------------------------------------


def input_names(html: str) -> list[str]:
    """The names of the inputs of a rendered step, as the browser would send them."""
    names = re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html)
    return [n for n in dict.fromkeys(names) if n not in ("csrfmiddlewaretoken",)]


@pytest.mark.parametrize("service_slug", sorted(FORMS))
def test_no_form_step_input_is_a_server_error(client, service_slug):
    schema, ui = FORMS[service_slug]
    form = FormDefinitionFactory(
        schema=schema, ui=ui, service__slug=service_slug, service__fee_rule={"kind": "free"}
    )
    citizen = UserFactory()
    client.force_login(citizen)
    draft = DraftFactory(form=form, applicant=citizen, data={}, completed_steps=[])
    steps = []
    for step in ui["steps"]:
        url = reverse("apply:step", args=[draft.pk, step["id"]])
        page = client.get(url)
        assert page.status_code == 200
        names = [n for n in input_names(page.content.decode()) if n.startswith("/")]
        steps.append((url, names))
    assert all(names for _url, names in steps)

    @FORM_FUZZ
    @given(data=st.data())
    def post_step(data: st.DataObject) -> None:
        url, names = data.draw(st.sampled_from(steps))
        pairs = [(name, data.draw(short_texts)) for name in names]
        if data.draw(st.booleans()):  # one answer very long
            index = data.draw(st.integers(0, len(pairs) - 1))
            pairs[index] = (pairs[index][0], data.draw(huge_texts))
        pairs += data.draw(st.lists(st.tuples(texts, texts), max_size=2))  # unknown names
        pairs.append(("action", data.draw(st.sampled_from(["next", "save", "back", "\x00"]))))
        with rolled_back():
            response = client.post(
                url, form_body(pairs), content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code < 500

    post_step()


# --- The payment webhook ------------------------------------------------------------------


@pytest.fixture
def sandbox_payment(settings):
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice", "sandbox"]
    settings.RATHAUS_PAYMENT_SANDBOX_SECRET = SECRET
    settings.RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS = 300
    return start_sandbox(UserFactory()).payment


def test_no_webhook_body_is_a_server_error(sandbox_payment):
    client = Client()
    url = reverse("payments:notify", args=["sandbox"])
    # A notification of the right shape with arbitrary values, or arbitrary JSON.
    notifications = st.fixed_dictionaries(
        {
            "event_id": texts,
            "payment_reference": st.just(sandbox_payment.reference) | texts,
            "status": st.sampled_from(["paid", "failed", "pending", "refunded"]) | texts,
            "amount_cents": st.integers() | json_values,
            "currency": st.just("EUR") | texts,
            "occurred_at": st.just("2026-01-01T00:00:00+00:00") | texts,
        }
    )

    @FUZZ
    @given(
        body=st.one_of(notifications.map(json_body), json_values.map(json_body), st.binary()),
        signed=st.booleans(),
    )
    @example(body=DEEP_JSON, signed=True)
    @example(body=body_of(sandbox_payment).decode(), signed=True)
    def post_notification(body: str | bytes, signed: bool) -> None:
        raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        headers = signed_headers(raw) if signed else {}
        with rolled_back():
            response = client.post(url, data=raw, content_type="application/json", headers=headers)
        assert response.status_code < 500

    post_notification()


# --- Every API write endpoint -------------------------------------------------------------


def write_operations() -> list[tuple[str, str]]:
    """(method, path template) of every operation of the served OpenAPI document that is
    not a read, so that a new write endpoint is fuzzed without touching this test."""
    document = json.loads(Client().get("/api/schema/", {"format": "json"}).content)
    return [
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    ]


def test_no_api_write_body_is_a_server_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    operations = write_operations()
    assert operations  # the API has write endpoints; if not, this test is stale
    submission = make_submission()
    token = bearer_for(submission.municipality, "applications:read", "applications:write")
    client = Client()

    def path_of(template: str, known: bool) -> str:
        ids = {"id": str(submission.pk) if known else str(uuid.uuid4())}
        return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), str(uuid.uuid4())), template)

    @FUZZ
    @given(
        operation=st.sampled_from(operations),
        known=st.booleans(),
        body=st.one_of(
            json_values.map(json_body),
            st.fixed_dictionaries({"status": texts, "note": texts}).map(json_body),
            st.binary(),
        ),
    )
    def call(operation: tuple[str, str], known: bool, body: str | bytes) -> None:
        method, template = operation
        raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        with rolled_back():
            response = getattr(client, method)(
                path_of(template, known), raw, content_type="application/json", **token
            )
        assert response.status_code < 500

    for operation in operations:  # each one deeply nested at least once
        call = example(operation=operation, known=True, body=DEEP_JSON)(call)
    call()
