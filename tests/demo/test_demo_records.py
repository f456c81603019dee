"""The E-Akte's demo (issue 11 "Done when"): after `load_demo_data`, the demo seal and
`load_demo_records`, the demo citizen's Hund-anmelden application is a case filed in the
Steueramt's file with its data, proof and sealed receipt; a word of the PDF proof finds it;
a scan batch waits for its second check; an old file is due for disposal and Düren has an
archive connection. A second run changes nothing."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from rathaus.records.models import (
    ArchiveConnection,
    CaseFiling,
    Document,
    RecordFile,
    ScanBatch,
)
from rathaus.records.retention import files_due
from rathaus.records.search import document_search
from tests.demo.fixtures import demo_data  # noqa: F401 (a fixture)
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def config_key(settings):
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


def test_the_demo_records(config_key, media_root, demo_seal, demo_data):  # noqa: F811
    out = StringIO()
    call_command("load_demo_records", stdout=out, stderr=StringIO())
    filing = CaseFiling.objects.select_related("file__office", "case").get()
    year = timezone.localdate().year
    assert filing.file.title == f"Hundesteuer {year}"
    assert filing.file.office.slug == "steueramt"
    sources = {d.source.split(":")[0] for d in Document.objects.filter(case=filing.case)}
    assert {
        "applications.submission",
        "applications.attachment",
        "applications.receipt",
        "mailbox.message",
    } <= sources
    hits = document_search(query="Haftpflichtversicherung", office_ids={filing.file.office_id})
    assert "applications.attachment" in {d.source.split(":")[0] for d in hits.documents}
    batch = ScanBatch.objects.get()
    assert batch.status == "done" and batch.documents.get().check_result == "pending"
    old = RecordFile.objects.get(title="Hundesteuer 2012")
    assert list(files_due(municipality_id=old.municipality_id)) == [old]
    assert ArchiveConnection.objects.get().xdomea_version == "3.1.0"
    documents = Document.objects.count()
    call_command("load_demo_records", stdout=StringIO(), stderr=StringIO())
    assert Document.objects.count() == documents and ScanBatch.objects.count() == 1
