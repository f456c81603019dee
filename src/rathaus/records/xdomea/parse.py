"""Read xdomea messages (2.3.0, 2.4.0, 3.0.0, 3.1.0) back into the plain types.

Every message is validated against its official schema first. The reader is lenient about
optional elements (they become empty strings, None or empty tuples) and strict about what
rathaus needs: object ids and titles must be present, and every primary document a 0503 or
0401 names must be supplied (from the container).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from .container import MESSAGES_WITH_PRIMARY_DOCUMENTS, ContainerLimits, read_container
from .errors import ContainerInvalid, Problem, XdomeaInvalid
from .types import (
    Address,
    ArchiveRule,
    CaseRecord,
    Confidentiality,
    Confirmation,
    DocumentKind,
    DocumentRecord,
    DocumentVersionRecord,
    Evaluation,
    EvaluationList,
    FileRecord,
    Header,
    Message,
    ObjectResult,
    Offer,
    Party,
    PrimaryDocument,
    Transfer,
)
from .validation import Validated, validate

# xdomea timestamps without an offset are read as German local time.
_LOCAL_TIME = ZoneInfo("Europe/Berlin")


def parse(
    data: bytes | Validated, *, primary_documents: Mapping[str, bytes] | None = None
) -> Message:
    """Validate and read a message; 0503 and 0401 need `primary_documents` (name → bytes).

    Returns an `Offer` (0501), `EvaluationList` (0502), `Transfer` (0503, 0401) or
    `Confirmation` (0504–0507, 0402, 0403). Raises `XdomeaInvalid` or `ContainerInvalid`.
    """
    validated = data if isinstance(data, Validated) else validate(data)
    code = validated.message_code
    if code in MESSAGES_WITH_PRIMARY_DOCUMENTS and primary_documents is None:
        raise ContainerInvalid(
            f"Message {code} carries primary documents; read it with parse_container() or "
            "pass primary_documents"
        )
    return _Reader(validated, primary_documents).message()


def parse_container(data: bytes, *, limits: ContainerLimits | None = None) -> Message:
    """Read a ZIP container (or bare message XML) and parse its message with its documents."""
    contents = read_container(data, limits=limits)
    return parse(contents.message, primary_documents=contents.primary_documents)


class _Reader:
    def __init__(self, validated: Validated, documents: Mapping[str, bytes] | None) -> None:
        self.validated = validated
        self.ns = validated.profile.namespace
        self.documents = documents or {}
        # Only 0503 and 0401 must carry their files; a 0501 may describe versions without them.
        self.documents_required = validated.message_code in MESSAGES_WITH_PRIMARY_DOCUMENTS

    # Navigation --------------------------------------------------------------------------

    def child(self, element: Any, name: str) -> Any:
        return None if element is None else element.find(f"{{{self.ns}}}{name}")

    def children(self, element: Any, name: str) -> list[Any]:
        return [] if element is None else list(element.findall(f"{{{self.ns}}}{name}"))

    def text(self, element: Any, *names: str) -> str:
        """Text of a descendant as sent (xs:string keeps its whitespace); "" when absent."""
        for name in names:
            element = self.child(element, name)
        return "" if element is None else str(element.text or "")

    def token(self, element: Any, *names: str) -> str:
        """Text of an id, code, date or flag, without surrounding whitespace."""
        return self.text(element, *names).strip()

    def code(self, element: Any) -> str:
        found = None if element is None else element.find("code")
        return "" if found is None else str(found.text or "").strip()

    def problem(self, element: Any, message: str) -> XdomeaInvalid:
        path = str(element.getroottree().getpath(element))
        for prefix in ("xdomea:", f"{{{self.ns}}}"):
            path = path.replace(prefix, "")
        return XdomeaInvalid(
            "The xdomea message lacks data rathaus needs",
            [Problem(message, path, element.sourceline)],
        )

    def uuid(self, element: Any, *names: str) -> UUID:
        value = self.token(element, *names)
        try:
            return UUID(value)
        except ValueError:
            raise self.problem(element, f"{'/'.join(names)} is not a UUID: {value!r}") from None

    def title(self, element: Any) -> str:
        title = self.text(element, "AllgemeineMetadaten", "Betreff")
        if not title.strip():
            raise self.problem(element, "AllgemeineMetadaten/Betreff (the title) is missing")
        return title

    def date(self, element: Any, *names: str) -> date | None:
        value = self.token(element, *names)
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])  # drop an optional time zone
        except ValueError:
            raise self.problem(element, f"{'/'.join(names)} is not a date: {value!r}") from None

    def datetime(self, element: Any, *names: str) -> datetime | None:
        value = self.token(element, *names)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.problem(
                element, f"{'/'.join(names)} is not a timestamp: {value!r}"
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_LOCAL_TIME)

    def flag(self, element: Any, name: str) -> bool:
        return self.token(element, name) in {"1", "true"}

    # Messages ----------------------------------------------------------------------------

    def message(self) -> Message:
        root = self.validated.root
        code = self.validated.message_code
        version = self.validated.version
        head = self.child(root, "Kopf")
        header = self.header(head)
        if code in {"0501", "0503", "0401"}:
            files, cases, documents = self.objects(root)
            if code == "0501":
                receipt = self.flag(head, "Empfangsbestaetigung")
                return Offer(header, files, cases, documents, receipt, version, code)
            return Transfer(
                header, files, cases, documents,
                receipt_requested=self.flag(head, "Empfangsbestaetigung"),
                archive_reference_requested=self.flag(head, "RueckmeldungArchivkennung"),
                version=version, message_code=code,
            )  # fmt: skip
        if code == "0502":
            evaluations = tuple(
                Evaluation(self.uuid(item, "ID"), self.decision(item))
                for item in self.children(root, "BewertetesObjekt")
            )
            receipt = self.flag(head, "Empfangsbestaetigung")
            return EvaluationList(header, evaluations, receipt, version, code)
        return Confirmation(header, code, self.results(root), version)

    def header(self, head: Any) -> Header:
        created = self.datetime(head, "Erstellungszeitpunkt")
        assert created is not None  # required by the schema
        return Header(
            process_id=self.uuid(head, "ProzessID"),
            created_at=created,
            sender=self.party(self.child(head, "Absender")),
            recipient=self.party(self.child(head, "Empfaenger")),
            product_name=self.text(head, "SendendesSystem", "Produktname"),
            product_version=self.text(head, "SendendesSystem", "Version"),
            note=self.text(head, "Hinweis"),
        )

    def party(self, contact: Any) -> Party:
        identification = self.child(contact, "Behoerdenkennung")
        key = ""
        if identification is not None:
            key_element = self.child(identification, "Behoerdenschluessel")
            if key_element is None:
                key_element = self.child(identification, "Kennung")
            key = self.code(key_element)
        address = None
        anschrift = self.child(contact, "Anschrift")
        if anschrift is not None:
            address = Address(
                street=self.text(anschrift, "Strasse"),
                house_number=self.text(anschrift, "Hausnummer"),
                postal_code=self.text(anschrift, "Postleitzahl"),
                city=self.text(anschrift, "Ort"),
            )
        return Party(
            name=self.text(contact, "Institution", "Name"),
            short_name=self.text(contact, "Institution", "Kurzbezeichnung"),
            authority_key=key,
            organisational_unit=self.text(contact, "Organisationseinheit", "Name"),
            address=address,
        )

    def results(self, root: Any) -> tuple[ObjectResult, ...]:
        per_object = self.children(root, "AusgesondertesSGO") + self.children(
            root, "AbgegebenesObjekt"
        )
        results = [
            ObjectResult(
                object_id=self.uuid(item, "IDSGO"),
                success=self.flag(item, "Erfolgreich"),
                messages=tuple(str(m.text or "") for m in self.children(item, "Fehlermeldung")),
                archive_reference=self.text(item, "Archivkennung"),
            )
            for item in per_object
        ]
        overall = self.child(root, "ErfolgOderMisserfolg")  # xdomea 2.x
        if overall is not None:
            success = self.flag(overall, "Erfolgreich")
            message = self.text(overall, "Fehlermeldung").strip()
            parameters = self.children(overall, "Rueckgabeparameter")
            if message or not parameters:
                results.append(ObjectResult(None, success, (message,) if message else ()))
            results.extend(
                ObjectResult(self.uuid(p, "ID"), success, (), self.text(p, "Archivkennung"))
                for p in parameters
            )
        return tuple(results)

    # Records -----------------------------------------------------------------------------

    def objects(
        self, root: Any
    ) -> tuple[tuple[FileRecord, ...], tuple[CaseRecord, ...], tuple[DocumentRecord, ...]]:
        files, cases, documents = [], [], []
        for wrapper in self.children(root, "Schriftgutobjekt"):
            for element in wrapper:
                name = str(element.tag).rpartition("}")[2]
                if name == "Akte":
                    files.append(self.file(element))
                elif name == "Vorgang":
                    cases.append(self.case(element))
                elif name == "Dokument":
                    documents.append(self.document(element))
        return tuple(files), tuple(cases), tuple(documents)

    def file(self, element: Any) -> FileRecord:
        archive = self.child(element, "ArchivspezifischeMetadaten")
        content = self.child(element, "Akteninhalt")
        inside = [] if content is None else self.children(content, "Teilakte")
        retention_years, permanent = self.retention(archive)
        return FileRecord(
            id=self.uuid(element, "Identifikation", "ID"),
            file_reference=self.text(element, "AllgemeineMetadaten", "Kennzeichen"),
            title=self.title(element),
            file_plan_number=self.text(
                element, "AllgemeineMetadaten", "Aktenplaneinheit", "Kennzeichen"
            ),
            file_plan_title=self.text(
                element, "AllgemeineMetadaten", "Aktenplaneinheit", "Inhaltsangabe"
            ),
            opened_on=self.date(element, "Laufzeit", "Beginn"),
            closed_on=self.date(element, "Laufzeit", "Ende"),
            retention_years=retention_years,
            retention_permanent=permanent,
            archive_rule=self.disposal(element, archive),
            archive_proposal=self.proposal(archive),
            confidentiality=self.confidentiality(element),
            file_type=self.text(element, "Typ"),
            cases=tuple(
                self.case(c) for c in ([] if content is None else self.children(content, "Vorgang"))
            ),
            documents=tuple(
                self.document(d)
                for d in ([] if content is None else self.children(content, "Dokument"))
            ),
            subfiles=tuple(self.file(f) for f in inside + self.children(element, "Teilakte")),
        )

    def case(self, element: Any) -> CaseRecord:
        return CaseRecord(
            id=self.uuid(element, "Identifikation", "ID"),
            title=self.title(element),
            reference=self.text(element, "AllgemeineMetadaten", "Kennzeichen"),
            opened_on=self.date(element, "Laufzeit", "Beginn"),
            closed_on=self.date(element, "Laufzeit", "Ende"),
            archive_rule=self.disposal(element, self.child(element, "ArchivspezifischeMetadaten")),
            confidentiality=self.confidentiality(element),
            documents=tuple(self.document(d) for d in self.children(element, "Dokument")),
            subcases=tuple(self.case(c) for c in self.children(element, "Teilvorgang")),
        )

    def document(self, element: Any) -> DocumentRecord:
        received = self.date(element, "Posteingangsdatum")
        sent = self.date(element, "Postausgangsdatum")
        if received and not sent:
            kind = DocumentKind.INCOMING
        elif sent and not received:
            kind = DocumentKind.OUTGOING
        else:
            kind = DocumentKind.INTERNAL
        return DocumentRecord(
            id=self.uuid(element, "Identifikation", "ID"),
            title=self.title(element),
            reference=self.text(element, "AllgemeineMetadaten", "Kennzeichen"),
            date=self.date(element, "DatumDesSchreibens") or received or sent,
            kind=kind,
            document_type=self.text(element, "Typ"),
            confidentiality=self.confidentiality(element),
            versions=tuple(
                DocumentVersionRecord(
                    number=self.token(version, "Nummer"),
                    files=tuple(self.primary(f) for f in self.children(version, "Format")),
                )
                for version in self.children(element, "Version")
            ),
            attachments=tuple(self.document(a) for a in self.children(element, "Anlage")),
        )

    def primary(self, file_format: Any) -> PrimaryDocument:
        element = self.child(file_format, "Primaerdokument")
        name = self.token(element, "Dateiname")
        content = self.documents.get(name)
        if content is None and self.documents_required:
            raise ContainerInvalid(
                f"The primary document {name} (line {element.sourceline}) is missing "
                "from the container"
            )
        code = self.code(self.child(file_format, "Name"))
        other_name = self.token(file_format, "SonstigerName")
        if code == "100" and "/" in other_name:
            mime_type = other_name
        else:
            mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return PrimaryDocument(
            file_name=name,
            original_file_name=self.text(element, "DateinameOriginal"),
            mime_type=mime_type,
            format_code=code,
            format_version=self.text(file_format, "Version"),
            created_at=self.datetime(element, "DatumUhrzeit"),
            content=content,
        )

    def disposal(self, owner: Any, element: Any) -> ArchiveRule | None:
        """The Aussonderungsart below `element` (3.x wraps the code, 2.x does not)."""
        found = None if element is None else self.child(element, "Aussonderungsart")
        if found is None:
            return None
        nested = self.child(found, "Aussonderungsart")
        code = self.code(nested if nested is not None else found)
        if not code:  # AussonderungsartKonfigurierbar: a local rule we cannot interpret
            return None
        try:
            return ArchiveRule.from_code(code)
        except ValueError as exc:
            raise self.problem(owner, str(exc)) from None

    def decision(self, item: Any) -> ArchiveRule:
        rule = self.disposal(item, item)
        if rule is None:
            raise self.problem(item, "the evaluation has no Aussonderungsart code (A, V or B)")
        return rule

    def proposal(self, archive: Any) -> ArchiveRule | None:
        code = self.code(None if archive is None else self.child(archive, "Bewertungsvorschlag"))
        return ArchiveRule.from_code(code) if code else None

    def retention(self, archive: Any) -> tuple[int | None, bool]:
        element = None if archive is None else self.child(archive, "Aufbewahrungsdauer")
        if element is None:
            return None, False
        if self.child(element, "Unbefristet") is not None:
            return None, True
        years = self.token(element, "AnzahlJahre") or str(element.text or "").strip()
        return (int(years) if years else None), False

    def confidentiality(self, element: Any) -> Confidentiality | None:
        code = self.code(
            self.child(self.child(element, "AllgemeineMetadaten"), "Vertraulichkeitsstufe")
        )
        return Confidentiality(code) if code else None
