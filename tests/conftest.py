import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests run in German (the portal's first language) unless they switch."""
    settings.LANGUAGE_CODE = "de"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits (allauth) live in the cache: every test starts without counted attempts."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def in_english():
    """Run a test with English messages (for asserting on error texts)."""
    from django.utils import translation

    with translation.override("en"):
        yield
