"""xdomea library: build, validate, container, parse (rathaus.records.xdomea).

The official XSDs and sample messages are read from the configured standards folder (never
copied into the repository); without it these tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import xmlschema
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rathaus.records.xdomea import (
    PRODUCIBLE_VERSIONS,
    Address,
    ArchiveRule,
    CaseRecord,
    Confidentiality,
    Confirmation,
    ContainerInvalid,
    ContainerLimits,
    DocumentKind,
    DocumentRecord,
    DocumentVersionRecord,
    Evaluation,
    EvaluationList,
    FileRecord,
    Header,
    ObjectResult,
    Offer,
    Party,
    PrimaryDocument,
    SchemaUnavailable,
    Transfer,
    Unrepresentable,
    XdomeaInvalid,
    evaluation_0502,
    evaluation_receipt_0505,
    handover_0401,
    handover_import_0402,
    handover_receipt_0403,
    offer_0501,
    offer_receipt_0504,
    parse,
    parse_container,
    primary_file_name,
    read_container,
    schema_directory,
    transfer_0503,
    transfer_import_0506,
    transfer_receipt_0507,
    validate,
    write_container,
)
from tests.optional_dependencies import unavailable

EXAMPLE_0501 = "9a75050f-323a-4e84-94c9-a889aa2b4fe8_Aussonderung.Anbieteverzeichnis.0501.xml"
EXAMPLE_0503 = "9fde4e7a-b41b-11ec-9225-005056871b7c_Aussonderung.Aussonderung.0503.xml"
EXAMPLE_TXT = "f4bcaaf7-d7cb-11ef-a278-005056871b7c.txt"


@pytest.fixture(autouse=True)
def xdomea_schemas() -> Path:
    directory = schema_directory()
    if not (directory / "3.1.0" / "xdomea.xsd").is_file():
        unavailable(
            f"the official xdomea XSDs are not at {directory}; set RATHAUS_STANDARDS_DIR "
            "(or the setting RATHAUS_XDOMEA_SCHEMA_DIR) to the shared standards folder"
        )
    return directory


@cache
def second_opinion(version: str) -> xmlschema.XMLSchema:
    """xmlschema's view of the same official schema, to cross-check lxml's verdicts."""
    folder = schema_directory() / version
    if version.startswith("3."):
        return xmlschema.XMLSchema(str(folder / "xdomea.xsd"))
    wrapper = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="urn:xoev-de:xdomea:schema:{version}" elementFormDefault="qualified">'
        '<xs:include schemaLocation="xdomea-Nachrichten-AussonderungDurchfuehren.xsd"/>'
        '<xs:include schemaLocation="xdomea-Nachrichten-AbgabeDurchfuehren.xsd"/></xs:schema>'
    )
    return xmlschema.XMLSchema(wrapper, base_url=str(folder) + "/")


# Sample records --------------------------------------------------------------------------

NOW = datetime(2024, 5, 17, 9, 30, 0, tzinfo=UTC)
AUTHORITY = Party(
    name="Stadt Musterstadt",
    short_name="MS",
    authority_key="05315000",
    organisational_unit="Hauptamt",
    address=Address("Rathausplatz", "1", "12345", "Musterstadt"),
)
ARCHIVE = Party(name="Landesarchiv Musterland", short_name="LAM", authority_key="LAM")


def header(sender: Party = AUTHORITY, recipient: Party = ARCHIVE, **changes: Any) -> Header:
    values: dict[str, Any] = {
        "process_id": uuid4(),
        "created_at": NOW,
        "sender": sender,
        "recipient": recipient,
        "product_version": "0.1.0",
        "note": "Aussonderung 2024",
    }
    values.update(changes)
    return Header(**values)


def primary(name: str, content: bytes, mime: str) -> PrimaryDocument:
    return PrimaryDocument(
        file_name=primary_file_name(uuid4(), name),
        original_file_name=name,
        mime_type=mime,
        created_at=NOW,
        content=content,
    )


def document(title: str, kind: DocumentKind, *, attachments: tuple[DocumentRecord, ...] = ()):
    return DocumentRecord(
        id=uuid4(),
        title=title,
        reference=f"DOC-{title[:3]}",
        date=date(2021, 3, 4),
        kind=kind,
        document_type="Schreiben",
        confidentiality=Confidentiality.RESTRICTED,
        versions=(
            DocumentVersionRecord(
                "1", (primary(f"{title}.pdf", b"%PDF-1.7 " + title.encode(), "application/pdf"),)
            ),
            DocumentVersionRecord(
                "2",
                (
                    primary(f"{title} v2.pdf", b"%PDF-1.7 v2", "application/pdf"),
                    primary(f"{title}.txt", "Text ä €".encode(), "text/plain"),
                ),
            ),
        ),
        attachments=attachments,
    )


def sample_files(title: str = "Bauantrag Hauptstraße 5") -> tuple[FileRecord, ...]:
    """Two files every producible version can carry (2.x: documents or cases, not both)."""
    case = CaseRecord(
        id=uuid4(),
        title="Baugenehmigung",
        reference="63.1-2021-17.1",
        opened_on=date(2021, 1, 5),
        closed_on=date(2021, 6, 30),
        archive_rule=ArchiveRule.ARCHIVE,
        confidentiality=Confidentiality.UNCLASSIFIED,
        documents=(
            document(
                "Antrag",
                DocumentKind.INCOMING,
                attachments=(document("Lageplan", DocumentKind.INTERNAL),),
            ),
            document("Bescheid", DocumentKind.OUTGOING),
        ),
        subcases=(
            CaseRecord(
                id=uuid4(),
                title="Nachforderung",
                documents=(document("Vermerk", DocumentKind.INTERNAL),),
            ),
        ),
    )
    with_cases = FileRecord(
        id=uuid4(),
        file_reference="63.1-2021-17",
        title=title,
        file_plan_number="63.1",
        file_plan_title="Baugenehmigungen",
        opened_on=date(2021, 1, 5),
        closed_on=date(2021, 6, 30),
        retention_years=30,
        archive_rule=ArchiveRule.EVALUATE,
        archive_proposal=ArchiveRule.ARCHIVE,
        confidentiality=Confidentiality.RESTRICTED,
        file_type="Sachakte",
        cases=(case,),
    )
    with_documents = FileRecord(
        id=uuid4(),
        file_reference="10.2-2019-3",
        title="Dienstreise",
        file_plan_number="10.2",
        retention_years=6,
        archive_rule=ArchiveRule.DESTROY,
        documents=(document("Reiseantrag", DocumentKind.INCOMING),),
        subfiles=(FileRecord(id=uuid4(), file_reference="10.2-2019-3/1", title="Abrechnung"),),
    )
    return with_cases, with_documents


def without_content(record: Any) -> Any:
    """What a 0501 carries of a record: everything but document versions."""
    if isinstance(record, DocumentRecord):
        return dataclasses.replace(
            record, versions=(), attachments=tuple(map(without_content, record.attachments))
        )
    if isinstance(record, CaseRecord):
        return dataclasses.replace(
            record,
            documents=tuple(map(without_content, record.documents)),
            subcases=tuple(map(without_content, record.subcases)),
        )
    return dataclasses.replace(
        record,
        cases=tuple(map(without_content, record.cases)),
        documents=tuple(map(without_content, record.documents)),
        subfiles=tuple(map(without_content, record.subfiles)),
    )


def as_2x(record: Any) -> Any:
    """What xdomea 2.x keeps: no original file names."""
    if isinstance(record, PrimaryDocument):
        return dataclasses.replace(record, original_file_name="")
    if isinstance(record, DocumentVersionRecord):
        return dataclasses.replace(record, files=tuple(map(as_2x, record.files)))
    if isinstance(record, DocumentRecord):
        return dataclasses.replace(
            record,
            versions=tuple(map(as_2x, record.versions)),
            attachments=tuple(map(as_2x, record.attachments)),
        )
    if isinstance(record, CaseRecord):
        return dataclasses.replace(
            record,
            documents=tuple(map(as_2x, record.documents)),
            subcases=tuple(map(as_2x, record.subcases)),
        )
    return dataclasses.replace(
        record,
        cases=tuple(map(as_2x, record.cases)),
        documents=tuple(map(as_2x, record.documents)),
        subfiles=tuple(map(as_2x, record.subfiles)),
    )


def expected(files: tuple[FileRecord, ...], version: str) -> tuple[FileRecord, ...]:
    return files if version.startswith("3.") else tuple(map(as_2x, files))


def line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


# Every builder, every producible version ------------------------------------------------

FILE_ID = uuid4()
BUILDERS: dict[str, Callable[[str], bytes]] = {
    "0501": lambda v: offer_0501(header(), sample_files(), version=v),
    "0502": lambda v: evaluation_0502(
        header(ARCHIVE, AUTHORITY), [Evaluation(FILE_ID, ArchiveRule.ARCHIVE)], version=v
    ),
    "0503": lambda v: transfer_0503(header(), sample_files(), version=v)[0],
    "0504": lambda v: offer_receipt_0504(header(ARCHIVE, AUTHORITY), version=v),
    "0505": lambda v: evaluation_receipt_0505(header(), version=v),
    "0506": lambda v: transfer_import_0506(
        header(ARCHIVE, AUTHORITY), [ObjectResult(FILE_ID, True, (), "LAM 1/2")], version=v
    ),
    "0507": lambda v: transfer_receipt_0507(header(ARCHIVE, AUTHORITY), version=v),
    "0401": lambda v: handover_0401(header(recipient=ARCHIVE), sample_files(), version=v)[0],
    "0402": lambda v: handover_import_0402(header(), [ObjectResult(FILE_ID, True)], version=v),
    "0403": lambda v: handover_receipt_0403(header(), version=v),
}


@pytest.mark.parametrize("version", PRODUCIBLE_VERSIONS)
@pytest.mark.parametrize("code", sorted(BUILDERS))
def test_every_builder_produces_schema_valid_messages(version: str, code: str) -> None:
    if version == "2.4.0" and code in {"0403", "0507"}:
        with pytest.raises(Unrepresentable, match=f"2.4.0 has no message {code}"):
            BUILDERS[code](version)
        return
    data = BUILDERS[code](version)
    validated = validate(data)
    assert (validated.version, validated.message_code) == (version, code)
    assert validated.root_name.endswith(f".{code}")
    assert second_opinion(version).is_valid(data), second_opinion(version).validate(data)


# Round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("version", PRODUCIBLE_VERSIONS)
def test_offer_round_trip_keeps_metadata_without_documents(version: str) -> None:
    files = sample_files()
    sent = header()
    offer = parse(offer_0501(sent, files, version=version, receipt_requested=False))

    assert isinstance(offer, Offer)
    assert (offer.version, offer.message_code, offer.receipt_requested) == (version, "0501", False)
    assert offer.header == sent
    assert offer.files == tuple(without_content(f) for f in files)


@pytest.mark.parametrize("version", PRODUCIBLE_VERSIONS)
def test_transfer_round_trip_through_the_container_keeps_everything(version: str) -> None:
    files = sample_files()
    sent = header()
    xml, documents = transfer_0503(sent, files, version=version)
    container = write_container(xml, documents)

    assert container.file_name == f"{sent.process_id}_Aussonderung.Aussonderung.0503.zip"
    with zipfile.ZipFile(io.BytesIO(container.data)) as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"{sent.process_id}_Aussonderung.Aussonderung.0503.xml", *documents]
        )
    assert len(documents) == 15  # 5 documents × 3 files, each once

    transfer = parse_container(container.data)
    assert isinstance(transfer, Transfer)
    assert transfer.header == sent
    assert transfer.files == expected(files, version)
    assert transfer.archive_reference_requested
    pdf = transfer.files[0].cases[0].documents[1].versions[0].files[0]
    assert pdf.content == b"%PDF-1.7 Bescheid"
    assert pdf.sha256 == files[0].cases[0].documents[1].versions[0].files[0].sha256


@pytest.mark.parametrize("version", PRODUCIBLE_VERSIONS)
def test_archive_conversation_0501_to_0507(version: str) -> None:
    """The authority offers, the archive evaluates, the authority transfers, the archive confirms."""
    files = sample_files()
    offer = parse(offer_0501(header(), files, version=version))
    assert isinstance(offer, Offer)

    # The archive keeps the first file and lets the second be destroyed.
    keep, drop = offer.files
    decision = header(ARCHIVE, AUTHORITY, process_id=offer.header.process_id)
    evaluation = parse(
        evaluation_0502(
            decision,
            [Evaluation(keep.id, ArchiveRule.ARCHIVE), Evaluation(drop.id, ArchiveRule.DESTROY)],
            version=version,
        )
    )
    assert isinstance(evaluation, EvaluationList)
    assert evaluation.decision_for(keep.id) is ArchiveRule.ARCHIVE
    assert evaluation.decision_for(drop.id) is ArchiveRule.DESTROY
    assert evaluation.decision_for(uuid4()) is None
    receipt = parse(
        evaluation_receipt_0505(header(process_id=decision.process_id), version=version)
    )
    assert isinstance(receipt, Confirmation) and receipt.message_code == "0505"

    to_archive = [f for f in files if evaluation.decision_for(f.id) is ArchiveRule.ARCHIVE]
    xml, documents = transfer_0503(
        header(process_id=decision.process_id), to_archive, version=version
    )
    received = parse_container(write_container(xml, documents).data)
    assert isinstance(received, Transfer)
    assert [f.id for f in received.files] == [keep.id]

    imported = parse(
        transfer_import_0506(
            header(ARCHIVE, AUTHORITY, process_id=decision.process_id),
            [ObjectResult(keep.id, True, (), "LAM Best. 12 Nr. 7")],
            version=version,
        )
    )
    assert isinstance(imported, Confirmation)
    assert imported.succeeded_ids == (keep.id,)
    assert [r.archive_reference for r in imported.results if r.object_id] == ["LAM Best. 12 Nr. 7"]
    if version.startswith("3."):
        final = parse(transfer_receipt_0507(header(ARCHIVE, AUTHORITY), version=version))
        assert isinstance(final, Confirmation) and final.message_code == "0507"


@pytest.mark.parametrize("version", PRODUCIBLE_VERSIONS)
def test_handover_0401_and_its_confirmations(version: str) -> None:
    files = sample_files()
    other_authority = Party(name="Landkreis Beispiel", authority_key="LK-B")
    xml, documents = handover_0401(header(recipient=other_authority), files, version=version)
    handed = parse_container(write_container(xml, documents).data)
    assert isinstance(handed, Transfer) and handed.message_code == "0401"
    assert handed.files == expected(files, version)
    assert handed.header.recipient == other_authority

    results = [
        ObjectResult(files[0].id, True),
        ObjectResult(files[1].id, False, ("Akte unvollständig",)),
    ]
    confirmation = parse(
        handover_import_0402(header(other_authority, AUTHORITY), results, version=version)
    )
    assert isinstance(confirmation, Confirmation) and confirmation.message_code == "0402"
    if version.startswith("3."):
        assert confirmation.results == tuple(results)
        assert confirmation.failed_ids == (files[1].id,)
        receipt = parse(handover_receipt_0403(header(other_authority, AUTHORITY), version=version))
        assert isinstance(receipt, Confirmation) and receipt.message_code == "0403"
    else:  # 2.x reports one overall outcome
        (overall,) = confirmation.results
        assert overall.object_id is None and not overall.success
        assert overall.messages == (f"{files[1].id}: Akte unvollständig",)


def test_xdomea_2_3_0_messages_are_read() -> None:
    """2.3.0 equals 2.4.0 in everything these messages use; only the namespace differs."""
    files = sample_files()
    xml, documents = transfer_0503(header(), files, version="2.4.0")
    old = xml.replace(b"urn:xoev-de:xdomea:schema:2.4.0", b"urn:xoev-de:xdomea:schema:2.3.0")

    assert validate(old).version == "2.3.0"
    transfer = parse(old, primary_documents=documents)
    assert isinstance(transfer, Transfer) and transfer.version == "2.3.0"
    assert transfer.files == tuple(map(as_2x, files))

    result = header(ARCHIVE, AUTHORITY)
    confirmation_xml = transfer_import_0506(
        result,
        [ObjectResult(files[0].id, True, (), "A-1"), ObjectResult(files[1].id, True, (), "A-2")],
        version="2.4.0",
    ).replace(b"schema:2.4.0", b"schema:2.3.0")
    confirmation = parse(confirmation_xml)
    assert isinstance(confirmation, Confirmation)
    assert {r.object_id: r.archive_reference for r in confirmation.results} == {
        files[0].id: "A-1",
        files[1].id: "A-2",
    }


# Official examples -----------------------------------------------------------------------


def test_official_0501_example_validates_and_parses(xdomea_schemas: Path) -> None:
    data = (xdomea_schemas / "examples" / EXAMPLE_0501).read_bytes()
    validated = validate(data)
    assert (validated.version, validated.message_code) == ("3.0.0", "0501")
    assert second_opinion("3.0.0").is_valid(data)

    offer = parse(data)
    assert isinstance(offer, Offer)
    assert offer.header.process_id == UUID("9a75050f-323a-4e84-94c9-a889aa2b4fe8")
    assert offer.header.created_at.isoformat() == "2020-07-24T17:21:25+02:00"  # no offset: Berlin
    assert offer.header.recipient.authority_key == "LATh"
    assert offer.header.sender.name == "AbsXdomeaInstitutionName"
    assert [f.file_reference for f in offer.files] == ["1234-1", "1234-2", "1234-3"]
    first = offer.files[0]
    assert first.id == UUID("37ad5391-e5c1-4818-aaa0-58c5dd381020")
    assert (first.title, first.file_plan_number) == ("Betreff (Testdaten)", "1234")
    assert (first.archive_rule, first.archive_proposal) == (
        ArchiveRule.EVALUATE,
        ArchiveRule.ARCHIVE,
    )
    assert (first.opened_on, first.closed_on) == (date(2018, 7, 24), date(2018, 7, 24))
    assert [c.reference for c in first.cases] == ["1234-1.1", "1234-1.2"]
    assert first.cases[0].documents[0].id == UUID("11972539-ddc0-4bb1-9a1f-71c59b537ec8")
    assert first.cases[0].documents[0].kind is DocumentKind.INTERNAL  # both mail dates given


def test_official_0503_example_validates_and_parses_with_its_document(xdomea_schemas: Path) -> None:
    examples = xdomea_schemas / "examples"
    data = (examples / EXAMPLE_0503).read_bytes()
    text = (examples / EXAMPLE_TXT).read_bytes()
    assert validate(data).message_code == "0503"

    with pytest.raises(ContainerInvalid, match="carries primary documents"):
        parse(data)
    for transfer in (
        parse(data, primary_documents={EXAMPLE_TXT: text}),
        parse_container(write_container(data, {EXAMPLE_TXT: text}).data),
    ):
        assert isinstance(transfer, Transfer)
        assert transfer.files == () and transfer.documents == ()
        (case,) = transfer.cases  # the example sends a Vorgang without its Akte
        assert case.id == UUID("67e456ea-b420-11ec-b503-005056871b7c")
        assert (case.title, case.reference) == ("[Vorgangsbetreff]", "[Vorgangskennzeichen]")
        assert case.confidentiality is Confidentiality.UNCLASSIFIED
        (doc,) = case.documents
        assert (doc.title, doc.date) == ("[Dokumentbetreff]", date(2011, 2, 12))
        (file,) = doc.versions[0].files
        assert (file.file_name, file.format_code, file.mime_type) == (
            EXAMPLE_TXT,
            "045",
            "text/plain",
        )
        assert file.content == text


# Refusals --------------------------------------------------------------------------------


def test_missing_required_element_is_refused_with_path_and_line() -> None:
    data = offer_0501(header(), sample_files())
    broken = re.sub(
        rb"\s*<xdomea:Erstellungszeitpunkt>[^<]*</xdomea:Erstellungszeitpunkt>", b"", data
    )

    with pytest.raises(XdomeaInvalid) as refused:
        validate(broken)
    (problem, *_) = refused.value.problems
    assert problem.path == "/Aussonderung.Anbieteverzeichnis.0501/Kopf/Absender"
    assert problem.line == line_of(broken, b"<xdomea:Absender>")
    assert "Erstellungszeitpunkt" in problem.message
    assert f"line {problem.line}, {problem.path}" in str(refused.value)
    assert not second_opinion("3.1.0").is_valid(broken)


def test_wrong_type_is_refused_with_path_and_line() -> None:
    data = offer_0501(header(), sample_files())
    broken = data.replace(
        b"<xdomea:Beginn>2021-01-05</xdomea:Beginn>", b"<xdomea:Beginn>gestern</xdomea:Beginn>", 1
    )
    broken = broken.replace(b"<code>B</code>", b"<code>X</code>", 1)

    with pytest.raises(XdomeaInvalid) as refused:
        validate(broken)
    by_path = {p.path: p for p in refused.value.problems}
    code = by_path[
        "/Aussonderung.Anbieteverzeichnis.0501/Schriftgutobjekt[1]/Akte/ArchivspezifischeMetadaten/Aussonderungsart/Aussonderungsart/code"
    ]
    assert code.line == line_of(broken, b"<code>X</code>")
    begin = by_path[
        "/Aussonderung.Anbieteverzeichnis.0501/Schriftgutobjekt[1]/Akte/Laufzeit/Beginn"
    ]
    assert begin.line == line_of(broken, b"gestern")
    assert "gestern" in begin.message and "date" in begin.message


def test_not_well_formed_xml_is_refused_with_line() -> None:
    with pytest.raises(XdomeaInvalid, match="not well-formed") as refused:
        validate(b"<?xml version='1.0'?>\n<a>\n<b></a>")
    assert refused.value.problems[0].line == 3


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        ("urn:xoev-de:xdomea:schema:9.9.9", "version '9.9.9' is not supported"),
        ("urn:example:other", "not an xdomea message"),
    ],
)
def test_unknown_namespace_is_refused_clearly(namespace: str, message: str) -> None:
    data = offer_0501(header(), sample_files()).replace(
        b"urn:xoev-de:xdomea:schema:3.1.0", namespace.encode()
    )
    with pytest.raises(XdomeaInvalid, match=message):
        validate(data)


def test_version_and_message_type_detection() -> None:
    for version in PRODUCIBLE_VERSIONS:
        validated = validate(BUILDERS["0502"](version))
        assert (validated.version, validated.message_code, validated.root_name) == (
            version,
            "0502",
            "Aussonderung.Bewertungsverzeichnis.0502",
        )
    unsupported = (
        b'<x:Aussonderung.AktenplanZurBewertung.0511 xmlns:x="urn:xoev-de:xdomea:schema:3.1.0"/>'
    )
    with pytest.raises(XdomeaInvalid, match=re.escape("0511' is not supported in version 3.1.0")):
        validate(unsupported)
    missing_in_2x = b'<x:Abgabe.EmpfangBestaetigen.0403 xmlns:x="urn:xoev-de:xdomea:schema:2.4.0"/>'
    with pytest.raises(XdomeaInvalid, match=re.escape("not supported in version 2.4.0")):
        validate(missing_in_2x)
    misnamed = b'<x:Aussonderung.Falsch.0501 xmlns:x="urn:xoev-de:xdomea:schema:3.1.0"/>'
    with pytest.raises(XdomeaInvalid, match="not supported"):
        validate(misnamed)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xdomea:Aussonderung.AnbietungEmpfangBestaetigen.0504 xmlns:xdomea="urn:xoev-de:xdomea:schema:3.1.0">
<xdomea:Kopf><xdomea:ProzessID>&secret;</xdomea:ProzessID></xdomea:Kopf>
</xdomea:Aussonderung.AnbietungEmpfangBestaetigen.0504>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY a "hahahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<x:Aussonderung.AnbietungEmpfangBestaetigen.0504 xmlns:x="urn:xoev-de:xdomea:schema:3.1.0">&d;&d;&d;</x:Aussonderung.AnbietungEmpfangBestaetigen.0504>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_payloads_are_refused_unexpanded(payload: bytes) -> None:
    for reader in (validate, parse, read_container):
        with pytest.raises(XdomeaInvalid, match="DOCTYPE") as refused:
            reader(payload)
        assert "root:" not in str(refused.value) and "hahaha" not in str(refused.value)


def test_schema_unavailable_names_path_and_setting(settings: Any, tmp_path: Path) -> None:
    settings.RATHAUS_XDOMEA_SCHEMA_DIR = str(tmp_path / "nowhere")
    data = b'<x:Aussonderung.AnbietungEmpfangBestaetigen.0504 xmlns:x="urn:xoev-de:xdomea:schema:3.1.0"/>'
    with pytest.raises(
        SchemaUnavailable, match=r"nowhere does not exist.*RATHAUS_XDOMEA_SCHEMA_DIR"
    ):
        validate(data)
    (tmp_path / "partial" / "3.1.0").mkdir(parents=True)
    settings.RATHAUS_XDOMEA_SCHEMA_DIR = str(tmp_path / "partial")
    with pytest.raises(SchemaUnavailable, match=r"3.1.0/xdomea.xsd is missing"):
        validate(data)


def test_what_2x_cannot_express_is_refused_not_dropped() -> None:
    files = sample_files()
    mixed = dataclasses.replace(files[0], documents=files[1].documents)
    with pytest.raises(Unrepresentable, match="side by side"):
        offer_0501(header(), [mixed], version="2.4.0")
    offer_0501(header(), [mixed], version="3.1.0")  # fine in 3.x

    permanent = dataclasses.replace(files[1], retention_permanent=True)
    with pytest.raises(Unrepresentable, match="unlimited retention"):
        offer_0501(header(), [permanent], version="2.4.0")
    assert parse(offer_0501(header(), [permanent])).files[0].retention_permanent  # type: ignore[union-attr]

    cyrillic = dataclasses.replace(files[1], title="Дело")
    with pytest.raises(XdomeaInvalid, match=r"Akte/AllgemeineMetadaten/Betreff"):
        offer_0501(header(), [cyrillic], version="2.4.0")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "Akte\x00"}, "characters XML cannot carry"),
        ({"title": "  "}, "need a title"),
        ({"archive_rule": None}, "no archive rule"),
    ],
)
def test_builder_refuses_unusable_records(change: dict[str, Any], message: str) -> None:
    record = dataclasses.replace(sample_files()[1], **change)
    with pytest.raises(Unrepresentable, match=message):
        offer_0501(header(), [record])


def test_transfer_needs_primary_document_content() -> None:
    files = sample_files()
    empty = dataclasses.replace(files[1], documents=tuple(map(without_content, files[1].documents)))
    assert transfer_0503(header(), [empty])[1] == {}  # no versions, nothing to send
    version = files[1].documents[0].versions[0]
    no_bytes = dataclasses.replace(
        version, files=(dataclasses.replace(version.files[0], content=None),)
    )
    record = dataclasses.replace(
        files[1], documents=(dataclasses.replace(files[1].documents[0], versions=(no_bytes,)),)
    )
    with pytest.raises(Unrepresentable, match="has no content"):
        transfer_0503(header(), [record])


# Container -------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def built_transfer() -> tuple[Header, bytes, dict[str, bytes]]:
    sent = header()
    xml, documents = transfer_0503(sent, sample_files()[1:])
    return sent, xml, documents


def test_container_reads_what_it_writes_and_bare_xml() -> None:
    sent, xml, documents = built_transfer()
    contents = read_container(write_container(xml, documents).data)
    assert contents.message_name == f"{sent.process_id}_Aussonderung.Aussonderung.0503"
    assert (contents.message, contents.primary_documents) == (xml, documents)

    offer = offer_0501(sent, sample_files())
    bare = read_container(offer)
    assert (bare.message, bare.primary_documents) == (offer, {})


@pytest.mark.parametrize(
    "evil", ["../evil.txt", "sub/dir.txt", "/etc/passwd", "C:evil.txt", "..\\evil.txt", ".hidden"]
)
def test_container_refuses_path_traversal(evil: str) -> None:
    sent, xml, documents = built_transfer()
    members = {
        f"{sent.process_id}_Aussonderung.Aussonderung.0503.xml": xml,
        **documents,
        evil: b"x",
    }
    with pytest.raises(ContainerInvalid, match="Refused container member"):
        read_container(zip_of(members))


def test_container_refuses_missing_primary_document() -> None:
    sent, xml, documents = built_transfer()
    missing, *rest = sorted(documents)
    members = {f"{sent.process_id}_Aussonderung.Aussonderung.0503.xml": xml} | {
        n: documents[n] for n in rest
    }
    with pytest.raises(
        ContainerInvalid, match=rf"missing from the container: {re.escape(missing)} \(line \d+\)"
    ):
        read_container(zip_of(members))
    with pytest.raises(ContainerInvalid, match="missing"):
        read_container(xml)  # bare XML that names documents
    with pytest.raises(ContainerInvalid, match="missing"):
        write_container(xml, {n: documents[n] for n in rest})
    with pytest.raises(ContainerInvalid, match="not referenced"):
        write_container(xml, {**documents, "extra.txt": b"x"})


def test_offer_may_describe_versions_without_sending_files() -> None:
    """Other systems list document versions in a 0501 as metadata; that is no missing file."""
    sent = header()
    xml, documents = transfer_0503(sent, sample_files()[1:])
    offer_xml = re.sub(
        rb"\s*<xdomea:(Importbestaetigung|RueckmeldungArchivkennung)>.</xdomea:\1>", b"", xml
    )
    offer_xml = offer_xml.replace(
        b"Aussonderung.Aussonderung.0503", b"Aussonderung.Anbieteverzeichnis.0501"
    )
    offer_xml = offer_xml.replace(b"<code>0503</code>", b"<code>0501</code>")
    assert validate(offer_xml).message_code == "0501"

    assert read_container(offer_xml).primary_documents == {}
    offer = parse_container(offer_xml)
    assert isinstance(offer, Offer)
    (version, *_) = offer.files[0].documents[0].versions
    assert version.files[0].content is None
    assert version.files[0].file_name in documents


def test_container_refuses_zip_bombs_and_oversized_members() -> None:
    sent, xml, documents = built_transfer()
    name = f"{sent.process_id}_Aussonderung.Aussonderung.0503.xml"
    bomb = zip_of({name: xml, **documents, f"{uuid4()}_zeros.bin": bytes(20 << 20)})
    with pytest.raises(ContainerInvalid, match="zip bomb"):
        read_container(bomb)
    with pytest.raises(ContainerInvalid, match="at most 100 bytes per file"):
        read_container(
            write_container(xml, documents).data, limits=ContainerLimits(max_member_size=100)
        )
    with pytest.raises(ContainerInvalid, match="at most 2 are accepted"):
        read_container(write_container(xml, documents).data, limits=ContainerLimits(max_members=2))


def test_container_refuses_confusing_message_files() -> None:
    sent, xml, documents = built_transfer()
    name = f"{sent.process_id}_Aussonderung.Aussonderung.0503.xml"
    other = f"{uuid4()}_Aussonderung.Aussonderung.0503.xml"
    with pytest.raises(ContainerInvalid, match="exactly one message"):
        read_container(zip_of({**documents}))
    with pytest.raises(ContainerInvalid, match="exactly one message"):
        read_container(zip_of({name: xml, other: xml, **documents}))
    with pytest.raises(ContainerInvalid, match="does not match the message inside"):
        read_container(zip_of({other: xml, **documents}))
    with pytest.raises(ContainerInvalid, match="not a readable ZIP"):
        read_container(b"PK\x03\x04broken")


def test_primary_file_names_are_flat_and_match_every_version() -> None:
    file_id = UUID("12345678-1234-1234-1234-123456789abc")
    assert primary_file_name(file_id, "Bescheid ä.pdf") == f"{file_id}_Bescheid_ä.pdf"
    assert primary_file_name(file_id, "../../etc/passwd") == f"{file_id}_passwd.bin"
    assert primary_file_name(file_id, "C:\\Temp\\scan.tif") == f"{file_id}_scan.tif"
    assert primary_file_name(file_id, "...") == f"{file_id}_document.bin"


# Property: arbitrary titles --------------------------------------------------------------

# XML 1.0 characters (no surrogates, no C0 controls except tab/newline/carriage return).
XML_TEXT = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(chr(c) for c in range(32) if c not in (9, 10, 13))
        + "\ufffe\uffff",
    ),
    min_size=1,
    max_size=40,
)
LATIN_TEXT = st.text(
    st.sampled_from("aZ09 äöüßÄÖÜéèçñøł€¡¿-.,;:!?()[]{}'\"<>&/\t\n"), min_size=1, max_size=40
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=XML_TEXT, case_title=XML_TEXT, document_title=XML_TEXT)
def test_arbitrary_unicode_titles_validate_and_round_trip(
    title: str, case_title: str, document_title: str
) -> None:
    assume(title.strip() and case_title.strip() and document_title.strip())
    files = sample_files(title)
    case = dataclasses.replace(
        files[0].cases[0],
        title=case_title,
        documents=(dataclasses.replace(files[0].cases[0].documents[0], title=document_title),),
    )
    record = dataclasses.replace(files[0], cases=(case,))
    xml, documents = transfer_0503(header(note=title), [record])
    transfer = parse(xml, primary_documents=documents)
    assert isinstance(transfer, Transfer)
    assert transfer.files == (record,)
    assert transfer.header.note == title


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=LATIN_TEXT)
def test_latin_titles_validate_and_round_trip_in_2_4_0(title: str) -> None:
    assume(title.strip())
    files = sample_files(title)
    offer = parse(offer_0501(header(), files, version="2.4.0"))
    assert isinstance(offer, Offer)
    assert offer.files[0].title == title
