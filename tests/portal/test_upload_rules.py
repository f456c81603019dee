"""The citizen learns the accepted types and both size limits before uploading, on the proofs
page of a draft and at a request for documents; a refusal names the file, its size and the
limit."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rathaus.applications.submissions import submission_create
from rathaus.cases.models import DocumentRequest
from rathaus.core.actors import Actor
from tests.applications.upload_samples import pdf
from tests.factories import DraftFactory, RequiredDocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
RULES = (
    "Erlaubte Dateitypen: PDF, JPEG, PNG, TIFF, ODT oder DOCX. Eine Datei darf höchstens 10 MB "
    "groß sein, alle Dateien dieses Antrags zusammen höchstens 50 MB."
)


def _text(response):
    # The visible text with white space collapsed (the rules may wrap in the template).
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def citizen(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_documents_page_tells_types_and_limits_before_any_upload(client, citizen, settings):
    draft = DraftFactory(applicant=citizen)
    document = RequiredDocumentFactory(service=draft.offer.service)
    page = client.get(reverse("apply:documents", args=[draft.pk]))
    assert page.status_code == 200
    assert RULES in _text(page)
    assert "Dateien mit Passwortschutz, Dokumente mit Makros und Archive" in _text(page)
    html = page.content.decode()
    # The rules are read out with the file input, and the file chooser offers the types.
    field = re.search(rf'<input[^>]+id="file-{document.pk}"[^>]*>', html).group(0)
    assert re.search(r'aria-describedby="[^"]*upload-rules', field)
    assert 'accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.odt,.docx,application/pdf' in field
    # The figures follow the settings.
    settings.RATHAUS_UPLOAD_MAX_FILE_BYTES = 5 * MB
    settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES = 20 * MB
    settings.RATHAUS_UPLOAD_ALLOWED_TYPES = ["pdf"]
    text = _text(client.get(reverse("apply:documents", args=[draft.pk])))
    assert "Erlaubte Dateitypen: PDF. Eine Datei darf höchstens 5 MB" in text
    assert "zusammen höchstens 20 MB" in text


def test_oversized_upload_is_refused_with_size_and_limit_on_the_page(
    client,
    citizen,
    settings,
    clamav,
    media_root,
):
    settings.RATHAUS_UPLOAD_MAX_FILE_BYTES = 1 * MB
    draft = DraftFactory(applicant=citizen)
    document = RequiredDocumentFactory(service=draft.offer.service)
    upload = SimpleUploadedFile("scan.pdf", pdf(padding=bytes(int(1.5 * MB))))
    page = client.post(
        reverse("apply:documents", args=[draft.pk]),
        {"action": "upload", f"file-{document.pk}": upload},
    )
    assert page.status_code == 200
    assert (
        "Die Datei „scan.pdf“ ist 1,6 MB groß. Eine Datei darf höchstens 1 MB groß sein."
        in _text(page)
    )


def test_request_for_documents_tells_types_and_limits(client, citizen):
    draft = DraftFactory(applicant=citizen)
    submission = submission_create(draft=draft, actor=Actor.person(citizen))
    requested = DocumentRequest.objects.create(
        case=submission.case,
        message="Bitte Meldebescheinigung nachreichen.",
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    page = client.get(reverse("apply:detail", args=[submission.pk]))
    assert RULES in _text(page)
    html = page.content.decode()
    field = re.search(rf'<input[^>]+id="request-file-{requested.pk}"[^>]*>', html).group(0)
    assert f'aria-describedby="request-file-{requested.pk}-help"' in field
    assert f'id="request-file-{requested.pk}-help"' in html
