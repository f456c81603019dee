import pytest
from django.core.exceptions import ImproperlyConfigured

from rathaus.staff.ldap_config import directory_settings, parse_group_roles
from tests.optional_dependencies import import_optional
from tests.staff.conftest import PYTHON_LDAP_MISSING


def test_directory_login_is_off_without_a_server_uri(monkeypatch):
    monkeypatch.delenv("RATHAUS_LDAP_SERVER_URI", raising=False)
    assert directory_settings() == {}
    monkeypatch.setenv("RATHAUS_LDAP_SERVER_URI", "")
    assert directory_settings() == {}


def test_group_roles_accept_one_grant_or_a_list_and_lower_case_the_dn():
    parsed = parse_group_roles(
        '{"CN=A,OU=Groups,DC=x": {"municipality": "m", "office": "o", "role": "registry"},'
        ' "cn=b,dc=x": [{"municipality": "m", "office": "p", "role": "team_lead"}]}'
    )
    assert parsed == {
        "cn=a,ou=groups,dc=x": [{"municipality": "m", "office": "o", "role": "registry"}],
        "cn=b,dc=x": [{"municipality": "m", "office": "p", "role": "team_lead"}],
    }


@pytest.mark.parametrize(
    "raw", ["{not json", "[]", '{"cn=a": {"municipality": "m", "role": "registry"}}']
)
def test_malformed_group_roles_are_refused_at_start_up(raw):
    with pytest.raises(ImproperlyConfigured):
        parse_group_roles(raw)


def test_a_server_without_search_bases_or_mapping_is_refused(monkeypatch):
    import_optional("django_auth_ldap", reason=PYTHON_LDAP_MISSING)
    monkeypatch.setenv("RATHAUS_LDAP_SERVER_URI", "ldap://127.0.0.1:1/")
    monkeypatch.delenv("RATHAUS_LDAP_USER_SEARCH_BASE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SEARCH_BASE"):
        directory_settings()
    monkeypatch.setenv("RATHAUS_LDAP_USER_SEARCH_BASE", "ou=people,dc=x")
    monkeypatch.setenv("RATHAUS_LDAP_GROUP_SEARCH_BASE", "ou=groups,dc=x")
    monkeypatch.setenv("RATHAUS_LDAP_GROUP_ROLES", "")
    with pytest.raises(ImproperlyConfigured, match="maps no group"):
        directory_settings()
