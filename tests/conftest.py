import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests run in German (the portal's first language) unless they switch."""
    settings.LANGUAGE_CODE = "de"
