import pytest


@pytest.fixture
def demo_seal(settings, tmp_path):
    """An installation without its own seal or TSA: the demo CA under VAR_DIR/seal signs and
    time-stamps receipts (as `make run` sets it up)."""
    from rathaus.seals.demo_ca import demo_ca_create

    settings.VAR_DIR = tmp_path / "var"
    settings.RATHAUS_SEAL_KEY_FILE = ""
    settings.RATHAUS_SEAL_CERT_FILE = ""
    settings.RATHAUS_SEAL_CHAIN_FILES = []
    settings.RATHAUS_TSA_URLS = []
    settings.RATHAUS_TSA_CERT_FILE = ""
    settings.RATHAUS_TSA_KEY_FILE = ""
    settings.RATHAUS_TSA_TRUST_ROOT_FILES = []
    files, created = demo_ca_create()
    assert created and files.tsa_exists()
    return files
