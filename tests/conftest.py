import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests run in German (the portal's first language) unless they switch."""
    settings.LANGUAGE_CODE = "de"


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate limits (allauth) live in the cache: every test starts without counted attempts.

    The cache is a database table (shared by all processes, like in production), so only a
    test that uses the database can have filled it, and only such a test may clear it.
    """
    from django.core.cache import cache

    if request.node.get_closest_marker("django_db") or "_django_db_helper" in request.fixturenames:
        request.getfixturevalue("_django_db_helper")
        cache.clear()
    yield


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in to /intern/ as a superuser "admin" (with a second factor, which
    /intern/ needs in the session)."""
    from tests.staff.people import login_with_mfa

    user = django_user_model.objects.create_superuser(
        username="admin", password="pw-" * 6, email="a@b.de"
    )
    login_with_mfa(client, user)
    return client


@pytest.fixture
def in_english():
    """Run a test with English messages (for asserting on error texts)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_trigger():
    """Transactional tests end with Django's flush, one TRUNCATE of every table; on PostgreSQL
    the audit table refuses TRUNCATE (core migration 0004). The test run owns its database and
    switches that trigger off for the flush's transaction only; production never flushes."""
    from unittest import mock

    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    trigger = "core_auditevent_no_truncate"

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements or "core_auditevent" not in tables:
            return statements
        return [
            f"ALTER TABLE core_auditevent DISABLE TRIGGER {trigger}",
            *statements,
            f"ALTER TABLE core_auditevent ENABLE TRIGGER {trigger}",
        ]

    with mock.patch.object(DatabaseOperations, "sql_flush", sql_flush):
        yield


# --- Uploads and virus scanning (a real clamd, EICAR signature only) ---


@pytest.fixture(scope="session")
def clamd_url():
    """URL of a private clamd started for this test session (tests/clamav_server.py)."""
    from rathaus.contrib.clamav.local import ClamdMissing, clamd_binary
    from tests.clamav_server import clamd_running

    try:
        clamd_binary()
    except ClamdMissing as exc:  # not skipped: CI installs clamav-daemon
        pytest.fail(f"{exc} — the upload tests need a real ClamAV daemon", pytrace=False)
    with clamd_running() as url:
        yield url


@pytest.fixture
def clamav(settings, clamd_url):
    """Point the app at the test clamd."""
    settings.RATHAUS_CLAMAV_URL = clamd_url
    settings.RATHAUS_CLAMAV_TIMEOUT_SECONDS = 10
    return clamd_url


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh directory per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
