import io
import re

import pytest
from django.core.management import CommandError, call_command

from rathaus.accounts.models import User
from rathaus.apitokens.models import ApiClient, ApiToken
from rathaus.apitokens.selectors import TokenInvalid, token_authenticate
from rathaus.core.models import AuditEvent
from tests.staff.people import login_with_mfa

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"rth_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_commands_issue_rotate_and_revoke(api_client):
    first = run("apitoken_issue", str(api_client.pk), "--days", "10")
    assert TOKEN.fullmatch(first)
    token = token_authenticate(raw=first)

    second = run("apitoken_rotate", token.prefix, "--grace-hours", "0")
    assert TOKEN.fullmatch(second) and second != first
    with pytest.raises(TokenInvalid):
        token_authenticate(raw=first)
    successor = token_authenticate(raw=second)

    run("apitoken_revoke", successor.prefix)
    with pytest.raises(TokenInvalid):
        token_authenticate(raw=second)
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions[-3:] == ["apitoken.issue", "apitoken.rotate", "apitoken.revoke"]


def test_commands_report_unknown_objects(api_client):
    with pytest.raises(CommandError):
        run("apitoken_issue", "00000000-0000-0000-0000-000000000000")
    with pytest.raises(CommandError):
        run("apitoken_revoke", "nope")


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(
        username="admin", email="admin@example.org", kind=User.Kind.STAFF
    )
    login_with_mfa(client, admin)  # the staff area requires a second factor
    return client


def test_admin_shows_a_new_secret_once_and_never_lists_it(admin_client, api_client):
    response = admin_client.post(
        "/intern/admin/apitokens/apiclient/",
        {"action": "issue_token", "_selected_action": [str(api_client.pk)]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    plaintext = TOKEN.search(response.content.decode())
    assert plaintext is not None
    token = token_authenticate(raw=plaintext.group())
    assert AuditEvent.objects.filter(action="apitoken.issue", actor_label="admin").exists()

    secret = plaintext.group().split("_", 2)[2]
    for page in (
        "/intern/admin/apitokens/apitoken/",
        f"/intern/admin/apitokens/apitoken/{token.pk}/change/",
        f"/intern/admin/apitokens/apiclient/{api_client.pk}/change/",
    ):
        content = admin_client.get(page).content.decode()
        assert token.prefix in content
        assert secret not in content


def test_admin_creates_clients_through_the_service(admin_client, api_client):
    response = admin_client.post(
        "/intern/admin/apitokens/apiclient/add/",
        {
            "name": "Ordnungsamt",
            "municipality": str(api_client.municipality.pk),
            "scopes": ["catalog:read"],
            "description": "",
            "tokens-TOTAL_FORMS": "0",
            "tokens-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client = ApiClient.objects.get(name="Ordnungsamt")
    assert client.scopes == ["catalog:read"]
    assert AuditEvent.objects.filter(action="apiclient.create", object_id=str(client.pk)).exists()


def test_admin_rotates_and_revokes(admin_client, issued):
    response = admin_client.post(
        "/intern/admin/apitokens/apitoken/",
        {"action": "rotate", "_selected_action": [str(issued.token.pk)]},
    )
    new = TOKEN.search(response.content.decode())
    assert new is not None and new.group() != issued.plaintext
    successor = token_authenticate(raw=new.group())
    admin_client.post(
        "/intern/admin/apitokens/apitoken/",
        {"action": "revoke", "_selected_action": [str(successor.pk)]},
    )
    assert ApiToken.objects.get(pk=successor.pk).revoked_at is not None
