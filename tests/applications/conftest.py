import copy

import pytest

from tests.factories import ServiceFactory

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "person": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 50},
                "born": {"type": "string", "format": "date"},
                "kind": {"type": "string", "enum": ["private", "company"]},
                "company": {"type": "string", "pattern": "^[A-Z]"},
            },
            "required": ["name", "kind", "company"],
        },
        "dogs": {"type": "integer", "minimum": 1, "maximum": 3},
    },
    "required": ["person", "dogs"],
}

UI = {
    "steps": [
        {
            "id": "person",
            "title": {"de": "Person", "en": "Person"},
            "fields": [
                {"field": "/person/name", "label": {"de": "Name", "en": "Name"}},
                {"field": "/person/born", "label": {"de": "Geburtsdatum", "en": "Born"}},
                {
                    "field": "/person/kind",
                    "label": {"de": "Art", "en": "Kind"},
                    "options": {"private": {"de": "privat"}, "company": {"de": "Firma"}},
                },
                {
                    "field": "/person/company",
                    "label": {"de": "Firma", "en": "Company"},
                    "help": {"de": "Wie im Register", "en": "As registered"},
                    "visible_if": {"field": "/person/kind", "equals": "company"},
                },
            ],
        },
        {
            "id": "dogs",
            "title": {"de": "Hunde", "en": "Dogs"},
            "fields": [{"field": "/dogs", "label": {"de": "Anzahl Hunde", "en": "Dogs"}}],
        },
    ]
}


@pytest.fixture
def schema():
    return copy.deepcopy(SCHEMA)


@pytest.fixture
def ui():
    return copy.deepcopy(UI)


@pytest.fixture
def service(db):
    return ServiceFactory(leika_key="99108001000000", name_de="Hundesteuer Anmeldung")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="fachadmin", password="pw-" * 6, email="f@example.de"
    )


@pytest.fixture(scope="session")
def seal_files(tmp_path_factory):
    """A demo CA with a seal certificate (made once per run)."""
    from rathaus.seals.demo_ca import demo_ca_create

    files, _ = demo_ca_create(directory=tmp_path_factory.mktemp("seal"))
    return files


@pytest.fixture
def sealed(settings, tmp_path, seal_files):
    """Receipts can be sealed and stored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATHAUS_SEAL_KEY_FILE = str(seal_files.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(seal_files.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(seal_files.ca_cert)]
