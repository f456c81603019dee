"""Settings for the staff directory (LDAP / Active Directory), read from the environment.

Imported by the settings module, so nothing here may touch models or the app registry.
`RATHAUS_LDAP_SERVER_URI` empty means no directory login (the default).
"""

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from rathaus.conf.env import env_bool, env_int, env_str

DIRECTORY_BACKEND = "rathaus.staff.directory.StaffLDAPBackend"


def parse_group_roles(raw: str) -> dict[str, list[dict[str, str]]]:
    """Parse the group → role mapping.

    JSON object: group DN → one grant or a list of grants, each
    {"municipality": "<slug>", "office": "<office slug>", "role": "<role>"}.
    Group DNs are compared case-insensitively, so they are stored lower-case.
    """
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"RATHAUS_LDAP_GROUP_ROLES is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ImproperlyConfigured("RATHAUS_LDAP_GROUP_ROLES must be a JSON object")
    mapping: dict[str, list[dict[str, str]]] = {}
    for group_dn, grants in data.items():
        items = grants if isinstance(grants, list) else [grants]
        parsed = []
        for grant in items:
            if not isinstance(grant, dict) or not all(
                isinstance(grant.get(key), str) and grant.get(key)
                for key in ("municipality", "office", "role")
            ):
                raise ImproperlyConfigured(
                    f"RATHAUS_LDAP_GROUP_ROLES[{group_dn!r}]: each grant needs "
                    '"municipality", "office" and "role"'
                )
            parsed.append({key: grant[key] for key in ("municipality", "office", "role")})
        mapping[group_dn.lower()] = parsed
    return mapping


def directory_settings() -> dict[str, Any]:
    """The AUTH_LDAP_* settings for django-auth-ldap, or {} when no directory is configured."""
    server_uri = env_str("RATHAUS_LDAP_SERVER_URI", "")
    if not server_uri:
        return {}
    try:
        import ldap
        from django_auth_ldap.config import GroupOfNamesType, LDAPSearch
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImproperlyConfigured(
            "RATHAUS_LDAP_SERVER_URI is set but django-auth-ldap/python-ldap are not installed "
            "(make install with libldap2-dev and libsasl2-dev present)"
        ) from exc
    user_base = env_str("RATHAUS_LDAP_USER_SEARCH_BASE", "")
    group_base = env_str("RATHAUS_LDAP_GROUP_SEARCH_BASE", "")
    if not user_base or not group_base:
        raise ImproperlyConfigured(
            "RATHAUS_LDAP_USER_SEARCH_BASE and RATHAUS_LDAP_GROUP_SEARCH_BASE must be set "
            "when RATHAUS_LDAP_SERVER_URI is"
        )
    connection_options: dict[int, Any] = {
        # Active Directory answers searches at the domain root with referrals python-ldap
        # would chase anonymously; never follow them.
        ldap.OPT_REFERRALS: 0,
        # A directory that does not answer must not hold the login page (and a worker) hostage.
        ldap.OPT_NETWORK_TIMEOUT: env_int("RATHAUS_LDAP_TIMEOUT_SECONDS", 5),
        ldap.OPT_TIMEOUT: env_int("RATHAUS_LDAP_TIMEOUT_SECONDS", 5),
        # Certificates are always verified (STARTTLS and ldaps://).
        ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
    }
    ca_file = env_str("RATHAUS_LDAP_CA_CERT_FILE", "")
    if ca_file:
        connection_options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    # Last: makes the TLS options above take effect on this connection.
    connection_options[ldap.OPT_X_TLS_NEWCTX] = 0
    username_attr = env_str("RATHAUS_LDAP_USERNAME_ATTR", "") or "uid"
    group_roles = parse_group_roles(env_str("RATHAUS_LDAP_GROUP_ROLES", ""))
    if not group_roles:
        raise ImproperlyConfigured(
            "RATHAUS_LDAP_GROUP_ROLES maps no group: no directory user could log in"
        )
    return {
        "AUTH_LDAP_SERVER_URI": server_uri,
        "AUTH_LDAP_BIND_DN": env_str("RATHAUS_LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env_str("RATHAUS_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env_bool("RATHAUS_LDAP_START_TLS", False),
        "AUTH_LDAP_CONNECTION_OPTIONS": connection_options,
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            user_base,
            ldap.SCOPE_SUBTREE,
            # Staff log in with their e-mail address (the portal's login form) or user name.
            env_str("RATHAUS_LDAP_USER_FILTER", "") or "(|(uid=%(user)s)(mail=%(user)s))",
        ),
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(
            group_base,
            ldap.SCOPE_SUBTREE,
            # Active Directory: (objectClass=group) — its groups also list members in `member`.
            env_str("RATHAUS_LDAP_GROUP_FILTER", "") or "(objectClass=groupOfNames)",
        ),
        "AUTH_LDAP_GROUP_TYPE": GroupOfNamesType(),
        # The account is found by the directory's user name (AD: sAMAccountName), whichever
        # name was typed at login, so that e-mail and user name lead to the same account.
        "AUTH_LDAP_USER_QUERY_FIELD": "username",
        "AUTH_LDAP_USER_ATTR_MAP": {
            "username": username_attr,
            "first_name": "givenName",
            "last_name": "sn",
            "email": "mail",
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "RATHAUS_LDAP_GROUP_ROLES": group_roles,
    }
