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

from rathaus.core.actors import Actor
from rathaus.records import services, xdomea
from rathaus.records.models import (
    ArchiveConnection,
    CaseFiling,
    Document,
    RecordFile,
    ScanBatch,
)
from rathaus.records.retention import files_due
from rathaus.records.search import document_search
from rathaus.records.xdomea.validation import schema_directory
from tests.demo.fixtures import demo_data  # noqa: F401 (a fixture)
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.optional_dependencies import unavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def config_key(settings):
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


def test_the_demo_records(config_key, media_root, demo_seal, demo_data, tmp_path):  # noqa: F811
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
    _the_old_file_goes_to_the_archive_as_a_valid_0503(old, tmp_path)


def _the_old_file_goes_to_the_archive_as_a_valid_0503(old: RecordFile, tmp_path) -> None:
    """The "Done when" of issue 11: the due file offered, evaluated "archive" by the
    Landesarchiv, handed over as a 0503 that validates against the official XSD."""
    if not (schema_directory() / "3.1.0" / "xdomea.xsd").is_file():
        unavailable(f"the official xdomea XSDs are not at {schema_directory()}")
    ArchiveConnection.objects.update(
        outgoing_path=str(tmp_path / "an-archiv"), incoming_path=str(tmp_path / "von-archiv")
    )
    system = Actor.system("tests")
    offer = services.disposal_offer_create(
        actor=system, municipality=old.municipality, file_ids=[old.pk]
    )
    evaluation = xdomea.evaluation_0502(
        xdomea.Header(
            process_id=offer.process_id,
            created_at=timezone.now(),
            sender=xdomea.Party(name="Landesarchiv NRW"),
            recipient=xdomea.Party(name=old.municipality.name),
        ),
        [xdomea.Evaluation(old.pk, xdomea.ArchiveRule.ARCHIVE)],
        receipt_requested=False,
    )
    services.message_import(actor=system, data=evaluation)
    name = services.disposal_transfer(actor=system, offer=offer)
    out = StringIO()
    call_command("xdomea_validate", str(tmp_path / "an-archiv" / name), stdout=out)
    assert "valid: xdomea 3.1.0 0503 Aussonderung.Aussonderung.0503, 2 primary documents" in (
        out.getvalue()
    )
