"""Issue 4, "done when", as one story through the real pages (no force_login):

a new citizen of the demo logs in, applies for "Hund anmelden" in Düren with a proof (scanned
by a real clamd), pays in the sandbox, submits; the follow-up work runs from the outbox: the
sealed receipt (validated with pyHanko), the e-mail (no form data); the citizen sees the
status in "Mein Bereich"; the demo clerk logs in with password + TOTP and finds the
application in /intern/; the demo specialist system finds it through the API.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rathaus.accounts.models import User
from rathaus.applications.models import Submission
from rathaus.catalog.models import RequiredDocument
from rathaus.demo import accounts
from rathaus.demo.data.forms import hund_anmelden
from rathaus.payments.models import Payment
from rathaus.seals.demo_ca import demo_ca_create
from rathaus.seals.validation import pdf_seal_validate
from tests.applications.upload_samples import pdf
from tests.demo.fixtures import demo_data  # noqa: F401
from tests.staff.people import totp_code

pytestmark = pytest.mark.django_db

EMAIL = "hanna.hundehalterin@example.org"
PASSWORD = "Dackel-Wiese-Regen-77"


@pytest.fixture
def seal(settings, tmp_path):
    files, _ = demo_ca_create(directory=tmp_path / "seal")
    settings.RATHAUS_SEAL_KEY_FILE = str(files.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(files.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(files.ca_cert)]
    return files


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf(), content_type="application/pdf")


def _new_citizen() -> User:
    user = User.objects.create_user(
        username=EMAIL, email=EMAIL, password=PASSWORD, first_name="Hanna", last_name="Hund"
    )
    user.emailaddress_set.create(email=EMAIL, verified=True, primary=True)
    return user


def test_citizen_applies_pays_gets_sealed_receipt_and_clerk_and_api_see_it(
    demo_data,  # noqa: F811
    clamav,
    media_root,
    seal,
    django_capture_on_commit_callbacks,
):
    citizen = _new_citizen()
    browser = Client()
    assert (
        browser.post("/konto/anmelden/", {"login": EMAIL, "password": PASSWORD}).status_code == 302
    )

    # The service page leads to the start page through the trust-level check.
    page = browser.get("/dueren/leistungen/hund-anmelden/").content.decode()
    start = re.search(r'href="(/konto/leistung/hund-anmelden/starten/\?gemeinde=dueren)"', page)
    assert start, "the service page offers the online application"
    response = browser.get(start.group(1))
    assert response["Location"] == "/antraege/neu/dueren/hund-anmelden/"
    response = browser.post(response["Location"])
    draft_path = response["Location"].split("schritt/")[0]

    for step, values in hund_anmelden.EXAMPLE.items():
        data = {pointer: str(value) for pointer, value in values.items()} | {"action": "next"}
        response = browser.post(f"{draft_path}schritt/{step}/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
    proof = RequiredDocument.objects.get(service__slug="hund-anmelden", electronic_accepted=True)
    upload = {"action": "next", f"file-{proof.pk}": _upload("haftpflicht.pdf")}
    response = browser.post(f"{draft_path}nachweise/", upload)
    assert response["Location"].endswith("/pruefen/")
    assert "haftpflicht.pdf" in browser.get(f"{draft_path}pruefen/").content.decode()
    response = browser.post(
        f"{draft_path}erklaerungen/",
        {"declaration": ["truthful", "privacy", "dog_tag", "no_dangerous_dog"]},
    )
    assert response["Location"].endswith("/gebuehr/")
    assert "228,00" in browser.get(f"{draft_path}gebuehr/").content.decode()

    # Pay in the sandbox: its page, "pay", back to rathaus with the signed result.
    response = browser.post(f"{draft_path}gebuehr/", {"provider": "sandbox"})
    sandbox = _path(response["Location"])
    assert sandbox.startswith("/zahlung/sandbox/")
    sandbox_page = browser.get(sandbox).content.decode()
    assert "228,00" in sandbox_page
    token = re.search(r'name="s" value="([^"]+)"', sandbox_page).group(1)
    response = browser.post(urlsplit(sandbox).path, {"s": token, "result": "paid"})
    response = browser.get(_path(response["Location"]))  # the signed return
    assert response["Location"] == f"{draft_path}gebuehr/"
    assert Payment.objects.get(payer=citizen).status == Payment.Status.PAID

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"{draft_path}absenden/")
    submission = Submission.objects.get(applicant=citizen)
    assert response["Location"] == f"/antraege/eingereicht/{submission.pk}/"
    confirmation = browser.get(response["Location"]).content.decode()
    assert submission.reference in confirmation

    # The outbox ran: sealed receipt, e-mail without form data.
    submission.refresh_from_db()
    assert submission.payment.status == Payment.Status.PAID and submission.fee_cents == 22800
    receipt = browser.get(f"/antraege/vorgang/{submission.pk}/eingangsbestaetigung.pdf")
    body = b"".join(receipt.streaming_content) if receipt.streaming else receipt.content
    assert body.startswith(b"%PDF")
    # Düren seals with its own demo seal (per-municipality configuration), so the check
    # trusts the roots configured for Düren as well as the installation's.
    check = pdf_seal_validate(pdf=body, municipality=submission.municipality)
    assert check.intact and check.valid and check.trusted, check
    [message] = [m for m in mail.outbox if EMAIL in m.to]
    assert submission.reference in message.body
    assert "Bello" not in message.body and "TH-2026-004711" not in message.body

    # Mein Bereich shows the status; the detail page the office.
    overview = browser.get("/antraege/").content.decode()
    assert submission.reference in overview and "eingereicht" in overview

    # The demo clerk: password + TOTP, then the inbox of the Steueramt.
    clerk_user = User.objects.get(email=accounts.CLERK_EMAIL)
    secret = accounts._totp_secret(clerk_user, accounts.DemoAccountsResult())
    clerk = Client()
    response = clerk.post(
        "/konto/anmelden/?next=/intern/",
        {"login": accounts.CLERK_EMAIL, "password": accounts.CLERK_PASSWORD},
    )
    cache.clear()  # allauth remembers used TOTP codes
    response = clerk.post(response["Location"], {"code": totp_code(secret)})
    assert response["Location"] == "/intern/"
    inbox = clerk.get("/intern/antraege/").content.decode()
    assert submission.reference in inbox
    detail = clerk.get(f"/intern/antraege/{submission.pk}/")
    assert detail.status_code == 200 and "haftpflicht.pdf" in detail.content.decode()

    # The demo specialist system: its token was printed once by the loader.
    [line] = [c for c in demo_data.credentials if "rth_" in c]
    bearer = re.search(r"(rth_[A-Za-z0-9_\-]+)", line).group(1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}")
    listed = api.get("/api/v1/submissions/?acknowledged=false").json()
    assert submission.reference in [s["reference"] for s in listed["results"]]
    assert api.post(f"/api/v1/submissions/{submission.pk}/acknowledge/").status_code == 200
