"""Second-factor secrets are encrypted at rest with a key outside the database."""

import importlib
import io
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client

from rathaus.accounts import mfa_secrets
from rathaus.demo import accounts as demo_accounts
from tests.accounts.conftest import login
from tests.accounts.test_mfa import current_code, enrol_totp

pytestmark = pytest.mark.django_db

migration = importlib.import_module("rathaus.accounts.migrations.0005_encrypt_mfa_secrets")


def raw_data(user) -> str:
    """The `data` column as the database holds it (what a dump or a backup contains)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM mfa_authenticator WHERE user_id = %s ORDER BY type",
            [user.pk.hex if connection.vendor == "sqlite" else user.pk],
        )
        return " ".join(str(row[0]) for row in cursor.fetchall())


def test_no_plaintext_secret_in_the_database_and_login_still_works(logged_in, citizen):
    secret = enrol_totp(logged_in)
    recovery = RecoveryCodes(Authenticator.objects.get(user=citizen, type="recovery_codes"))
    seed = mfa_secrets.mfa_secret_decrypt(recovery.instance.data["seed"])

    stored = raw_data(citizen)
    assert "secret" in stored and "seed" in stored
    assert secret not in stored and seed not in stored
    assert secret.lower() not in stored.lower()

    logged_in.post("/konto/abmelden/")
    assert login(logged_in)["Location"] == "/konto/2fa/authenticate/"
    response = logged_in.post("/konto/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert logged_in.session["_auth_user_id"] == str(citizen.pk)


def test_the_migration_encrypts_existing_secrets_and_reverses(citizen):
    plain_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    totp = Authenticator.objects.create(user=citizen, type="totp", data={"secret": plain_secret})
    codes = Authenticator.objects.create(
        user=citizen, type="recovery_codes", data={"seed": "ab" * 20, "used_mask": 0}
    )

    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)  # a second run changes nothing
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert plain_secret not in raw_data(citizen)
    assert mfa_secrets.mfa_secret_decrypt(totp.data["secret"]) == plain_secret
    assert mfa_secrets.mfa_secret_decrypt(codes.data["seed"]) == "ab" * 20
    assert codes.data["used_mask"] == 0

    migration.decrypt_secrets(apps, None)
    totp.refresh_from_db()
    assert totp.data == {"secret": plain_secret}


def test_keys_from_the_environment_rotate_and_a_wrong_key_is_an_error(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.RATHAUS_MFA_ENCRYPTION_KEYS = [old]
    token = mfa_secrets.mfa_secret_encrypt("JBSWY3DPEHPK3PXP")

    settings.RATHAUS_MFA_ENCRYPTION_KEYS = [new, old]
    assert mfa_secrets.mfa_secret_decrypt(token) == "JBSWY3DPEHPK3PXP"
    assert Fernet(new.encode()).decrypt(mfa_secrets.mfa_secret_encrypt("x").encode()) == b"x"

    settings.RATHAUS_MFA_ENCRYPTION_KEYS = [new]
    with pytest.raises(ImproperlyConfigured):
        mfa_secrets.mfa_secret_decrypt(token)
    settings.RATHAUS_MFA_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured):
        mfa_secrets.mfa_secret_encrypt("x")


def test_without_a_configured_key_one_is_kept_in_a_private_file(settings, tmp_path):
    settings.RATHAUS_MFA_ENCRYPTION_KEYS = []
    settings.RATHAUS_MFA_ENCRYPTION_KEY_FILE = str(tmp_path / "mfa.key")
    token = mfa_secrets.mfa_secret_encrypt("JBSWY3DPEHPK3PXP")
    key_file = tmp_path / "mfa.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert Fernet(key_file.read_text().strip().encode()).decrypt(token.encode()) == (
        b"JBSWY3DPEHPK3PXP"
    )


def test_the_demo_clerks_printed_secret_logs_in():
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    secret = re.search(r"TOTP secret ([A-Z2-7]+)", out.getvalue()).group(1)
    client = Client(REMOTE_ADDR="192.0.2.10")
    response = login(client, demo_accounts.CLERK_EMAIL, demo_accounts.CLERK_PASSWORD)
    assert response["Location"] == "/konto/2fa/authenticate/"
    response = client.post("/konto/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert secret not in raw_data(response.wsgi_request.user)
