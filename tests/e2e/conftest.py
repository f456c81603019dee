"""The fixtures of the building blocks, shared with the end-to-end stories.

The OIDC provider (tests/federation) and the directory server (tests/staff) are started by
the same fixtures their own tests use; pytest only sees fixtures of a conftest on the path,
so they are imported here.
"""

from tests.federation.conftest import oidc, oidc_server
from tests.staff.conftest import directory_login, directory_offices, directory_server

__all__ = [
    "directory_login",
    "directory_offices",
    "directory_server",
    "oidc",
    "oidc_server",
]
