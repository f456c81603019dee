import pytest
from cryptography.fernet import Fernet


@pytest.fixture(autouse=True)
def config_key(settings):
    """A fresh RATHAUS_CONFIG_ENCRYPTION_KEY for every test (the profiles' secrets); the
    key is returned for tests that decrypt a raw row themselves."""
    key = Fernet.generate_key().decode()
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [key]
    return key
