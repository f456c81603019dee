import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from rathaus.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def reauthenticate(client) -> None:
    """allauth asks for the password again before security settings change."""
    response = client.post("/konto/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def enrol_totp(client) -> str:
    reauthenticate(client)
    response = client.get("/konto/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/konto/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return secret


def test_totp_enrolment_and_login_with_code(logged_in, citizen, django_capture_on_commit_callbacks):
    # allauth signals the new authenticator after commit.
    with django_capture_on_commit_callbacks(execute=True):
        secret = enrol_totp(logged_in)
    assert Authenticator.objects.filter(user=citizen, type="totp").exists()
    # Enrolling the first factor also creates recovery codes.
    assert Authenticator.objects.filter(user=citizen, type="recovery_codes").exists()
    assert AuditEvent.objects.filter(action="mfa.add", actor_id=str(citizen.pk)).exists()

    logged_in.post("/konto/abmelden/")
    response = login(logged_in)
    assert response.status_code == 302
    assert response["Location"] == "/konto/2fa/authenticate/"
    assert "_auth_user_id" not in logged_in.session

    response = logged_in.post("/konto/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in logged_in.session
    failed = AuditEvent.objects.get(action="mfa.authenticate_failed")
    assert failed.object_id == str(citizen.pk) and failed.ip_address == "192.0.2.10"

    response = logged_in.post("/konto/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert logged_in.session["_auth_user_id"] == str(citizen.pk)
    used = AuditEvent.objects.get(action="mfa.authenticate")
    assert used.details["type"] == "totp" and used.user_agent == "pytest-browser/1.0"


def test_recovery_code_logs_in_once(logged_in, citizen):
    enrol_totp(logged_in)
    response = logged_in.get("/konto/2fa/recovery-codes/")
    assert response.status_code == 200
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes(Authenticator.objects.get(user=citizen, type="recovery_codes"))
    code = codes.get_unused_codes()[0]
    logged_in.post("/konto/abmelden/")

    login(logged_in)
    response = logged_in.post("/konto/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert logged_in.session["_auth_user_id"] == str(citizen.pk)
    assert AuditEvent.objects.filter(
        action="mfa.authenticate", details__type="recovery_codes"
    ).exists()

    logged_in.post("/konto/abmelden/")
    login(logged_in)
    response = logged_in.post("/konto/2fa/authenticate/", {"code": code})
    assert "_auth_user_id" not in logged_in.session


def test_webauthn_pages_render_and_reject_bad_data(logged_in, citizen):
    reauthenticate(logged_in)
    response = logged_in.get("/konto/2fa/webauthn/add/")
    assert response.status_code == 200
    html = response.content.decode()
    # allauth's JavaScript comes from our static files; the data is inert JSON.
    assert "/static/mfa/js/webauthn.js" in html
    assert 'id="js_data" type="application/json"' in html
    data = json.loads(
        html.split('<script id="js_data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["creation_options"]["publicKey"]["rp"]["id"] == "testserver"

    response = logged_in.post(
        "/konto/2fa/webauthn/add/", {"name": "Schlüssel", "credential": '{"id": "bogus"}'}
    )
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=citizen, type="webauthn").exists()

    logged_in.post("/konto/abmelden/")
    for credential in ("not json", '{"id": "bogus"}', '{"id": "a", "rawId": "b", "response": {}}'):
        response = logged_in.post("/konto/2fa/webauthn/login/", {"credential": credential})
        assert response.status_code in {200, 302}
        assert "_auth_user_id" not in logged_in.session
