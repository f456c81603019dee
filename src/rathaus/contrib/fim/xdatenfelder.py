"""Import FIM XDatenfelder 2.0 and 3.0.0 documents as form definitions.

`xdatenfelder_import(xml)` returns `(definition, report)`: the definition is a dict with
`schema` (JSON Schema draft 2020-12) and `ui` (steps, see `applications.form_schema`); the
report lists, per element id, everything that did not map fully. Nothing is dropped silently:
rules (with their text), external code lists and their column keys, file fields with their size
and media types, static labels, defaults that break the field's own constraints, patterns that
cannot be translated, and the editorial metadata (one summary line) all appear there.

A document is first checked against the structure the standard defines
(`xdatenfelder_structure`); one that deviates is refused with every problem, its element and
its line. Patterns are translated from XML Schema regular expressions (`xsd_regex`), anchored.

Mapping: the root (Stammdatenschema or Datenfeldgruppe) becomes the data object; each
Datenfeldgruppe a nested object and, at the top level, one step; each Datenfeld a property
named after its FIM id. Multiplicity `min:max` makes a property required (min >= 1) or an
array (max != 1) with minItems/maxItems. XDatenfelder 1.x is refused.
"""

import json
import math
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from jsonschema import Draft202012Validator
from lxml import etree

from rathaus.contrib.fim.xdatenfelder_structure import (
    NS_V2,
    NS_V3,
    Problem,
    xdatenfelder_structure_problems,
)
from rathaus.contrib.fim.xsd_regex import UntranslatablePattern, xsd_pattern_to_json_schema

NS_V1_PREFIX = "urn:xoev-de:fim:standard:xdatenfelder_1"
JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"

ReportEntry = tuple[str, str]

_ROOT_ELEMENTS = {"stammdatenschema", "datenfeldgruppe", "datenfeld"}
_MULTIPLICITY = re.compile(r"^(\d+):(\d+|\*)$")
# Elements for FIM editors (documentation, life cycle, provenance): not part of a form.
_EDITORIAL = (
    "header",
    "beschreibung",
    "definition",
    "bezug",
    "status",
    "freigabestatus",
    "statusGesetztAm",
    "statusGesetztDurch",
    "gueltigAb",
    "gueltigBis",
    "fachlicherErsteller",
    "versionshinweis",
    "freigabedatum",
    "veroeffentlichungsdatum",
    "letzteAenderung",
    "stichwort",
    "schemaelementart",
    "bezeichnungAusgabe",
    "hilfetextAusgabe",
    "ableitungsmodifikationenStruktur",
    "ableitungsmodifikationenRepraesentation",
    "dokumentsteckbrief",
)
_MAX_PROBLEMS_SHOWN = 20


class FimImportError(ValueError):
    """The document is not an XDatenfelder 2.0/3.0 document this importer can read;
    `problems` lists the structural errors (element and line) when there are such."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def _local(el: Any) -> str:
    return str(etree.QName(el).localname)


def _children(el: Any, name: str | None = None) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def _child(el: Any, name: str) -> Any | None:
    found = _children(el, name)
    return found[0] if found else None


def _text(el: Any, name: str) -> str:
    child = _child(el, name)
    return " ".join((child.text or "").split()) if child is not None else ""


def _code(el: Any, name: str) -> str:
    child = _child(el, name)
    return _text(child, "code") if child is not None else ""


class _Importer:
    def __init__(self, standard: str) -> None:
        self.standard = standard
        self.report: list[ReportEntry] = []

    def note(self, element_id: str, message: str) -> None:
        self.report.append((element_id, message))

    @staticmethod
    def element_id(el: Any) -> str:
        """The id of a group or field (the structure check made sure it has one)."""
        return _text(_child(el, "identifikation"), "id")

    # --- mapping ------------------------------------------------------------------------

    def label(self, el: Any) -> dict[str, str]:
        # bezeichnung: the citizen-facing title of a 3.0 Stammdatenschema.
        text = _text(el, "bezeichnungEingabe") or _text(el, "bezeichnung")
        return {"de": text or _text(el, "name")}

    def rules(self, el: Any, owner: str) -> None:
        for rule in _children(el, "regel"):
            rule_id = _text(_child(rule, "identifikation"), "id")
            # The rule as editors wrote it: freitextRegel (3.0) or definition (2.0), else the
            # description; the script is given as well, for whoever implements the rule.
            text = (
                _text(rule, "freitextRegel")
                or _text(rule, "definition")
                or _text(rule, "beschreibung")
            )
            script = _text(rule, "skript") or _text(rule, "script")
            parts = [p for p in (text[:300], f"script: {script[:200]}" if script else "") if p]
            self.note(
                owner,
                f"rule {rule_id} '{_text(rule, 'name')}' is not expressible as JSON Schema "
                f"and was not imported: {' — '.join(parts) or '(no text)'}",
            )

    def relations(self, el: Any, owner: str) -> None:
        for rel in _children(el, "relation"):
            target = _child(rel, "objekt")
            target_id = _text(target, "id") if target is not None else "?"
            self.note(
                owner,
                f"relation {_code(rel, 'praedikat')} to {target_id} is metadata, not imported",
            )

    def group(
        self, el: Any, element_id: str, pointer: str, steps: list[dict[str, Any]] | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, str]]]:
        """Map a group (or the root) to an object schema, its UI fields and notes.

        With `steps` (top level only), child groups become steps of their own.
        """
        self.rules(el, element_id)
        self.relations(el, element_id)
        if _code(el, "art"):
            self.note(element_id, f"group kind (art) {_code(el, 'art')} is not mapped")
        schema: dict[str, Any] = {"type": "object", "title": self.label(el)["de"]}
        help_text = _text(el, "hilfetextEingabe") or _text(el, "hilfetext")
        if help_text:
            schema["description"] = help_text
        properties: dict[str, Any] = {}
        required: list[str] = []
        fields: list[dict[str, Any]] = []
        notes: list[dict[str, str]] = []
        for struktur in _children(el, "struktur"):
            low, high = self.multiplicity(_text(struktur, "anzahl"), element_id)
            contains = _child(struktur, "enthaelt")
            for child in _children(contains) if contains is not None else []:
                if _local(child) not in ("datenfeld", "datenfeldgruppe"):
                    self.note(element_id, f"<{_local(child)}> in a structure is not mapped")
                    continue
                child_id = self.element_id(child)
                name = child_id
                while name in properties:
                    name += "_2"
                if name != child_id:
                    self.note(child_id, f"occurs twice in {element_id}; second one named {name}")
                child_pointer = f"{pointer}/{name}"
                if _local(child) == "datenfeldgruppe":
                    sub, sub_fields, sub_notes = self.group(child, child_id, child_pointer, None)
                    field = {"field": child_pointer, "label": self.label(child)}
                else:
                    mapped = self.field(child, child_id)
                    if mapped is None:
                        notes.append({"de": _text(child, "inhalt") or self.label(child)["de"]})
                        continue
                    sub, field = mapped
                    field["field"] = child_pointer
                    sub_fields, sub_notes = [field], []
                if high != 1:
                    array: dict[str, Any] = {"type": "array", "items": sub}
                    if low:
                        array["minItems"] = low
                    if high is not None:
                        array["maxItems"] = high
                    properties[name] = array
                    if _local(child) == "datenfeldgruppe":
                        self.note(
                            child_id,
                            "repeated group: shown as one list field, its inner fields are "
                            "not laid out one by one",
                        )
                    sub_fields, sub_notes = [field], []
                else:
                    properties[name] = sub
                if low >= 1:
                    required.append(name)
                if steps is not None and _local(child) == "datenfeldgruppe" and high == 1:
                    if sub_fields:
                        step = {"id": child_id, "title": self.label(child), "fields": sub_fields}
                        if sub_notes:
                            step["notes"] = sub_notes
                        steps.append(step)
                    else:
                        self.note(child_id, "group has no input fields; no step created")
                else:
                    fields += sub_fields
                    notes += sub_notes
        schema["properties"] = properties
        if required:
            schema["required"] = required
        return schema, fields, notes

    def multiplicity(self, text: str, owner: str) -> tuple[int, int | None]:
        match = _MULTIPLICITY.match(text)
        if not match:
            raise FimImportError(f"{owner}: multiplicity (anzahl) {text!r} is not min:max")
        high = None if match.group(2) in ("*", "n") else int(match.group(2))
        low = int(match.group(1))
        if high is not None and high < low:
            raise FimImportError(f"{owner}: multiplicity {text!r} has max below min")
        return low, high

    def field(self, el: Any, element_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """A Datenfeld as (property schema, UI field), or None for static text."""
        self.rules(el, element_id)
        self.relations(el, element_id)
        kind = _code(el, "feldart")
        data_type = _code(el, "datentyp")
        if not kind or not data_type:
            raise FimImportError(f"{element_id}: <feldart> and <datentyp> are required")
        label = self.label(el)
        if kind == "label":
            self.note(element_id, "static text (feldart label): shown as a note, holds no data")
            return None
        schema = self.data_type(data_type, element_id)
        schema["title"] = label["de"]
        ui: dict[str, Any] = {"label": label}
        help_text = _text(el, "hilfetextEingabe")
        if help_text:
            ui["help"] = {"de": help_text}
            schema["description"] = help_text
        if kind == "locked":
            schema["readOnly"] = True
        elif kind == "hidden":
            self.note(element_id, "hidden field (feldart hidden) is imported as a visible field")
        elif kind == "select":
            self.select(el, element_id, schema, ui)
        elif kind != "input":
            self.note(element_id, f"field kind (feldart) {kind!r} is not known; mapped as input")
        self.constraints(el, element_id, schema)
        self.file_constraints(el, element_id, data_type, schema)
        default = _text(el, "inhalt")
        if default:
            self.default(default, element_id, schema)
        prefill = _code(el, "vorbefuellung")
        if prefill and prefill != "keine":
            self.note(element_id, f"prefill (vorbefuellung) {prefill!r} is not mapped")
        return schema, ui

    def file_constraints(
        self, el: Any, element_id: str, data_type: str, schema: dict[str, Any]
    ) -> None:
        """maxSize and mediaType (3.0, only for data type file)."""
        max_size = _text(el, "maxSize")
        media_types = [" ".join((m.text or "").split()) for m in _children(el, "mediaType")]
        if data_type != "file":
            if max_size or media_types:
                self.note(element_id, "maxSize/mediaType apply to file fields only; ignored")
            return
        if max_size:
            # The file travels base64-encoded: n bytes are 4 * ceil(n / 3) characters.
            schema["maxLength"] = 4 * math.ceil(int(max_size) / 3)
            self.note(element_id, f"file size limited to {max_size} bytes (as base64 length)")
        if media_types:
            self.note(
                element_id,
                f"allowed media types {', '.join(media_types)} are not enforced for a "
                "file field in the form data",
            )

    def data_type(self, code: str, element_id: str) -> dict[str, Any]:
        simple: dict[str, dict[str, Any]] = {
            "text": {"type": "string"},
            "date": {"type": "string", "format": "date"},
            "time": {"type": "string", "format": "time"},
            "datetime": {"type": "string", "format": "date-time"},
            "bool": {"type": "boolean"},
            "num": {"type": "number"},
            "num_int": {"type": "integer"},
            "num_currency": {"type": "number", "multipleOf": 0.01},
            "currency": {"type": "number", "multipleOf": 0.01},
        }
        if code in simple:
            return dict(simple[code])
        if code == "text_latin":
            self.note(element_id, "text_latin: the DIN 91379 character set is not enforced")
            return {"type": "string"}
        if code == "file":
            self.note(element_id, "file upload is not mapped yet: the field takes base64 text")
            return {"type": "string", "contentEncoding": "base64"}
        self.note(element_id, f"data type (datentyp) {code!r} is not mapped; any value accepted")
        return {}

    def select(self, el: Any, element_id: str, schema: dict[str, Any], ui: dict[str, Any]) -> None:
        values = _child(el, "werte")
        keys = {k: _text(el, k) for k in ("codeKey", "nameKey", "helpKey") if _text(el, k)}
        if values is not None:
            entries = _children(values, "wert")
            codes = [(_text(w, "code"), _text(w, "name")) for w in entries]
            duplicates = sorted(c for c, n in Counter(c for c, _ in codes).items() if n > 1)
            if duplicates:
                raise FimImportError(
                    f"{element_id} (line {values.sourceline}): the value list has the code(s) "
                    f"{', '.join(duplicates)} more than once; codes must be unique"
                )
            schema["enum"] = [code for code, _name in codes]
            ui["options"] = {code: {"de": name or code} for code, name in codes}
            helps = [_text(w, "code") for w in entries if _text(w, "hilfe")]
            if helps:
                self.note(
                    element_id, f"help texts (hilfe) of the values {', '.join(helps)} are not shown"
                )
            if keys:
                self.note(element_id, f"code list keys {keys} ignored: the values are embedded")
            return
        ref = _child(el, "codelisteReferenz")
        if ref is not None:
            ident = _child(ref, "identifikation")
            ref_id = _text(ident, "id") if ident is not None else ""
            gc = _child(ref, "genericodeIdentification")
            uri = _text(gc, "canonicalVersionUri") if gc is not None else ""
            if not ref_id:  # 3.0: the reference is the genericode identification itself
                ref_id = _text(ref, "canonicalIdentification")
                uri = _text(ref, "canonicalVersionUri")
            key_text = f"; its column keys {keys} are not applied" if keys else ""
            self.note(
                element_id,
                f"code list {ref_id or '?'} ({uri or 'no URI'}) is referenced, not embedded: "
                f"the values are not constrained{key_text}",
            )
            return
        self.note(element_id, "select field without values or code list: values not constrained")

    def constraints(self, el: Any, element_id: str, schema: dict[str, Any]) -> None:
        node = _child(el, "praezisierung")
        if node is None:
            return
        if self.standard == "2.0":
            raw = (node.text or "").strip()
            if not raw:
                return
            try:
                given = json.loads(raw)
            except ValueError:
                self.note(element_id, f"precision (praezisierung) {raw!r} is not JSON; ignored")
                return
            if not isinstance(given, dict):
                self.note(element_id, f"precision (praezisierung) {raw!r} is not an object")
                return
        else:
            given = dict(node.attrib)
        string = schema.get("type") == "string" and "format" not in schema
        numeric = schema.get("type") in ("number", "integer")
        for key, value in given.items():
            if key in ("minLength", "maxLength") and string and str(value).isdigit():
                schema[key] = int(value)
            elif key in ("minValue", "maxValue") and numeric and self.number(value) is not None:
                schema["minimum" if key == "minValue" else "maximum"] = self.number(value)
            elif key == "pattern" and string:
                try:
                    schema["pattern"] = xsd_pattern_to_json_schema(str(value))
                except UntranslatablePattern as exc:
                    self.note(element_id, f"pattern {value!r} was not imported: {exc}")
            else:
                self.note(element_id, f"precision {key}={value!r} is not mapped for this type")

    @staticmethod
    def number(value: Any) -> int | float | None:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return int(number) if number == number.to_integral_value() else float(number)

    def default(self, raw: str, element_id: str, schema: dict[str, Any]) -> None:
        """Carry `inhalt` as the default only if the field itself would accept it."""
        kind = schema.get("type")
        value: Any = raw
        if kind == "boolean":
            value = {"true": True, "false": False}.get(raw.lower())
        elif kind in ("number", "integer"):
            value = self.number(raw)
        problems = (
            ["it is not a value of this type"]
            if value is None
            else [
                e.message
                for e in Draft202012Validator(
                    schema, format_checker=Draft202012Validator.FORMAT_CHECKER
                ).iter_errors(value)
            ]
        )
        if problems:
            self.note(
                element_id,
                f"default value (inhalt) {raw!r} breaks the field's own constraints and was "
                f"not imported: {'; '.join(problems)}",
            )
            return
        schema["default"] = value


def xdatenfelder_import(xml: bytes) -> tuple[dict[str, Any], list[ReportEntry]]:
    """Map an XDatenfelder 2.0 or 3.0.0 document to (form definition dict, report).

    Raises FimImportError for other versions, non-XDatenfelder XML and structural errors
    (missing ids, elements that may occur once occurring twice, bad multiplicities).
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise FimImportError(f"not well-formed XML: {exc}") from exc
    namespace = etree.QName(root).namespace or ""
    if namespace.startswith(NS_V1_PREFIX):
        raise FimImportError("XDatenfelder version 1 is not supported (only 2.0 and 3.0.0)")
    standards = {NS_V2: "2.0", NS_V3: "3.0.0"}
    if namespace not in standards:
        raise FimImportError(f"not an XDatenfelder 2.0/3.0.0 document (namespace {namespace!r})")
    problems = xdatenfelder_structure_problems(root)
    if problems:
        shown = "; ".join(str(p) for p in problems[:_MAX_PROBLEMS_SHOWN])
        more = len(problems) - _MAX_PROBLEMS_SHOWN
        raise FimImportError(
            f"the document does not have the structure XDatenfelder {standards[namespace]} "
            f"defines: {shown}" + (f" (and {more} more)" if more > 0 else ""),
            problems,
        )
    importer = _Importer(standards[namespace])
    (main,) = [c for c in _children(root) if _local(c) in _ROOT_ELEMENTS]
    root_id = importer.element_id(main)
    steps: list[dict[str, Any]] = []
    title = importer.label(main)
    if _local(main) == "datenfeld":
        mapped = importer.field(main, root_id)
        schema: dict[str, Any] = {"type": "object", "title": title["de"], "properties": {}}
        fields: list[dict[str, Any]] = []
        notes: list[dict[str, str]] = []
        if mapped is not None:
            schema["properties"][root_id] = mapped[0]
            fields = [{**mapped[1], "field": f"/{root_id}"}]
    else:
        schema, fields, notes = importer.group(main, root_id, "", steps)
    if fields or notes:
        step: dict[str, Any] = {"id": root_id, "title": title, "fields": fields}
        if notes:
            step["notes"] = notes
        if fields:
            steps.insert(0, step)
        else:
            importer.note(root_id, "static texts at the top level have no step without fields")
    if not steps:
        importer.note(root_id, "the document contains no input fields; the form has no steps")
    importer.note(root_id, "FIM texts are German only: English labels must be added by hand")
    editorial = Counter(
        _local(el)
        for el in root.iter(etree.Element)
        if _local(el) in _EDITORIAL
        and etree.QName(el).namespace == namespace
        # A rule's definition and description are its text, reported with the rule.
        and not (_local(el.getparent()) == "regel" and _local(el) in ("definition", "beschreibung"))
    )
    if editorial:
        importer.note(
            root_id,
            "editorial metadata for FIM editors is not part of a form and was not imported: "
            + ", ".join(f"{name} ({editorial[name]}×)" for name in _EDITORIAL if editorial[name]),
        )
    schema = {"$schema": JSON_SCHEMA_2020_12, **schema}
    version = _text(_child(main, "identifikation"), "version")
    ui = {
        "steps": steps,
        "source": {
            "standard": f"XDatenfelder {importer.standard}",
            "id": root_id,
            "version": version,
        },
    }
    return {"schema": schema, "ui": ui}, importer.report
