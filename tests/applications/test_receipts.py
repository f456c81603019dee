import hashlib
import re
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from pyhanko.pdf_utils.generic import IndirectObject
from pyhanko.pdf_utils.reader import PdfFileReader

from rathaus.applications.models import Attachment, Submission
from rathaus.applications.receipts import receipt_create, receipt_render
from rathaus.applications.submissions import submission_create
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.organisations.models import Organisation
from rathaus.payments.models import Payment
from rathaus.seals.demo_ca import SEAL_NAME
from rathaus.seals.validation import pdf_seal_validate
from tests.factories import DraftFactory
from tests.pdf_conformance import pdfa2_problems

pytestmark = pytest.mark.django_db

UI = {
    "steps": [
        {
            "id": "person",
            "title": {"de": "Angaben zur Person", "en": "About you"},
            "fields": [
                {"field": "/name", "label": {"de": "Vollständiger Name", "en": "Full name"}},
                {
                    "field": "/kind",
                    "label": {"de": "Haltung", "en": "Keeping"},
                    "options": {"private": {"de": "privat", "en": "private"}},
                },
                {"field": "/guide", "label": {"de": "Blindenhund", "en": "Guide dog"}},
                {
                    "field": "/company",
                    "label": {"de": "Firmenname", "en": "Company"},
                    "visible_if": {"field": "/kind", "equals": "company"},
                },
            ],
        },
        {
            "id": "dogs",
            "title": {"de": "Hunde", "en": "Dogs"},
            "fields": [{"field": "/dogs", "label": {"de": "Anzahl Hunde", "en": "Number of dogs"}}],
        },
    ],
    "computed": [
        {
            "field": "/double",
            "expression": "dogs * 2",
            "label": {"de": "Doppelte Hundezahl", "en": "Twice the dogs"},
        },
        # No label: a helper of the fee, never shown by its property name.
        {"field": "/fee_units", "expression": "dogs + 1"},
    ],
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["private", "company"]},
        "guide": {"type": "boolean"},
        "company": {"type": "string"},
        "dogs": {"type": "integer"},
        "double": {"type": "number"},
        "fee_units": {"type": "number"},
    },
    "required": ["name", "dogs"],
}


@pytest.fixture(autouse=True)
def _seal_and_media(settings, tmp_path, seal_files):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATHAUS_SEAL_KEY_FILE = str(seal_files.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(seal_files.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(seal_files.ca_cert)]


def pdf_text(pdf: bytes) -> str:
    """The text of a WeasyPrint PDF: glyph codes of the content streams mapped back to
    Unicode through each font's ToUnicode CMap (pypdf is not a dependency)."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)

    def deref(obj):
        return obj.get_object() if isinstance(obj, IndirectObject) else obj

    def cmap(font) -> dict[str, str]:
        data = font["/ToUnicode"].data.decode("latin-1")
        table = {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
            for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                table[src.upper()] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
            for lo, hi, dst in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
            ):
                start = int(dst, 16)
                for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    table[f"{code:0{len(lo)}X}"] = chr(start + i)
        return table

    def walk(stream, resources) -> str:
        resources = deref(resources)
        fonts = {name: cmap(deref(f)) for name, f in deref(resources.get("/Font", {})).items()}
        out, current = [], {}
        tokens = re.finditer(
            rb"/([^\s/\[\]<>()]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>|\b(ET|Do)\b", stream.data
        )
        for m in tokens:
            if m.group(1):
                current = fonts.get("/" + m.group(1).decode(), {})
            elif m.group(2) is not None:
                hexes = m.group(2).decode().upper()
                out.extend(current.get(hexes[i : i + 4], "") for i in range(0, len(hexes), 4))
            elif m.group(3) == b"ET":
                out.append("\n")
        for xobject in deref(resources.get("/XObject", {})).values():
            xobject = deref(xobject)
            if xobject.get("/Subtype") == "/Form":
                out.append(walk(xobject, xobject.get("/Resources") or resources))
        return "".join(out)

    pages = []
    for page in reader.root["/Pages"]["/Kids"]:
        page = deref(page)
        contents = deref(page["/Contents"])
        streams = contents if isinstance(contents, list) else [contents]
        pages.append("".join(walk(deref(s), page["/Resources"]) for s in streams))
    return "\n".join(pages)


def _submission(*, language="de", attachments=True, **draft_kwargs) -> Submission:
    draft = DraftFactory(
        form__schema=SCHEMA,
        form__ui=UI,
        data={"name": "Erika Mustermann", "kind": "private", "guide": True, "dogs": 2},
        **draft_kwargs,
    )
    if attachments:
        content = b"%PDF-1.7 proof of address"
        attachment = Attachment(
            draft=draft,
            original_name="meldebescheinigung.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            scan_status=Attachment.ScanStatus.CLEAN,
        )
        attachment.file.save("x", ContentFile(content), save=False)
        attachment.save()
    return submission_create(draft=draft, actor=Actor.person(draft.applicant), language=language)


def test_receipt_is_tagged_pdfa2_with_the_submission_in_german():
    submission = _submission()
    pdf = receipt_render(submission=submission)
    # PDF/A-2 is based on PDF 1.7; fonts embedded, sRGB output intent, XMP identification,
    # structure tree, language and title (tests/pdf_conformance.py).
    assert pdf.startswith(b"%PDF-1.7\n")
    assert pdfa2_problems(pdf) == []
    root = PdfFileReader(BytesIO(pdf), strict=False).root
    assert root["/Lang"] == "de"
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert submission.reference in flat
    assert submission.office.name in flat and submission.office.street in flat
    assert submission.service.name_de in flat
    assert "Angaben zur Person" in flat and "Vollständiger Name" in flat
    assert "Erika Mustermann" in flat
    assert "privat" in flat  # enum value shown by its option label
    assert "Firmenname" not in flat  # hidden by its condition
    assert "Anzahl Hunde" in flat
    # The computed value with its label; the unlabelled helper and no JSON pointer or
    # property name reaches the applicant.
    assert "Berechnete Werte Doppelte Hundezahl 4" in flat
    assert "fee_units" not in flat and "double" not in flat
    assert not re.search(r"(^|\s)/[a-z]", flat)
    # The standard declarations in German.
    assert "wahrheitsgemäß" in flat
    attachment = submission.attachments.get()
    assert "meldebescheinigung.pdf" in flat
    assert attachment.sha256 in text.replace("\n", "").replace(" ", "")
    # Time of receipt in German local time.
    local = submission.submitted_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert f"{local:%H:%M}" in flat


def test_receipt_in_english_uses_english_labels_and_office_name():
    submission = _submission(
        language="en", offer__responsible_office__name_en="Public Order Office"
    )
    flat = " ".join(pdf_text(receipt_render(submission=submission)).split())
    assert "About you" in flat and "Full name" in flat and "Number of dogs" in flat
    assert "Angaben zur Person" not in flat
    assert "Public Order Office" in flat
    assert "I confirm that the information" in flat
    assert "Receipt" in flat


def test_receipt_names_the_organisation_acted_for():
    submission = _submission(attachments=False)
    # Set directly: acting for an organisation is the organisations app's business.
    submission.organisation = Organisation.objects.create(
        name="Hundeschule Moselblick GmbH", kind=Organisation.Kind.COMPANY
    )
    flat = " ".join(pdf_text(receipt_render(submission=submission)).split())
    assert "Hundeschule Moselblick GmbH" in flat


def test_receipt_shows_fee_and_payment():
    payment = Payment.objects.create(
        provider="sandbox",
        status=Payment.Status.PAID,
        amount_cents=3750,
        description="Hundesteuer",
        reference="PAY-RECEIPT-1",
    )
    submission = _submission(
        attachments=False,
        form__service__fee_rule={"kind": "fixed", "amount": 3750},
        payment=payment,
    )
    assert submission.fee_cents == 3750
    flat = " ".join(pdf_text(receipt_render(submission=submission)).split())
    assert "37,50 €" in flat
    assert "PAY-RECEIPT-1" in flat
    # The state in plain words and the provider by its name, not by its internal key.
    assert "Zahlung bezahlt" in flat and "Zahlungsart Testzahlung (Sandbox)" in flat
    assert "sandbox" not in flat and "paid" not in flat


def test_receipt_names_a_provider_no_longer_offered_in_plain_words():
    payment = Payment.objects.create(
        provider="epay-retired",
        status=Payment.Status.PAID,
        amount_cents=3750,
        description="Hundesteuer",
        reference="PAY-RECEIPT-2",
    )
    submission = _submission(
        attachments=False,
        form__service__fee_rule={"kind": "fixed", "amount": 3750},
        payment=payment,
    )
    flat = " ".join(pdf_text(receipt_render(submission=submission)).split())
    assert "Zahlungsart Online-Zahlung" in flat and "epay" not in flat


def test_receipt_create_seals_stores_and_is_idempotent():
    submission = _submission()
    receipt_create(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.receipt.name.endswith(f"{submission.pk}.pdf")
    stored = submission.receipt.read()
    submission.receipt.close()
    assert hashlib.sha256(stored).hexdigest() == submission.receipt_sha256
    result = pdf_seal_validate(pdf=stored)
    assert result.ok and result.signer_name == SEAL_NAME
    # The seal's incremental update keeps the document PDF/A-2 and PDF 1.7 (no /Version 2.0,
    # Info and XMP metadata still agree, the structure tree is still there).
    assert stored.startswith(b"%PDF-1.7\n")
    assert pdfa2_problems(stored) == []
    event = AuditEvent.objects.get(action="submission.receipt", object_id=str(submission.pk))
    assert event.details["sha256"] == submission.receipt_sha256
    assert "Erika" not in str(event.details)
    # A second run (outbox retry) keeps the first receipt.
    receipt_create(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (
        hashlib.sha256(submission.receipt.read()).hexdigest() == hashlib.sha256(stored).hexdigest()
    )
    submission.receipt.close()
    assert AuditEvent.objects.filter(action="submission.receipt").count() == 1


def test_outbox_creates_receipt_and_mail_after_submission(django_capture_on_commit_callbacks):
    draft = DraftFactory()
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(draft=draft, actor=Actor.person(draft.applicant))
    submission.refresh_from_db()
    assert submission.receipt and submission.receipt_sha256
    assert pdf_seal_validate(pdf=submission.receipt.read()).ok
    submission.receipt.close()
    receipt_message = OutboxMessage.objects.get(topic="submission.created/applications.receipt")
    assert receipt_message.status == OutboxMessage.Status.DONE
    assert [m.to for m in mail.outbox] == [[draft.applicant.email]]
    assert submission.reference in mail.outbox[0].subject
