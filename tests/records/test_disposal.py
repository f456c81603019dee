"""Disposal (Aussonderung) and hand-over (Abgabe) with xdomea (issue 11 §3).

The round trip plays the archive with our own importer (`manage.py xdomea_import`, as an
archive takes a 0501 and a 0503 in) and the library's archive-side builders: 0501 → 0504 and
0502 (some archived, one destroyed) → 0505 → 0503 → 0507 and 0506 → deletion records, in
each version we write. Every message we produced validates against the official XSD; the
official sample messages import; an invalid message is refused with its element and line; a
hand-over to another authority (0401) is taken in there and answered with 0402."""

import datetime as dt
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict, DomainError, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.records import services, xdomea
from rathaus.records.content import content_read
from rathaus.records.documents import CheckedUpload
from rathaus.records.models import (
    ArchiveConnection,
    DeletionRecord,
    DisposalItem,
    DisposalOffer,
    Document,
    DocumentVersion,
    FilePlanItem,
    RecordFile,
    XdomeaMessage,
)
from rathaus.records.sealing import days_seal, trees_verify
from rathaus.records.take_in import TakeIn
from rathaus.records.tasks import archive_inbox_run
from rathaus.records.xdomea.validation import schema_directory
from rathaus.staff.models import Role
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import make_submission
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory
from tests.optional_dependencies import unavailable
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = (
    "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n"
    "9;;Finanzen;;B\n963;9;Hundesteuer;5;\n"
)
ARCHIVE_PLAN = "Nummer;Titel\n1;Übernommenes Schriftgut\n"
EXAMPLE_0501 = "9a75050f-323a-4e84-94c9-a889aa2b4fe8_Aussonderung.Anbieteverzeichnis.0501.xml"
EXAMPLE_0503 = "9fde4e7a-b41b-11ec-9225-005056871b7c_Aussonderung.Aussonderung.0503.xml"


@pytest.fixture
def schemas() -> Path:
    directory = schema_directory()
    if not (directory / "3.1.0" / "xdomea.xsd").is_file():
        unavailable(
            f"the official xdomea XSDs are not at {directory}; set RATHAUS_STANDARDS_DIR "
            "(or the setting RATHAUS_XDOMEA_SCHEMA_DIR) to the shared standards folder"
        )
    return directory


class World:
    """A municipality with three due files and its archive, which is a municipality of this
    installation too (so the round trip can take the files in there)."""

    def __init__(self, tmp_path: Path, version: str) -> None:
        submission = make_submission()
        self.office = submission.office
        self.municipality = self.office.municipality
        services.file_plan_import(actor=SYSTEM, municipality=self.municipality, data=PLAN)
        item = FilePlanItem.objects.get(municipality=self.municipality, number="963")
        self.files = []
        for n, title in enumerate(("Hunde A", "Hunde B", "Hunde C")):
            record = services.file_create(
                actor=SYSTEM, office=self.office, plan_item=item, title=title, year=2012
            )
            services.document_add(
                actor=SYSTEM,
                record=record,
                title=f"Bescheid {n}",
                kind=Document.Kind.OUTGOING,
                upload=CheckedUpload(f"bescheid-{n}.pdf", "application/pdf", samples.pdf()),
                document_date=dt.date(2012, 5, 2),
            )
            self.files.append(record)
        # The first file holds a case with the application's documents.
        services.case_file(actor=SYSTEM, case=submission.case, record=self.files[0])
        for record in self.files:
            services.file_close(actor=SYSTEM, record=record, reason="erledigt")
        RecordFile.objects.filter(pk__in=[f.pk for f in self.files]).update(
            disposal_date=dt.date(2018, 1, 1)
        )
        self.outgoing, self.incoming = tmp_path / "an-archiv", tmp_path / "von-archiv"
        self.connection = ArchiveConnection.objects.create(
            municipality=self.municipality,
            archive_name="Landesarchiv",
            archive_code="LAV",
            xdomea_version=version,
            outgoing_path=str(self.outgoing),
            incoming_path=str(self.incoming),
        )
        self.archive_office = OfficeFactory(name="Landesarchiv, Magazin")
        services.file_plan_import(
            actor=SYSTEM, municipality=self.archive_office.municipality, data=ARCHIVE_PLAN
        )
        self.answers = tmp_path / "antworten"

    def sent(self, code: str) -> Path:
        (path,) = [p for p in self.outgoing.iterdir() if p.name.endswith(f".{code}.zip")]
        return path

    def archive_header(self, offer: DisposalOffer) -> xdomea.Header:
        return xdomea.Header(
            process_id=offer.process_id,
            created_at=timezone.now(),
            sender=xdomea.Party(name="Landesarchiv", authority_key="LAV"),
            recipient=xdomea.Party(name=self.municipality.name),
        )

    def answer(self, xml: bytes) -> None:
        container = xdomea.write_container(xml, {})
        self.incoming.mkdir(parents=True, exist_ok=True)
        (self.incoming / container.file_name).write_bytes(container.data)

    def take_in_as_archive(self, path: Path) -> str:
        out = io.StringIO()
        call_command(
            "xdomea_import",
            str(path),
            municipality=self.archive_office.municipality.slug,
            office=self.archive_office.slug,
            plan_item="1",
            answer=str(self.answers),
            stdout=out,
        )
        return out.getvalue()


def contents_of(record: RecordFile) -> dict[str, str]:
    return {
        v.file_name: v.content.sha256
        for v in DocumentVersion.objects.filter(document__file=record).select_related("content")
    }


@pytest.mark.parametrize("version", ["3.1.0", "3.0.0", "2.4.0"])
def test_the_round_trip_with_the_archive(
    version,
    schemas,
    clamav,
    media_root,
    tmp_path,
    demo_seal,  # noqa: F811
):
    world = World(tmp_path, version)
    keep, destroy, keep_too = world.files
    before = {f.pk: contents_of(f) for f in world.files}
    assert len(before[keep.pk]) >= 2  # the notice and what the case brought
    # The versions are sealed in a daily tree; leaving the records must not break it.
    DocumentVersion.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    days_seal()

    # 0501: the offer, metadata only, in the archive's version.
    offer = services.disposal_offer_create(
        actor=SYSTEM, municipality=world.municipality, file_ids=[f.pk for f in world.files]
    )
    assert offer.xdomea_version == version
    listed = world.take_in_as_archive(world.sent("0501"))  # an archive reads the offer
    assert f"0501 (xdomea {version})" in listed
    for record in world.files:
        assert f"file {record.file_reference}: {record.title}" in listed
    (receipt,) = world.answers.iterdir()  # the offer asked for a receipt: 0504
    assert receipt.name.endswith("Aussonderung.AnbietungEmpfangBestaetigen.0504.zip")
    with pytest.raises(Conflict):  # nothing to hand over before the evaluation
        services.disposal_transfer(actor=SYSTEM, offer=offer)

    # 0504 and 0502 from the archive, picked up from its transfer directory.
    world.incoming.mkdir(parents=True)
    shutil.copy(receipt, world.incoming / receipt.name)
    world.answer(
        xdomea.evaluation_0502(
            world.archive_header(offer),
            [
                xdomea.Evaluation(keep.pk, xdomea.ArchiveRule.ARCHIVE),
                xdomea.Evaluation(destroy.pk, xdomea.ArchiveRule.DESTROY),
                xdomea.Evaluation(keep_too.pk, xdomea.ArchiveRule.ARCHIVE),
            ],
            version=version,
        )
    )
    inbox = services.archive_inbox_process(actor=SYSTEM)
    assert (inbox.imported, inbox.refused) == (2, [])
    assert len(list((world.incoming / "done").iterdir())) == 2
    offer.refresh_from_db()
    assert offer.status == DisposalOffer.Status.EVALUATED
    decisions = dict(offer.items.values_list("file_id", "decision"))
    assert decisions == {keep.pk: "archive", destroy.pk: "destroy", keep_too.pk: "archive"}
    world.sent("0505")  # the evaluation's receipt went back

    # What the archive does not take is destroyed, with a deletion record.
    assert services.disposal_destroy(actor=SYSTEM, offer=offer) == 1
    destroyed = DeletionRecord.objects.get(file=destroy)
    assert destroyed.reason == DeletionRecord.Reason.DESTROYED
    assert (destroyed.message_code, destroyed.process_id) == ("0502", offer.process_id)
    assert "Landesarchiv" in destroyed.decision
    assert [v["sha256"] for d in destroyed.documents for v in d["versions"]] == list(
        before[destroy.pk].values()
    )
    assert not Document.objects.filter(file=destroy).exists()

    # 0503: the files the archive takes, with their documents, in the ZIP container.
    name = services.disposal_transfer(actor=SYSTEM, offer=offer)
    transfer = world.sent("0503")
    assert transfer.name == name
    out = io.StringIO()
    call_command("xdomea_validate", str(transfer), stdout=out)
    assert f"valid: xdomea {version} 0503 Aussonderung.Aussonderung.0503" in out.getvalue()
    with zipfile.ZipFile(transfer) as archive:
        shipped = {hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()[1:]}
    assert shipped == set(before[keep.pk].values()) | set(before[keep_too.pk].values())

    # The archive takes the 0503 in and answers 0506 (and in 3.x receipts it with 0507).
    shutil.rmtree(world.answers)
    taken = world.take_in_as_archive(transfer)
    assert keep.file_reference in taken and keep_too.file_reference in taken
    archived = RecordFile.objects.filter(office=world.archive_office)
    assert archived.count() == 2
    taken_contents = {
        v.content.sha256
        for v in DocumentVersion.objects.filter(document__file__in=archived).select_related(
            "content"
        )
    }
    assert taken_contents == shipped
    (confirmation,) = world.answers.iterdir()
    shutil.copy(confirmation, world.incoming / confirmation.name)
    if version != "2.4.0":
        world.answer(xdomea.transfer_receipt_0507(world.archive_header(offer), version=version))
    inbox = services.archive_inbox_process(actor=SYSTEM)
    assert inbox.refused == []

    offer.refresh_from_db()
    assert offer.status == DisposalOffer.Status.COMPLETED
    for record in (keep, keep_too):
        record.refresh_from_db()
        assert record.status == RecordFile.Status.ARCHIVED
        deletion = DeletionRecord.objects.get(file=record)
        assert (deletion.reason, deletion.message_code) == ("archived", "0506")
        assert not Document.objects.filter(file=record).exists()
    assert DeletionRecord.objects.filter(municipality=world.municipality).count() == 3
    codes = list(
        XdomeaMessage.objects.filter(process_id=offer.process_id).values_list("direction", "code")
    )
    expected = [("out", "0501"), ("in", "0504"), ("in", "0502"), ("out", "0505"), ("out", "0503")]
    assert sorted(codes) == sorted(
        [*expected, ("in", "0506"), *([("in", "0507")] if version != "2.4.0" else [])]
    )
    for message in XdomeaMessage.objects.filter(direction="out"):
        assert xdomea.validate(content_read(message.content)).version == version
    # The daily tree still verifies: the removed versions left their leaves.
    assert [check.problems for check in trees_verify()] == [[]]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "records.disposal_offer",
        "records.disposal_evaluation",
        "records.disposal_transfer",
        "records.disposal_confirmation",
        "records.file_delete",
        "records.xdomea_import",
    } <= actions


def test_an_archive_that_refuses_a_file_gets_it_again(schemas, clamav, media_root, tmp_path):
    world = World(tmp_path, "3.1.0")
    keep = world.files[0]
    offer = services.disposal_offer_create(
        actor=SYSTEM, municipality=world.municipality, file_ids=[keep.pk]
    )
    world.answer(
        xdomea.evaluation_0502(
            world.archive_header(offer),
            [xdomea.Evaluation(keep.pk, xdomea.ArchiveRule.ARCHIVE)],
            receipt_requested=False,
        )
    )
    services.archive_inbox_process(actor=SYSTEM)
    services.disposal_transfer(actor=SYSTEM, offer=offer)
    world.answer(
        xdomea.transfer_import_0506(
            world.archive_header(offer),
            [xdomea.ObjectResult(keep.pk, False, ("Primärdokument nicht lesbar",))],
        )
    )
    services.archive_inbox_process(actor=SYSTEM)
    item = DisposalItem.objects.get(offer=offer)
    assert item.problem == "Primärdokument nicht lesbar"
    keep.refresh_from_db()
    assert keep.status == RecordFile.Status.CLOSED and Document.objects.filter(file=keep).exists()
    for path in world.outgoing.glob("*.0503.zip"):
        path.unlink()
    services.disposal_transfer(actor=SYSTEM, offer=offer)  # sent again
    world.sent("0503")
    item.refresh_from_db()
    assert item.problem == ""


def test_the_official_sample_messages_import(schemas, clamav, media_root):
    examples = schemas / "examples"
    out = io.StringIO()
    call_command("xdomea_import", str(examples / EXAMPLE_0501), stdout=out)
    listing = out.getvalue()
    assert "0501 (xdomea 3.0.0), process 9a75050f-323a-4e84-94c9-a889aa2b4fe8" in listing
    assert "file 1234-1: Betreff (Testdaten), evaluate" in listing

    office = OfficeFactory()
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=ARCHIVE_PLAN)
    out = io.StringIO()
    # The 0503 sample as XML with its primary document beside it.
    call_command(
        "xdomea_import",
        str(examples / EXAMPLE_0503),
        municipality=office.municipality.slug,
        office=office.slug,
        plan_item="1",
        stdout=out,
    )
    assert "0503 (xdomea 3.0.0)" in out.getvalue()
    (record,) = RecordFile.objects.filter(office=office)
    assert record.title == "[Vorgangsbetreff]"
    (document,) = Document.objects.filter(file=record)
    assert document.title == "[Dokumentbetreff]"
    assert document.metadata["xdomea"]["within"] == "[Vorgangskennzeichen]"
    text = (examples / "f4bcaaf7-d7cb-11ef-a278-005056871b7c.txt").read_bytes()
    assert content_read(document.versions.get().content) == text
    with pytest.raises(CommandError, match="bereits übernommen"):
        call_command(
            "xdomea_import",
            str(examples / EXAMPLE_0503),
            municipality=office.municipality.slug,
            office=office.slug,
            plan_item="1",
            stdout=io.StringIO(),
        )


def test_an_invalid_message_is_refused_with_element_and_line(schemas, tmp_path):
    data = (schemas / "examples" / EXAMPLE_0501).read_bytes()
    broken = data.replace(b"<xdomea:ProzessID>", b"<xdomea:ProzessNummer>", 1).replace(
        b"</xdomea:ProzessID>", b"</xdomea:ProzessNummer>", 1
    )
    path = tmp_path / "kaputt.xml"
    path.write_bytes(broken)
    for command in ("xdomea_validate", "xdomea_import"):
        err = io.StringIO()
        with pytest.raises(CommandError, match="does not match the official schema"):
            call_command(command, str(path), stderr=err)
        assert "line 4" in err.getvalue() and "ProzessNummer" in err.getvalue()
    out = io.StringIO()
    call_command("xdomea_validate", str(schemas / "examples" / EXAMPLE_0501), stdout=out)
    assert "valid: xdomea 3.0.0 0501" in out.getvalue()
    # A container missing the primary document the message names is refused too.
    zipped = tmp_path / "ohne.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr(
            EXAMPLE_0503,
            (schemas / "examples" / EXAMPLE_0503).read_bytes(),
        )
    with pytest.raises(CommandError, match="f4bcaaf7"):
        call_command("xdomea_import", str(zipped), stderr=io.StringIO())


def test_an_answer_to_no_offer_is_refused(schemas, tmp_path):
    header = xdomea.Header(
        process_id=DisposalOffer._meta.pk.default(),
        created_at=timezone.now(),
        sender=xdomea.Party(name="Landesarchiv"),
        recipient=xdomea.Party(name="Stadt"),
    )
    path = tmp_path / "0504.xml"
    path.write_bytes(xdomea.offer_receipt_0504(header))
    with pytest.raises(CommandError, match="Kein Aussonderungsangebot hat die Prozess-ID"):
        call_command("xdomea_import", str(path))


def test_only_the_registry_offers_and_only_due_files(schemas, media_root, tmp_path):
    world = World(tmp_path, "3.1.0")
    clerk = make_staff("sachbearbeitung", (world.office, Role.CASE_WORKER))
    registry = make_staff("registratur", (world.office, Role.REGISTRY))
    with pytest.raises(NotPermitted):
        services.disposal_offer_create(
            actor=Actor.person(clerk), municipality=world.municipality, file_ids=[world.files[0].pk]
        )
    open_file = services.file_create(
        actor=SYSTEM,
        office=world.office,
        plan_item=world.files[0].plan_item,
        title="offen",
    )
    with pytest.raises(DomainError, match="zur Aussonderung fällig"):
        services.disposal_offer_create(
            actor=Actor.person(registry), municipality=world.municipality, file_ids=[open_file.pk]
        )
    offer = services.disposal_offer_create(
        actor=Actor.person(registry), municipality=world.municipality, file_ids=[world.files[1].pk]
    )
    assert offer.items.count() == 1
    # An offered file is not offered twice while the disposal runs.
    with pytest.raises(DomainError, match="zur Aussonderung fällig"):
        services.disposal_offer_create(
            actor=Actor.person(registry),
            municipality=world.municipality,
            file_ids=[world.files[1].pk],
        )


@pytest.mark.parametrize("version", ["3.1.0", "2.4.0"])
def test_a_hand_over_to_another_authority(version, schemas, clamav, media_root, tmp_path):
    world = World(tmp_path, "3.1.0")
    moving = world.files[2]
    before = contents_of(moving)
    clerk = make_staff("sachbearbeitung", (world.office, Role.CASE_WORKER))
    handed = services.files_hand_over(
        actor=Actor.person(clerk), files=[moving], recipient="Kreisverwaltung", version=version
    )
    assert handed.container.file_name.endswith("_Abgabe.Abgabe.0401.zip")
    path = tmp_path / handed.container.file_name
    path.write_bytes(handed.container.data)
    out = io.StringIO()
    call_command("xdomea_validate", str(path), stdout=out)
    assert f"valid: xdomea {version} 0401" in out.getvalue()

    # The receiving authority takes the files in and answers 0402.
    receiver = world.archive_office
    result = services.message_import(
        actor=SYSTEM,
        data=handed.container.data,
        take_in=TakeIn(receiver.municipality, receiver.slug, "1"),
    )
    (taken,) = RecordFile.objects.filter(office=receiver)
    assert moving.file_reference in taken.title
    assert set(contents_of(taken).values()) == set(before.values())
    assert result.answer is not None and result.answer.file_name.endswith(".0402.zip")

    lines = services.message_import(actor=SYSTEM, data=result.answer.data).lines
    assert any("übernommen, hier gelöscht" in line for line in lines)
    moving.refresh_from_db()
    assert moving.status == RecordFile.Status.HANDED_OVER
    deletion = DeletionRecord.objects.get(file=moving)
    assert (deletion.reason, deletion.message_code) == ("handed_over", "0402")
    assert receiver.municipality.name in deletion.decision
    with pytest.raises(Conflict):
        services.files_hand_over(actor=SYSTEM, files=[moving], recipient="Kreisverwaltung")
    other_clerk = make_staff("fremd", (OfficeFactory(), Role.CASE_WORKER))
    with pytest.raises(NotPermitted):
        services.files_hand_over(
            actor=Actor.person(other_clerk), files=[world.files[1]], recipient="Kreis"
        )


def test_the_hourly_job_imports_answers_and_sets_refused_ones_aside(
    schemas, media_root, tmp_path, caplog
):
    world = World(tmp_path, "3.0.0")
    offer = services.disposal_offer_create(
        actor=SYSTEM, municipality=world.municipality, file_ids=[world.files[0].pk]
    )
    world.answer(xdomea.offer_receipt_0504(world.archive_header(offer), version="3.0.0"))
    (world.incoming / "kaputt.xml").write_bytes(b"<kein-xdomea/>")
    assert archive_inbox_run() == 1
    assert [p.name for p in (world.incoming / "refused").iterdir()] == ["kaputt.xml"]
    assert "kaputt.xml" in caplog.text
    assert XdomeaMessage.objects.filter(process_id=offer.process_id, code="0504").exists()


def test_an_evaluation_in_xdomea_2_3_0_is_imported(schemas, media_root, tmp_path):
    """Archives still running 2.3.0 answer in it (the same messages as 2.4.0 in another
    namespace): we read it."""
    world = World(tmp_path, "2.4.0")
    record = world.files[1]
    offer = services.disposal_offer_create(
        actor=SYSTEM, municipality=world.municipality, file_ids=[record.pk]
    )
    xml = xdomea.evaluation_0502(
        world.archive_header(offer),
        [xdomea.Evaluation(record.pk, xdomea.ArchiveRule.DESTROY)],
        version="2.4.0",
        receipt_requested=False,
    ).replace(b"urn:xoev-de:xdomea:schema:2.4.0", b"urn:xoev-de:xdomea:schema:2.3.0")
    result = services.message_import(actor=SYSTEM, data=xml)
    assert (result.code, result.version) == ("0502", "2.3.0")
    assert DisposalItem.objects.get(offer=offer).decision == "destroy"
