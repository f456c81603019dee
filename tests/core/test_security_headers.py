import pytest


@pytest.mark.django_db
def test_security_headers_on_real_responses(client, settings):
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_cookie_defaults(settings):
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_secret_key_is_required_in_production(monkeypatch):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "RATHAUS_VAR_DIR": "/tmp/rathaus-secret-test"}
    result = subprocess.run(
        [sys.executable, "-c", "import rathaus.conf.base"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "RATHAUS_SECRET_KEY must be set" in result.stderr
