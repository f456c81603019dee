"""Accounts for the logged-in browser tests, written into the demo server's own database.

Run by conftest.py's `demo_environment` (`manage.py shell -c`) after `load_demo_data`, before the
server starts: two citizens with a verified primary e-mail address (the second with TOTP and
recovery codes) and a staff member of a Düren office with two roles and TOTP. Passwords and
the TOTP secret are fixed here so that the browser test can log in through the real forms.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import encrypt

from rathaus.accounts.models import User
from rathaus.municipalities.models import Office
from rathaus.staff.models import Role, RoleAssignment

CITIZEN_EMAIL = "erika.mustermann@example.org"
CITIZEN_PASSWORD = "Barrierefrei-Pruefen-2026!"
# A second citizen who has set up two-factor authentication (TOTP and recovery codes).
MFA_CITIZEN_EMAIL = "max.zweifaktor@example.org"
STAFF_USERNAME = "a11y.sachbearbeitung"
STAFF_EMAIL = "a11y.sachbearbeitung@verwaltung.example"
STAFF_PASSWORD = "Barrierefrei-Intern-2026!"
# Base32, as allauth stores it (per user: allauth refuses a code twice per user only).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STAFF_MUNICIPALITY = "dueren"


def seed() -> None:
    """Create the citizens and the staff member (idempotent: nothing happens a second time)."""
    if User.objects.filter(email=CITIZEN_EMAIL).exists():
        return
    for username, email, first_name in (
        ("b-a11y-citizen", CITIZEN_EMAIL, "Erika"),
        ("b-a11y-mfa-citizen", MFA_CITIZEN_EMAIL, "Max"),
    ):
        citizen = User.objects.create_user(
            username=username,
            email=email,
            password=CITIZEN_PASSWORD,
            first_name=first_name,
            last_name="Mustermann",
            kind=User.Kind.CITIZEN,
        )
        EmailAddress.objects.create(user=citizen, email=email, verified=True, primary=True)
    _enrol_totp(citizen)
    RecoveryCodes.activate(citizen)

    staff = User.objects.create_user(
        username=STAFF_USERNAME,
        email=STAFF_EMAIL,
        password=STAFF_PASSWORD,
        first_name="Max",
        last_name="Beispiel",
        kind=User.Kind.STAFF,
        is_staff=True,
    )
    EmailAddress.objects.create(user=staff, email=STAFF_EMAIL, verified=True, primary=True)
    office = Office.objects.filter(municipality__slug=STAFF_MUNICIPALITY).order_by("name").first()
    assert office is not None, f"the demo data has no office in {STAFF_MUNICIPALITY}"
    for role in (Role.SPECIALIST_ADMIN, Role.SYSTEM_ADMIN):
        RoleAssignment.objects.create(user=staff, office=office, role=role)
    # Sachbearbeitung in the office that receives the demo's "Hund anmelden" applications, so
    # that the crawl of /intern/ reaches the inbox with a submission and its detail page.
    tax_office = Office.objects.get(municipality__slug=STAFF_MUNICIPALITY, slug="steueramt")
    RoleAssignment.objects.create(user=staff, office=tax_office, role=Role.CASE_WORKER)
    _enrol_totp(staff)


def _enrol_totp(user: User) -> None:
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(TOTP_SECRET)}
    )
