"""Demo accounts for `make run` (demo only – never load the demo data into production):

- a citizen with a verified e-mail address, a filled profile and consent to notification by
  retrieval from the Postfach (§41 (2a) VwVfG),
- a clerk (Sachbearbeitung) of the Düren Steueramt, responsible for Hund anmelden, with a
  password and a TOTP authenticator (the staff area needs a second factor),
- two clerks of the Düren Straßenverkehrsamt (Bewohnerparkausweis: one decides, the other
  co-signs), the same way,
- an API client "Fachverfahren Hundesteuer (Demo)" of Düren with a token.

Idempotent like the rest of the loader: existing accounts are left as they are (a password
changed since is kept), nothing is written and no audit event recorded on a second run. The
API token is printed only when it is issued; afterwards only its digest exists, and
`manage.py apitoken_rotate <prefix>` issues a successor.
"""

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt
from django.contrib.auth import get_user_model

from rathaus.accounts.selectors import consent_active, consent_text_current
from rathaus.accounts.services import consent_give
from rathaus.apitokens import services as apitoken_services
from rathaus.apitokens.models import ApiClient, ApiToken
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.model_changes import instance_create

# The demo citizen (also the person the demo eID confirms, rathaus.demo.eid).
from rathaus.demo.data.citizen import CITIZEN_EMAIL, CITIZEN_PASSWORD, CITIZEN_PROFILE
from rathaus.mailbox.provisions import CONSENT_KEY
from rathaus.municipalities.models import Municipality, Office
from rathaus.staff.models import Role, RoleAssignment

CLERK_EMAIL = "steueramt@demo.rathaus.example"
CLERK_PASSWORD = "Demo-Steueramt-2026"  # noqa: S105
CLERK_NAME = ("Sabine", "Schmitz")
# (municipality slug, office slug, role): the office responsible for Hund anmelden in Düren.
CLERK_ROLE = ("dueren", "steueramt", Role.CASE_WORKER)

# The two clerks of Düren's Straßenverkehrsamt (Bewohnerparkausweis): one decides, the other
# co-signs (four eyes, the demo process of Bewohnerparkausweis).
TRAFFIC_CLERKS = (
    ("verkehr1@demo.rathaus.example", "Demo-Verkehr1-2026", ("Tom", "Becker")),
    ("verkehr2@demo.rathaus.example", "Demo-Verkehr2-2026", ("Lea", "Wagner")),
)
TRAFFIC_ROLE = ("dueren", "strassenverkehrsamt", Role.CASE_WORKER)

API_CLIENT_NAME = "Fachverfahren Hundesteuer (Demo)"
API_CLIENT_MUNICIPALITY = "dueren"
# Submissions are read and their status changed through the "applications" scopes.
API_CLIENT_SCOPES = ["applications:read", "applications:write"]

# The demo loader acts as the system.
DEMO_ACTOR = Actor.system("demo_accounts")


@dataclass
class DemoAccountsResult:
    """Rows created (by kind) and the lines to show the person who ran the loader."""

    created: dict[str, int] = field(default_factory=dict)
    credentials: list[str] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def _user(email: str, *, password: str, staff: bool, profile: dict[str, Any]) -> tuple[Any, bool]:
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = user_model(
        username=email,
        email=email,
        kind=user_model.Kind.STAFF if staff else user_model.Kind.CITIZEN,
        is_staff=staff,
        **profile,
    )
    user.set_password(password)
    user.full_clean(exclude=["id", "password"])
    user.save(force_insert=True)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.account.create",
        obj=user,
        details={"kind": user.kind, "email_verified": True},
    )
    return user, True


def _totp_secret(user: Any, result: DemoAccountsResult) -> str:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        return decrypt(authenticator.data["secret"])
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    authenticator = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )
    audit_record(actor=DEMO_ACTOR, action="demo.account.totp", obj=user, details={"type": "totp"})
    result.count("totp_authenticator")
    return secret


def _citizen(result: DemoAccountsResult) -> None:
    citizen, created = _user(
        CITIZEN_EMAIL, password=CITIZEN_PASSWORD, staff=False, profile=CITIZEN_PROFILE
    )
    if created:
        result.count("citizen")
    # The demo citizen agrees to notification by retrieval from the Postfach (§41 (2a)
    # VwVfG), so that decisions arrive there; revocable in Mein Bereich like any consent.
    text = consent_text_current(key=CONSENT_KEY)
    if text is not None and consent_active(user=citizen, key=CONSENT_KEY) is None:
        consent_give(user=citizen, text=text, language="de", actor=DEMO_ACTOR)
        result.count("consent")
    result.credentials.append(
        f"Citizen: {CITIZEN_EMAIL} / {CITIZEN_PASSWORD}"
        + ("" if created else " (unless changed since)")
        + " – log in at /konto/anmelden/"
    )


def _clerk(
    result: DemoAccountsResult,
    *,
    email: str = CLERK_EMAIL,
    password: str = CLERK_PASSWORD,
    name: tuple[str, str] = CLERK_NAME,
    role_of: tuple[str, str, str] = CLERK_ROLE,
) -> None:
    first_name, last_name = name
    user, created = _user(
        email,
        password=password,
        staff=True,
        profile={"first_name": first_name, "last_name": last_name},
    )
    if created:
        result.count("clerk")
    municipality_slug, office_slug, role = role_of
    office = Office.objects.get(municipality__slug=municipality_slug, slug=office_slug)
    if not RoleAssignment.objects.filter(user=user, office=office, role=role).exists():
        assignment = instance_create(
            RoleAssignment,
            {"user": user, "office": office, "role": role, "source": RoleAssignment.Source.MANUAL},
        )
        audit_record(
            actor=DEMO_ACTOR,
            action="staff.role.assign",
            obj=assignment,
            details={"office": str(office.pk), "role": role},
        )
        result.count("role_assignment")
    secret = _totp_secret(user, result)
    result.credentials.append(
        f"Clerk ({office.name}, {Role(role).label}): {email} / {password}"
        + ("" if created else " (unless changed since)")
        + f" – TOTP secret {secret} (add it to an authenticator app) – staff area /intern/"
    )


def _api_client(result: DemoAccountsResult) -> None:
    municipality = Municipality.objects.get(slug=API_CLIENT_MUNICIPALITY)
    client = ApiClient.objects.filter(name=API_CLIENT_NAME, municipality=municipality).first()
    if client is not None:
        token = ApiToken.objects.filter(client=client).order_by("-created_at").first()
        prefix = token.prefix if token is not None else "<prefix>"
        result.credentials.append(
            f"API client {API_CLIENT_NAME!r}: token issued earlier (only its digest is stored); "
            f"issue a successor with `manage.py apitoken_rotate {prefix}`"
        )
        return
    client = apitoken_services.client_create(
        actor=DEMO_ACTOR,
        name=API_CLIENT_NAME,
        municipality=municipality,
        scopes=API_CLIENT_SCOPES,
        description="Demo: the dog tax system of Düren fetches submitted applications.",
    )
    issued = apitoken_services.token_issue(actor=DEMO_ACTOR, client=client)
    result.count("api_client")
    result.credentials.append(
        f"API client {API_CLIENT_NAME!r} ({', '.join(client.scopes)}): token "
        f"{issued.plaintext} – shown only now; send it as 'Authorization: Bearer <token>'; "
        f"rotate with `manage.py apitoken_rotate {issued.token.prefix}`"
    )


def demo_accounts_load() -> DemoAccountsResult:
    """Create the demo citizen, clerk and API client when missing (call inside the loader's
    transaction); returns what was created and the credentials to print."""
    result = DemoAccountsResult()
    _citizen(result)
    _clerk(result)
    for email, password, name in TRAFFIC_CLERKS:
        _clerk(result, email=email, password=password, name=name, role_of=TRAFFIC_ROLE)
    _api_client(result)
    return result
