"""Second-factor codes are limited per account and per client address, in the shared cache."""

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client

from rathaus.accounts.models import User
from rathaus.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, USER_AGENT, login
from tests.staff.people import enrol_totp, totp_code

ROOT = Path(__file__).resolve().parents[2]
AUTHENTICATE = "/konto/2fa/authenticate/"


def make_clerk(email: str = "clerk@verwaltung.example") -> tuple[User, str]:
    """A member of staff with a password and a TOTP authenticator; returns (user, secret)."""
    user = User.objects.create_user(
        username=email.split("@")[0],
        email=email,
        password=PASSWORD,
        kind=User.Kind.STAFF,
        is_staff=True,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, enrol_totp(user)


def wrong_code(secret: str) -> str:
    """A code that is valid in none of the accepted time windows."""
    now = time.time()
    valid = {totp_code(secret, at=now + shift) for shift in (-60, -30, 0, 30, 60)}
    return next(code for code in (f"{n:06d}" for n in range(1000, 2000)) if code not in valid)


def password_step(client: Client, email: str) -> None:
    response = login(client, email)
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE


def test_fifteen_wrong_codes_lock_the_account_and_the_right_code_no_longer_logs_in(db):
    clerk, secret = make_clerk()
    client = Client(REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT=USER_AGENT)
    password_step(client, clerk.email)
    for _ in range(15):
        response = client.post(AUTHENTICATE, {"code": wrong_code(secret)})
        assert response.status_code == 200
    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert "_auth_user_id" not in client.session
    assert client.get("/intern/")["Location"].startswith("/konto/anmelden/")

    # A new login from another address does not reset the account's count.
    other = Client(REMOTE_ADDR="203.0.113.44", HTTP_USER_AGENT=USER_AGENT)
    password_step(other, clerk.email)
    other.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert "_auth_user_id" not in other.session

    # Every failure is in the audit trail: the wrong codes and the refused ones.
    failures = AuditEvent.objects.filter(action="mfa.authenticate_failed", object_id=str(clerk.pk))
    assert failures.count() == 17
    refused = failures.filter(details__reason="too_many_login_attempts")
    assert refused.count() == 17 - settings.RATHAUS_MFA_FAILURE_LIMIT
    assert set(failures.values_list("ip_address", flat=True)) == {"198.51.100.20", "203.0.113.44"}
    assert not AuditEvent.objects.filter(action="mfa.authenticate").exists()


def test_a_few_wrong_codes_still_let_the_right_one_in(db):
    clerk, secret = make_clerk()
    client = Client(REMOTE_ADDR="198.51.100.21")
    password_step(client, clerk.email)
    for _ in range(settings.RATHAUS_MFA_FAILURE_LIMIT - 1):
        client.post(AUTHENTICATE, {"code": wrong_code(secret)})
    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)
    assert not client.get("/intern/").get("Location", "").startswith("/konto/anmelden/")


def _fail_from(address: str, accounts: int, per_account: int, **extra: str) -> None:
    for i in range(accounts):
        clerk, secret = make_clerk(f"clerk{i}@verwaltung.example")
        client = Client(REMOTE_ADDR=address, **extra)
        password_step(client, clerk.email)
        for _ in range(per_account):
            client.post(AUTHENTICATE, {"code": wrong_code(secret)})


def test_wrong_codes_are_limited_per_client_address_across_accounts(db):
    per_account = settings.RATHAUS_MFA_FAILURE_LIMIT - 1  # never trips the account limit
    accounts = -(-settings.RATHAUS_MFA_FAILURE_LIMIT_PER_ADDRESS // per_account)
    _fail_from("198.51.100.30", accounts, per_account)

    fresh, secret = make_clerk("fresh@verwaltung.example")
    client = Client(REMOTE_ADDR="198.51.100.30")
    password_step(client, fresh.email)
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert "_auth_user_id" not in client.session

    elsewhere = Client(REMOTE_ADDR="203.0.113.45")
    password_step(elsewhere, fresh.email)
    assert elsewhere.post(AUTHENTICATE, {"code": totp_code(secret)}).status_code == 302


def test_behind_a_trusted_proxy_clients_are_counted_separately(db, settings):
    settings.RATHAUS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    per_account = settings.RATHAUS_MFA_FAILURE_LIMIT - 1
    accounts = -(-settings.RATHAUS_MFA_FAILURE_LIMIT_PER_ADDRESS // per_account)
    _fail_from("10.0.0.2", accounts, per_account, HTTP_X_FORWARDED_FOR="198.51.100.31")

    fresh, secret = make_clerk("fresh@verwaltung.example")
    # The same proxy, another client: not limited.
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.32")
    password_step(client, fresh.email)
    assert client.post(AUTHENTICATE, {"code": totp_code(secret)}).status_code == 302
    # The client that failed: limited, whichever of the proxies it comes through.
    again = Client(REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="198.51.100.31")
    password_step(again, fresh.email)
    again.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert "_auth_user_id" not in again.session


def test_the_cache_is_shared_by_all_processes():
    assert not isinstance(cache, LocMemCache)
    assert settings.CACHES["default"]["BACKEND"] in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] or ""
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{s['NAME']}"


FAIL_IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    email, password, code, count = sys.argv[1:5]
    client = Client(REMOTE_ADDR="198.51.100.50")
    response = client.post("/konto/anmelden/", {"login": email, "password": password})
    assert response.status_code == 302, response.status_code
    for _ in range(int(count)):
        assert client.post("/konto/2fa/authenticate/", {"code": code}).status_code == 200
    """
)


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """A real Redis server on a free loopback port (skipped where redis-server is missing)."""
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)]
    process = subprocess.Popen([server, *args], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _cross_process_lockout(extra_env: dict[str, str]) -> None:
    clerk, secret = make_clerk()
    env = {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "rathaus.conf.test",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    args = [clerk.email, PASSWORD, wrong_code(secret), str(settings.RATHAUS_MFA_FAILURE_LIMIT)]
    result = subprocess.run(
        [sys.executable, "-c", FAIL_IN_ANOTHER_PROCESS, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    client = Client(REMOTE_ADDR="203.0.113.46")
    password_step(client, clerk.email)
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_wrong_codes_counted_by_another_process_lock_here_too():
    _cross_process_lockout({})


@pytest.mark.django_db(transaction=True)
def test_with_redis_the_limits_hold_across_processes_too(redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    _cross_process_lockout({"RATHAUS_CACHE_URL": redis_url})
