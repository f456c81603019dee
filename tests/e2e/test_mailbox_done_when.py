"""Issue 10, "done when", as one story through the real pages of the demo (no force_login):

the demo citizen logs in with her password, consents to notification by retrieval, writes to
the Steueramt Düren with a PDF attached (scanned by a real clamd); the demo clerk logs in with
password + TOTP, finds the message in the Steueramt's mailbox under /intern/, opens the file,
answers, and provides a decision PDF for retrieval; the citizen is told by e-mail (a link, no
content), retrieves the act (deemed notified the next day) and downloads it and the retrieval
receipt, which verifies with exactly the openssl commands the README shows.
"""

import io
import re
import subprocess
import zipfile

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from rathaus.accounts.models import ConsentText, User
from rathaus.demo import accounts
from rathaus.mailbox.models import Delivery, Mailbox, MessageReceipt, Provision, Thread
from rathaus.municipalities.models import Office
from tests.applications.upload_samples import pdf
from tests.demo.fixtures import demo_data  # noqa: F401
from tests.evidence.conftest import demo_seal  # noqa: F401
from tests.staff.people import totp_code

pytestmark = pytest.mark.django_db

README_COMMANDS = [
    "openssl cms -verify -binary -inform DER -in receipt.p7s -content receipt.json "
    "-CAfile ca.pem -out /dev/null",
    "openssl ts -verify -in receipt.tsr -data receipt.json -CAfile ca.pem -untrusted tsa.pem",
]


def _clerk_client() -> Client:
    clerk_user = User.objects.get(email=accounts.CLERK_EMAIL)
    secret = accounts._totp_secret(clerk_user, accounts.DemoAccountsResult())
    clerk = Client()
    response = clerk.post(
        "/konto/anmelden/?next=/intern/postfach/",
        {"login": accounts.CLERK_EMAIL, "password": accounts.CLERK_PASSWORD},
    )
    cache.clear()  # allauth remembers used TOTP codes
    response = clerk.post(response["Location"], {"code": totp_code(secret)})
    assert response["Location"] == "/intern/postfach/"
    return clerk


def test_citizen_writes_clerk_answers_and_provides_an_act_the_receipt_verifies(
    demo_data,  # noqa: F811
    demo_seal,  # noqa: F811
    clamav,
    media_root,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    citizen = Client()
    login = {"login": accounts.CITIZEN_EMAIL, "password": accounts.CITIZEN_PASSWORD}
    assert citizen.post("/konto/anmelden/", login).status_code == 302

    # Consent to notification by retrieval (§41 (2a) VwVfG) on the consents page: the demo
    # citizen has given it (the demo loader); she revokes it there and gives it again.
    text = ConsentText.objects.get(key="mailbox_notification_by_retrieval", active=True)
    revoke = f"/konto/einwilligungen/{text.key}/widerrufen/"
    assert revoke in citizen.get("/konto/einwilligungen/").content.decode()
    assert citizen.post(revoke).status_code == 302
    consents = citizen.get("/konto/einwilligungen/").content.decode()
    assert f"/konto/einwilligungen/{text.pk}/erteilen/" in consents
    citizen.post(f"/konto/einwilligungen/{text.pk}/erteilen/")

    # Write to the Steueramt Düren with a PDF attached.
    steueramt = Office.objects.get(municipality__slug="dueren", slug="steueramt")
    compose = citizen.get(f"/postfach/neu/?amt={steueramt.pk}").content.decode()
    assert "Dateien anhängen" in compose
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(
            "/postfach/neu/",
            {
                "office": str(steueramt.pk),
                "subject": "Hundesteuer für Bello",
                "body": "Guten Tag,\nanbei der Nachweis der Haftpflichtversicherung.",
                "attachments": [SimpleUploadedFile("haftpflicht.pdf", pdf())],
            },
        )
    assert response.status_code == 302
    thread = Thread.objects.get()

    # The clerk finds it in the Steueramt's mailbox, opens the file, answers, provides the act.
    clerk = _clerk_client()
    box = Mailbox.objects.get(office=steueramt)
    listing = clerk.get("/intern/postfach/").content.decode()
    assert f"/intern/postfach/{box.pk}/" in listing
    inbox = clerk.get(f"/intern/postfach/{box.pk}/").content.decode()
    assert "Hundesteuer für Bello" in inbox
    page = clerk.get(f"/intern/postfach/{box.pk}/{thread.pk}/").content.decode()
    file_url = re.search(r'href="(/intern/postfach/[^"]+/anhaenge/[^"]+/)"', page).group(1)
    assert clerk.get(file_url).content == pdf()
    with django_capture_on_commit_callbacks(execute=True):
        answer = clerk.post(
            f"/intern/postfach/{box.pk}/{thread.pk}/",
            {"body": "Vielen Dank, der Bescheid folgt."},
        )
    assert answer.status_code == 302
    mail.outbox.clear()
    decision = pdf(padding=b"% Hundesteuerbescheid 2027\n")
    with django_capture_on_commit_callbacks(execute=True):
        provided = clerk.post(
            f"/intern/postfach/{box.pk}/{thread.pk}/bescheid/",
            {
                "act-body": "Anbei Ihr Hundesteuerbescheid.",
                "act-level": "low",
                "act-document": SimpleUploadedFile("hundesteuerbescheid.pdf", decision),
            },
        )
    assert provided.status_code == 302
    provision = Provision.objects.get()
    (notice,) = mail.outbox
    assert notice.to == [accounts.CITIZEN_EMAIL] and "/postfach/" in notice.body
    assert "Hundesteuer" not in notice.body and "Bello" not in notice.body

    # The citizen retrieves the act and saves the document and the retrieval receipt.
    with django_capture_on_commit_callbacks(execute=True):
        page = citizen.get(f"/postfach/{thread.pk}/").content.decode()
    assert "Anbei Ihr Hundesteuerbescheid." in page
    provision.refresh_from_db()
    assert provision.retrieved_at is not None and provision.notified_on is not None
    delivery = Delivery.objects.get(message=provision.message)
    act_file = provision.message.attachments.get()
    saved = citizen.get(
        f"/postfach/{thread.pk}/nachrichten/{provision.message_id}/anhaenge/{act_file.pk}/"
    )
    assert saved.content == decision and "hundesteuerbescheid.pdf" in saved["Content-Disposition"]
    retrieval = MessageReceipt.objects.get(delivery=delivery, kind="retrieval")
    page = citizen.get(f"/postfach/{thread.pk}/").content.decode()
    receipt_url = f"/postfach/{thread.pk}/quittungen/{retrieval.pk}/"
    assert receipt_url in page
    bundle = citizen.get(receipt_url)
    directory = tmp_path / "receipt"
    zipfile.ZipFile(io.BytesIO(bundle.content)).extractall(directory)
    for command in README_COMMANDS:
        result = subprocess.run(
            command.split(), cwd=directory, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    # Our own check, with the act's file: signature, time-stamp and the file's hash.
    (tmp_path / "receipt.zip").write_bytes(bundle.content)
    (tmp_path / "hundesteuerbescheid.pdf").write_bytes(decision)
    out = io.StringIO()
    call_command(
        "verify_receipt",
        str(tmp_path / "receipt.zip"),
        "--file",
        f"hundesteuerbescheid.pdf={tmp_path / 'hundesteuerbescheid.pdf'}",
        stdout=out,
    )
    assert "hundesteuerbescheid.pdf" in out.getvalue() and "FAIL" not in out.getvalue()
