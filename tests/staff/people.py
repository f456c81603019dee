"""Staff accounts and logged-in staff sessions for tests of the staff area."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from rathaus.accounts.models import User
from rathaus.staff.models import RoleAssignment


def make_staff(username: str, *roles: tuple[Any, str], **extra: Any) -> User:
    """A staff account holding `roles` ((office, role) pairs), assigned directly."""
    user = User.objects.create_user(
        username=username,
        password=None,
        email=extra.pop("email", f"{username}@verwaltung.example"),
        kind=User.Kind.STAFF,
        is_staff=True,
        **extra,
    )
    for office, role in roles:
        RoleAssignment.objects.create(user=user, office=office, role=role)
    return user


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The RFC 6238 code an authenticator app shows for `secret` (30 s, 6 digits, SHA-1)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def enrol_totp(user: User) -> str:
    """Give `user` a TOTP authenticator (as allauth stores it); returns the secret."""
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )
    return secret


def login_with_mfa(client: Any, user: User) -> None:
    """A session like the one allauth leaves after password + TOTP (see the end-to-end test
    for the real flow through the login pages)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enrol_totp(user)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "username": user.username},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
