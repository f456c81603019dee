import importlib.util
import json
import shutil

import pytest

from tests.optional_dependencies import HOW_TO_INSTALL, unavailable
from tests.staff import directory_server as ds

PYTHON_LDAP_MISSING = (
    "Staff directory tests need python-ldap, which builds only with the Debian packages "
    "libldap2-dev and libsasl2-dev"
)
SLAPD_MISSING = (
    "Staff directory tests need a real OpenLDAP server: the Debian packages slapd and ldap-utils"
)


@pytest.fixture(scope="session")
def directory_server(tmp_path_factory):
    """A real slapd with staff accounts and groups (skipped without it, failing in CI)."""
    if importlib.util.find_spec("ldap") is None:
        unavailable(f"{PYTHON_LDAP_MISSING} – {HOW_TO_INSTALL}")
    if ds.slapd_binary() is None or not shutil.which("ldapsearch"):
        unavailable(f"{SLAPD_MISSING} – {HOW_TO_INSTALL}")
    server = ds.start(tmp_path_factory.mktemp("slapd"))
    try:
        ds.load(
            server,
            users=[
                {
                    "uid": "anna",
                    "password": "anna-directory-pw",
                    "given": "Anna",
                    "surname": "Amtmann",
                    "mail": "anna@cochem.example",
                },
                {
                    "uid": "bernd",
                    "password": "bernd-directory-pw",
                    "given": "Bernd",
                    "surname": "Berger",
                    "mail": "bernd@zell.example",
                },
                {
                    "uid": "carla",
                    "password": "carla-directory-pw",
                    "given": "Carla",
                    "surname": "Clausen",
                    "mail": "carla@cochem.example",
                },
                {
                    "uid": "dora",
                    "password": "dora-directory-pw",
                    "given": "Dora",
                    "surname": "Dietz",
                    "mail": "dora@cochem.example",
                },
                {
                    "uid": "admin",
                    "password": "admin-directory-pw",
                    "given": "Ad",
                    "surname": "Min",
                    "mail": "admin@cochem.example",
                },
            ],
            groups={
                "bb-sachbearbeitung": ["anna", "dora"],
                "bb-fachadministration": ["anna"],
                "oa-sachbearbeitung": ["bernd", "admin"],
                "kantine": ["carla"],
            },
        )
        yield server
    finally:
        ds.stop(server)


GROUP_ROLES = {
    ds.group_dn("bb-sachbearbeitung"): {
        "municipality": "cochem",
        "office": "buergerbuero",
        "role": "case_worker",
    },
    ds.group_dn("bb-fachadministration").upper(): [
        {"municipality": "cochem", "office": "buergerbuero", "role": "specialist_admin"}
    ],
    ds.group_dn("oa-sachbearbeitung"): [
        {"municipality": "zell", "office": "ordnungsamt", "role": "case_worker"},
        {"municipality": "zell", "office": "gibt-es-nicht", "role": "case_worker"},
    ],
}


@pytest.fixture
def directory_offices(db):
    from tests.factories import MunicipalityFactory, OfficeFactory

    cochem = MunicipalityFactory(slug="cochem", name="Stadt Cochem")
    zell = MunicipalityFactory(slug="zell", name="Stadt Zell (Mosel)")
    return {
        "buergerbuero": OfficeFactory(municipality=cochem, slug="buergerbuero", name="Bürgerbüro"),
        "ordnungsamt": OfficeFactory(municipality=zell, slug="ordnungsamt", name="Ordnungsamt"),
    }


@pytest.fixture
def directory_login(directory_server, directory_offices, monkeypatch, settings):
    """Directory login switched on the way an operator does it: environment variables."""
    from rathaus.staff.ldap_config import DIRECTORY_BACKEND

    monkeypatch.setenv("RATHAUS_LDAP_SERVER_URI", directory_server.uri)
    monkeypatch.setenv("RATHAUS_LDAP_BIND_DN", ds.ADMIN_DN)
    monkeypatch.setenv("RATHAUS_LDAP_BIND_PASSWORD", ds.ADMIN_PASSWORD)
    monkeypatch.setenv("RATHAUS_LDAP_USER_SEARCH_BASE", ds.PEOPLE_DN)
    monkeypatch.setenv("RATHAUS_LDAP_GROUP_SEARCH_BASE", ds.GROUPS_DN)
    monkeypatch.setenv("RATHAUS_LDAP_GROUP_ROLES", json.dumps(GROUP_ROLES))
    apply_directory_environment(settings)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, DIRECTORY_BACKEND]
    return directory_offices


def apply_directory_environment(settings):
    """Settings as base.py derives them from the (patched) environment."""
    from rathaus.staff.ldap_config import directory_settings

    for name, value in directory_settings().items():
        setattr(settings, name, value)
