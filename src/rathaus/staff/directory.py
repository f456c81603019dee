"""Staff login against the directory (LDAP / Active Directory) with group → role mapping.

Enabled by `RATHAUS_LDAP_SERVER_URI` (see ldap_config.py). On every directory login the
user becomes (or stays) a staff account and their directory-sourced roles are replaced by
what their groups grant now. Someone in no mapped group is refused, and so is a citizen
account that happens to carry the same user name.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_auth_ldap.backend import LDAPBackend

from rathaus.accounts.models import User
from rathaus.municipalities.models import Office
from rathaus.staff.models import Role
from rathaus.staff.services import (
    directory_email_confirm,
    directory_login_refuse,
    directory_roles_sync,
)

logger = logging.getLogger(__name__)


def directory_grants(*, group_dns: set[str]) -> list[tuple[Office, str]]:
    """The (office, role) pairs the mapped groups among `group_dns` grant."""
    mapping: dict[str, list[dict[str, str]]] = getattr(settings, "RATHAUS_LDAP_GROUP_ROLES", {})
    wanted: list[tuple[str, str, str]] = []
    for group_dn in sorted(dn.lower() for dn in group_dns):
        for grant in mapping.get(group_dn, []):
            if grant["role"] not in Role.values:
                raise ImproperlyConfigured(
                    f"RATHAUS_LDAP_GROUP_ROLES[{group_dn!r}]: unknown role {grant['role']!r} "
                    f"(one of {', '.join(Role.values)})"
                )
            wanted.append((grant["municipality"], grant["office"], grant["role"]))
    if not wanted:
        return []
    offices = {
        (office.municipality.slug, office.slug): office
        for office in Office.objects.select_related("municipality").filter(
            municipality__slug__in={m for m, _, _ in wanted}, slug__in={o for _, o, _ in wanted}
        )
    }
    grants = []
    for municipality_slug, office_slug, role in wanted:
        office = offices.get((municipality_slug, office_slug))
        if office is None:
            logger.warning(
                "RATHAUS_LDAP_GROUP_ROLES names office %s/%s, which does not exist",
                municipality_slug,
                office_slug,
            )
            continue
        grants.append((office, role))
    return grants


class StaffLDAPBackend(LDAPBackend):
    """django-auth-ldap backend that only admits mapped staff and syncs their roles."""

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # The login form of the portal (allauth) passes the e-mail address as `email`.
        email = kwargs.pop("email", None)
        return super().authenticate(request, username=username or email, password=password)

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        grants = directory_grants(group_dns=set(ldap_user.group_dns))
        user, built = super().get_or_build_user(username, ldap_user)
        if not grants:
            if not built and user.kind == User.Kind.STAFF:
                # Left every mapped group: the roles the directory gave go now, not at some
                # later login that will never succeed.
                directory_roles_sync(user=user, grants=[])
            directory_login_refuse(username=username, reason="no mapped group")
            raise ldap_user.AuthenticationFailed("member of no mapped group")
        if not built and user.kind != User.Kind.STAFF:
            directory_login_refuse(username=username, reason="not a staff account")
            raise ldap_user.AuthenticationFailed("existing account is not a staff account")
        if not built and user.has_usable_password():
            # A local account (e.g. the installation's superuser) must not be taken over by
            # whoever owns the same name in the directory.
            directory_login_refuse(username=username, reason="local account")
            raise ldap_user.AuthenticationFailed("existing account is a local account")
        user.kind = User.Kind.STAFF
        user.is_staff = True
        ldap_user.rathaus_grants = grants
        return user, built

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> User | None:
        user: User | None = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            directory_roles_sync(user=user, grants=ldap_user.rathaus_grants)
            directory_email_confirm(user=user)
        return user
