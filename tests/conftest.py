import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests run in German (the portal's first language) unless they switch."""
    settings.LANGUAGE_CODE = "de"


@pytest.fixture
def in_english():
    """Run a test with English messages (for asserting on error texts)."""
    from django.utils import translation

    with translation.override("en"):
        yield
