"""Build xdomea messages (3.1.0 by default, 3.0.0 or 2.4.0) from the plain types.

One writer serves every version; `versions.Profile` holds the differences. Every message is
validated against the official schema of its version before it is returned, so a message that
leaves this module is valid or was never produced (`XdomeaInvalid`, `Unrepresentable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from lxml import etree

from .errors import Unrepresentable
from .types import (
    ArchiveRule,
    CaseRecord,
    Confidentiality,
    DocumentKind,
    DocumentRecord,
    Evaluation,
    FileRecord,
    Header,
    ObjectResult,
    Party,
    PrimaryDocument,
)
from .validation import validate
from .versions import DEFAULT_VERSION, MESSAGE_TYPES, Profile, producible_profile

_LIST = "urn:xoev-de:xdomea:codeliste:"
_T = TypeVar("_T")


def offer_0501(
    header: Header,
    files: Sequence[FileRecord],
    *,
    version: str = DEFAULT_VERSION,
    receipt_requested: bool = True,
) -> bytes:
    """0501 Anbieteverzeichnis: offer closed files to the archive (metadata, no documents)."""
    w = _Writer(version)
    root = w.message("0501", header, [("Empfangsbestaetigung", receipt_requested)])
    w.records(root, _required(files, "files"), content=False)
    return w.finish(root)


def evaluation_0502(
    header: Header,
    evaluations: Sequence[Evaluation],
    *,
    version: str = DEFAULT_VERSION,
    receipt_requested: bool = True,
) -> bytes:
    """0502 Bewertungsverzeichnis: the archive's decision (archive/destroy) per object."""
    w = _Writer(version)
    root = w.message("0502", header, [("Empfangsbestaetigung", receipt_requested)])
    for evaluation in _required(evaluations, "evaluations"):
        item = w.sub(root, "BewertetesObjekt")
        w.sub(item, "ID", str(evaluation.object_id))
        w.disposal_code(item, evaluation.decision)
    return w.finish(root)


def transfer_0503(
    header: Header,
    files: Sequence[FileRecord],
    *,
    version: str = DEFAULT_VERSION,
    receipt_requested: bool = False,
    archive_reference_requested: bool = True,
) -> tuple[bytes, dict[str, bytes]]:
    """0503 Aussonderung: hand the evaluated files over; returns (XML, primary documents)."""
    w = _Writer(version)
    flags = [
        ("Importbestaetigung", True),
        ("RueckmeldungArchivkennung", archive_reference_requested),
    ]
    if w.p.receipt_flag_in_transfer_header:
        flags.append(("Empfangsbestaetigung", receipt_requested))
    root = w.message("0503", header, flags)
    w.records(root, _required(files, "files"), content=True)
    return w.finish(root), w.primary_documents


def offer_receipt_0504(header: Header, *, version: str = DEFAULT_VERSION) -> bytes:
    """0504: the archive confirms it received the offer (0501)."""
    return _header_only("0504", header, version)


def evaluation_receipt_0505(header: Header, *, version: str = DEFAULT_VERSION) -> bytes:
    """0505: the authority confirms it received the evaluation (0502)."""
    return _header_only("0505", header, version)


def transfer_import_0506(
    header: Header, results: Sequence[ObjectResult], *, version: str = DEFAULT_VERSION
) -> bytes:
    """0506: the archive reports which transferred objects it imported (and their keys)."""
    w = _Writer(version)
    root = w.message("0506", header, [])
    results = _required(results, "results")
    if w.p.per_object_results:
        for result in results:
            item = w.object_result(root, "AusgesondertesSGO", result)
            if result.archive_reference:
                w.sub(item, "Archivkennung", result.archive_reference)
    else:
        item = w.overall_result(root, results)
        for result in results:
            if result.object_id and result.archive_reference:
                parameter = w.sub(item, "Rueckgabeparameter")
                w.sub(parameter, "ID", str(result.object_id))
                w.sub(parameter, "Archivkennung", result.archive_reference)
    return w.finish(root)


def transfer_receipt_0507(header: Header, *, version: str = DEFAULT_VERSION) -> bytes:
    """0507: the archive confirms it received the transfer (0503); xdomea 3.x only."""
    return _header_only("0507", header, version)


def handover_0401(
    header: Header,
    files: Sequence[FileRecord],
    *,
    version: str = DEFAULT_VERSION,
    receipt_requested: bool = False,
) -> tuple[bytes, dict[str, bytes]]:
    """0401 Abgabe: hand files to another authority; returns (XML, primary documents)."""
    w = _Writer(version)
    flags = [("Importbestaetigung", True)]
    if w.p.receipt_flag_in_transfer_header:
        flags.append(("Empfangsbestaetigung", receipt_requested))
    root = w.message("0401", header, flags)
    w.records(root, _required(files, "files"), content=True)
    return w.finish(root), w.primary_documents


def handover_import_0402(
    header: Header, results: Sequence[ObjectResult], *, version: str = DEFAULT_VERSION
) -> bytes:
    """0402 Abgabe.ImportBestaetigen: the receiving authority reports the import."""
    w = _Writer(version)
    root = w.message("0402", header, [])
    results = _required(results, "results")
    if w.p.per_object_results:
        for result in results:
            w.object_result(root, "AbgegebenesObjekt", result)
    else:
        w.overall_result(root, results)
    return w.finish(root)


def handover_receipt_0403(header: Header, *, version: str = DEFAULT_VERSION) -> bytes:
    """0403 Abgabe.EmpfangBestaetigen: receipt of a hand-over (0401); xdomea 3.x only."""
    return _header_only("0403", header, version)


# ------------------------------------------------------------------------------------------


def _header_only(code: str, header: Header, version: str) -> bytes:
    w = _Writer(version)
    return w.finish(w.message(code, header, []))


def _required(items: Sequence[_T], what: str) -> Sequence[_T]:
    if not items:
        raise Unrepresentable(f"An xdomea message needs at least one entry in {what}", field=what)
    return items


class _Writer:
    """Writes the elements of one message in one version."""

    def __init__(self, version: str) -> None:
        self.p: Profile = producible_profile(version)
        self.primary_documents: dict[str, bytes] = {}

    # Elements ---------------------------------------------------------------------------

    def sub(self, parent: Any, name: str, text: str | None = None) -> Any:
        element = etree.SubElement(parent, f"{{{self.p.namespace}}}{name}")
        if text is not None:
            try:
                element.text = text
            except ValueError as exc:  # control characters, lone surrogates …
                raise Unrepresentable(
                    f"{name} contains characters XML cannot carry: {text!r}", field=name
                ) from exc
        return element

    def optional(self, parent: Any, name: str, text: str | None) -> None:
        if text:
            self.sub(parent, name, text)

    def code(self, parent: Any, name: str, code: str, code_list: str, list_version: str) -> Any:
        element = self.sub(parent, name)
        element.set("listURI", _LIST + code_list)
        element.set("listVersionID", list_version)
        etree.SubElement(element, "code").text = code
        return element

    def message(self, code: str, header: Header, flags: Iterable[tuple[str, bool]]) -> Any:
        if code not in self.p.message_codes:
            raise Unrepresentable(f"xdomea {self.p.version} has no message {code}")
        message_type = MESSAGE_TYPES[code]
        root = etree.Element(
            f"{{{self.p.namespace}}}{message_type.root_name}", nsmap={"xdomea": self.p.namespace}
        )
        head = self.sub(root, "Kopf")
        self.sub(head, "ProzessID", str(header.process_id))
        self.code(head, "Nachrichtentyp", code, "nachrichtentyp", self.p.message_type_list_version)
        self.sub(head, "Erstellungszeitpunkt", _datetime(header.created_at))
        self.party(head, "Absender", header.sender)
        self.party(head, "Empfaenger", header.recipient)
        system = self.sub(head, "SendendesSystem")
        self.optional(system, "Produktname", header.product_name)
        self.optional(system, "Version", header.product_version)
        self.optional(head, "Hinweis", header.note)
        for flag, value in flags:
            self.sub(head, flag, "1" if value else "0")
        return root

    def party(self, parent: Any, name: str, party: Party) -> None:
        contact = self.sub(parent, name)
        if party.authority_key:
            identification = self.sub(contact, "Behoerdenkennung")
            key = self.sub(identification, self.p.authority_key_element)
            etree.SubElement(key, "code").text = party.authority_key
        institution = self.sub(contact, "Institution")
        self.sub(institution, "Name", party.name)
        self.optional(institution, "Kurzbezeichnung", party.short_name)
        if party.organisational_unit:
            unit = self.sub(contact, "Organisationseinheit")
            self.sub(unit, "Name", party.organisational_unit)
        if party.address:
            address = self.sub(contact, "Anschrift")
            self.optional(address, "Strasse", party.address.street)
            self.optional(address, "Hausnummer", party.address.house_number)
            self.optional(address, "Postleitzahl", party.address.postal_code)
            self.optional(address, "Ort", party.address.city)

    def disposal_code(self, parent: Any, rule: ArchiveRule) -> None:
        target = self.sub(parent, "Aussonderungsart") if self.p.disposal_code_wrapped else parent
        self.code(target, "Aussonderungsart", rule.code, "aussonderungsart", "1.0")

    def object_result(self, parent: Any, name: str, result: ObjectResult) -> Any:
        if result.object_id is None:
            raise Unrepresentable(
                f"xdomea {self.p.version} confirms each object: every result needs an object id"
            )
        item = self.sub(parent, name)
        self.sub(item, "IDSGO", str(result.object_id))
        self.sub(item, "Erfolgreich", "1" if result.success else "0")
        for message in result.messages:
            self.sub(item, "Fehlermeldung", message)
        return item

    def overall_result(self, parent: Any, results: Sequence[ObjectResult]) -> Any:
        item = self.sub(parent, "ErfolgOderMisserfolg")
        self.sub(item, "Erfolgreich", "1" if all(r.success for r in results) else "0")
        messages = [
            f"{r.object_id}: {m}" if r.object_id else m for r in results for m in r.messages
        ]
        self.optional(item, "Fehlermeldung", "; ".join(messages))
        return item

    # Records ----------------------------------------------------------------------------

    def records(self, root: Any, files: Sequence[FileRecord], *, content: bool) -> None:
        for record in files:
            if record.archive_rule is None:
                raise Unrepresentable(
                    f"File {record.file_reference} has no archive rule; xdomea requires one "
                    "when offering or transferring",
                    field="archive_rule",
                )
            self.file(self.sub(root, "Schriftgutobjekt"), "Akte", record, content)

    def file(self, parent: Any, name: str, record: FileRecord, content: bool) -> None:
        element = self.sub(parent, name)
        self.identification(element, record.id)
        general = self.general(element, record.title, record.file_reference, record.confidentiality)
        if record.file_plan_number or record.file_plan_title:
            unit = self.sub(general, "Aktenplaneinheit")
            self.optional(unit, "Kennzeichen", record.file_plan_number)
            self.optional(unit, "Inhaltsangabe", record.file_plan_title)
        self.archive_metadata(element, record)
        self.optional(element, "Typ", record.file_type)
        self.period(element, record.opened_on, record.closed_on)
        subfiles_inside = self.p.mixed_file_content
        if record.documents and record.cases and not self.p.mixed_file_content:
            raise Unrepresentable(
                f"File {record.file_reference} holds documents and cases side by side, which "
                f"xdomea {self.p.version} cannot express; use xdomea 3.x"
            )
        if record.documents or record.cases or (record.subfiles and subfiles_inside):
            body = self.sub(element, "Akteninhalt")
            for document in record.documents:
                self.document(body, "Dokument", document, content)
            for case in record.cases:
                self.case(body, "Vorgang", case, content)
            if subfiles_inside:
                for subfile in record.subfiles:
                    self.file(body, "Teilakte", subfile, content)
        if not subfiles_inside:
            for subfile in record.subfiles:
                self.file(element, "Teilakte", subfile, content)

    def case(self, parent: Any, name: str, case: CaseRecord, content: bool) -> None:
        element = self.sub(parent, name)
        self.identification(element, case.id)
        self.general(element, case.title, case.reference, case.confidentiality)
        if case.archive_rule is not None:
            self.disposal_code(self.sub(element, "ArchivspezifischeMetadaten"), case.archive_rule)
        self.period(element, case.opened_on, case.closed_on)
        for document in case.documents:
            self.document(element, "Dokument", document, content)
        for subcase in case.subcases:
            self.case(element, "Teilvorgang", subcase, content)

    def document(self, parent: Any, name: str, document: DocumentRecord, content: bool) -> None:
        element = self.sub(parent, name)
        self.identification(element, document.id)
        self.general(element, document.title, document.reference, document.confidentiality)
        if document.date is not None:
            if document.kind is DocumentKind.INCOMING:
                self.sub(element, "Posteingangsdatum", document.date.isoformat())
            elif document.kind is DocumentKind.OUTGOING:
                self.sub(element, "Postausgangsdatum", document.date.isoformat())
            self.sub(element, "DatumDesSchreibens", document.date.isoformat())
        self.optional(element, "Typ", document.document_type)
        if content:
            for version in document.versions:
                if not version.files:
                    raise Unrepresentable(
                        f"Version {version.number} of document {document.id} has no file"
                    )
                version_element = self.sub(element, "Version")
                self.sub(version_element, "Nummer", version.number)
                for primary in version.files:
                    self.primary(version_element, primary)
        for attachment in document.attachments:
            self.document(element, "Anlage", attachment, content)

    def primary(self, parent: Any, primary: PrimaryDocument) -> None:
        if primary.content is None:
            raise Unrepresentable(
                f"Primary document {primary.file_name} has no content to transfer",
                field="content",
            )
        known = self.primary_documents.get(primary.file_name)
        if known is not None and known != primary.content:
            raise Unrepresentable(
                f"Two different primary documents are named {primary.file_name}",
                field="file_name",
            )
        self.primary_documents[primary.file_name] = primary.content
        file_format = self.sub(parent, "Format")
        self.code(
            file_format, "Name", primary.format_code, "dateiformat", self.p.file_format_list_version
        )
        if primary.format_code == "100":
            self.sub(file_format, "SonstigerName", primary.mime_type)
        self.sub(file_format, "Version", primary.format_version)
        element = self.sub(file_format, "Primaerdokument")
        self.sub(element, "Dateiname", primary.file_name)
        if self.p.original_file_name:
            self.optional(element, "DateinameOriginal", primary.original_file_name)
        if primary.created_at is not None:
            self.sub(element, "DatumUhrzeit", _datetime(primary.created_at))

    def identification(self, parent: Any, object_id: object) -> None:
        self.sub(self.sub(parent, "Identifikation"), "ID", str(object_id))

    def general(
        self, parent: Any, title: str, reference: str, confidentiality: Confidentiality | None
    ) -> Any:
        if not title.strip():
            raise Unrepresentable("Files, cases and documents need a title", field="title")
        general = self.sub(parent, "AllgemeineMetadaten")
        self.sub(general, "Betreff", title)
        self.optional(general, "Kennzeichen", reference)
        if confidentiality is not None:
            self.code(
                general,
                "Vertraulichkeitsstufe",
                confidentiality.value,
                "vertraulichkeitsstufe",
                "1.0",
            )
        return general

    def archive_metadata(self, parent: Any, record: FileRecord) -> None:
        element = self.sub(parent, "ArchivspezifischeMetadaten")
        if record.retention_permanent:
            if not self.p.retention_wrapped:
                raise Unrepresentable(
                    f"xdomea {self.p.version} cannot express an unlimited retention period "
                    f"(file {record.file_reference}); use xdomea 3.x"
                )
            self.sub(self.sub(element, "Aufbewahrungsdauer"), "Unbefristet", "1")
        elif record.retention_years is not None:
            if self.p.retention_wrapped:
                retention = self.sub(element, "Aufbewahrungsdauer")
                self.sub(retention, "AnzahlJahre", str(record.retention_years))
            else:
                self.sub(element, "Aufbewahrungsdauer", str(record.retention_years))
        if record.archive_rule is not None:
            self.disposal_code(element, record.archive_rule)
        if record.archive_proposal is not None:
            if record.archive_proposal is ArchiveRule.EVALUATE:
                raise Unrepresentable(
                    "An archive proposal (Bewertungsvorschlag) is archive or destroy",
                    field="archive_proposal",
                )
            self.code(
                element, "Bewertungsvorschlag", record.archive_proposal.code,
                "bewertungsvorschlag", "1.0",
            )  # fmt: skip

    def period(self, parent: Any, start: date | None, end: date | None) -> None:
        if start is None and end is None:
            return
        period = self.sub(parent, "Laufzeit")
        if start is not None:
            self.sub(period, "Beginn", start.isoformat())
        if end is not None:
            self.sub(period, "Ende", end.isoformat())

    def finish(self, root: Any) -> bytes:
        data: bytes = etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", pretty_print=True
        )
        validate(data)  # parsed again so that problems carry line numbers
        return data


def _datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise Unrepresentable("Timestamps must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
