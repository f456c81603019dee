"""The structure XDatenfelder 2.0 and 3.0.0 documents must have, checked before anything is read.

The XML Schemas of the standard (xdatenfelder.xsd and xdatenfelder-baukasten.xsd, published by
FIM Baustein Datenfelder on XRepository) are written down here as tables: for every element
type its children with their cardinality, its attributes, and for simple content the lexical
form (patterns of xs:date, VersionString, AnzahlString …) or the codes of its code list. The
importer must not depend on schema files at run time, hence tables in code; the conformance
tests compare this check with the official XSDs where those are available (ADR 0010).

Deliberately not checked, because documents that FIM editors export and upstream parsers read
deviate here (the upstream sample documents among them):

- the order of the children (the XSDs declare sequences);
- `listVersionID` where an XSD requires it (a present one must still have the fixed value);
- in 2.0, `praezisierung` and `inhalt` of a Datenfeld may be absent;
- an empty date element counts as no date;
- the DIN SPEC 91379 character set of String.Latin texts.

Stricter than the XSDs, as upstream parsers are: the code of `freigabestatus` must be one of
the code list urn:xoev-de:xprozess:codeliste:status (the XSD allows any token), and an `<id>`
must not be empty.
"""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

NS_V2 = "urn:xoev-de:fim:standard:xdatenfelder_2"
NS_V3 = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

UNBOUNDED = None


@dataclass(frozen=True)
class Problem:
    """One structural error: the line, the element and what is wrong."""

    line: int | None
    element: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, <{self.element}>: {self.message}"


@dataclass(frozen=True)
class Attribute:
    kind: str = "string"
    required: bool = False
    fixed: str | None = None


@dataclass(frozen=True)
class ElementType:
    """Children as name → (type, min, max); `text` names the simple content type (None:
    element-only content); `choice`: exactly one child; `unqualified`: children without a
    namespace (the <code> of a code value)."""

    children: Mapping[str, tuple[str, int, int | None]] = field(default_factory=dict)
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    text: str | None = None
    choice: bool = False
    unqualified: bool = False


def _enum(*codes: str) -> tuple[bool, frozenset[str]]:
    return True, frozenset(codes)


def _pattern(regex: str, *, collapse: bool = True) -> tuple[bool, re.Pattern[str]]:
    return collapse, re.compile(regex)


_TZ = r"(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?"
_DATE = r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
# Simple types: (whitespace collapsed first?, None | codes | pattern of the whole value).
SIMPLE: dict[str, tuple[bool, frozenset[str] | re.Pattern[str] | None]] = {
    "string": (False, None),
    "token": (True, None),
    "anyURI": (True, None),
    # Empty: see the deviations above (FIM exports write <xdf:freigabedatum/>).
    "date": _pattern(f"({_DATE}{_TZ})?"),
    "dateTime": _pattern(_DATE + r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?" + _TZ),
    "boolean": _enum("true", "false", "1", "0"),
    "int": _pattern(r"[+-]?[0-9]+"),
    "positiveInteger": _pattern(r"\+?0*[1-9][0-9]*"),
    "nonNegativeInteger": _pattern(r"\+?[0-9]+"),
    "AnzahlString": _pattern(r"[0-9]+:(\*|[0-9]+)", collapse=False),
    "VersionString2": _pattern(r"[0-9]+\.[0-9]+", collapse=False),
    "VersionString3": _pattern(r"[0-9]+\.[0-9]+\.[0-9]+", collapse=False),
    "MediaType": _pattern(r"[^\W_]+/(?:[-+.]|[^\W_])+"),
    "RegelParamTyp": _enum("anzahl", "objekt", "selektor", "wert"),
    # Codes of the code lists the XSDs fix (their listURI and listVersionID are fixed too).
    "Status": _enum("aktiv", "inaktiv", "inVorbereitung"),
    "Schemaelementart": _enum("ABS", "HAR", "RNG"),
    "Feldart2": _enum("input", "label", "select"),
    "Feldart3": _enum("hidden", "input", "label", "locked", "select"),
    "Datentyp2": _enum("bool", "date", "file", "num", "num_currency", "num_int", "obj", "text"),
    "Datentyp3": _enum(
        "bool",
        "date",
        "datetime",
        "file",
        "num",
        "num_currency",
        "num_int",
        "obj",
        "text",
        "text_latin",
        "time",
    ),
    "AbleitungsmodifikationenStruktur": _enum("0", "1", "2", "3"),
    "AbleitungsmodifikationenRepraesentation": _enum("0", "1"),
    "Vorbefuellung": _enum("keine", "optional", "verpflichtend"),
    "Gruppenart": _enum("X"),
    "Regeltyp": _enum("B", "K", "M", "V"),
    "Datenqualitaet": _enum("PROD", "TEST"),
    # urn:xoev-de:xprozess:codeliste:status (version 2022-07-12): in Planung … vorgesehen zum
    # Löschen. The XSD leaves the code open; the code list does not.
    "Freigabestatus": _enum("1", "2", "3", "4", "5", "6", "7", "8"),
}

_FIM_LIST = "urn:xoev-de:fim:codeliste:xdatenfelder."


def _code(values: str, list_uri: str, version: str | None = "1.0") -> ElementType:
    """A code of a code list (xoev-code:Code): one <code> without namespace."""
    return ElementType(
        children={"code": (values, 1, 1)},
        attributes={
            "listURI": Attribute("anyURI", fixed=list_uri),
            "listVersionID": Attribute("string", fixed=version),
        },
        unqualified=True,
    )


def _types_v2() -> dict[str, ElementType]:
    general = {
        "identifikation": ("ElementIdentifikation", 1, 1),
        "name": ("string", 1, 1),
        "bezeichnungEingabe": ("string", 1, 1),
        "bezeichnungAusgabe": ("string", 0, 1),
        "beschreibung": ("string", 1, 1),
        "definition": ("string", 1, 1),
        "bezug": ("string", 1, 1),
        "status": ("Code.Status", 1, 1),
        "gueltigAb": ("date", 0, 1),
        "gueltigBis": ("date", 0, 1),
        "fachlicherErsteller": ("string", 0, 1),
        "versionshinweis": ("string", 0, 1),
        "freigabedatum": ("date", 0, 1),
        "veroeffentlichungsdatum": ("date", 0, 1),
    }
    element = {
        **general,
        "schemaelementart": ("Code.Schemaelementart", 1, 1),
        "hilfetextEingabe": ("string", 1, 1),
        "hilfetextAusgabe": ("string", 1, 1),
    }
    return {
        "Header": ElementType(
            children={
                "nachrichtID": ("token", 1, 1),
                "erstellungszeitpunkt": ("dateTime", 1, 1),
                "referenzID": ("token", 0, 1),
            }
        ),
        "ElementIdentifikation": ElementType(
            children={"id": ("token", 1, 1), "version": ("VersionString2", 0, 1)}
        ),
        "Stammdatenschema": ElementType(
            children={
                **general,
                "hilfetext": ("string", 0, 1),
                "ableitungsmodifikationenStruktur": (
                    "Code.AbleitungsmodifikationenStruktur",
                    1,
                    1,
                ),
                "ableitungsmodifikationenRepraesentation": (
                    "Code.AbleitungsmodifikationenRepraesentation",
                    1,
                    1,
                ),
                "regel": ("Regel", 0, UNBOUNDED),
                "struktur": ("Struktur", 0, UNBOUNDED),
            }
        ),
        "Datenfeldgruppe": ElementType(
            children={
                **element,
                "regel": ("Regel", 0, UNBOUNDED),
                "struktur": ("Struktur", 0, UNBOUNDED),
            }
        ),
        "Datenfeld": ElementType(
            children={
                **element,
                "feldart": ("Code.Feldart", 1, 1),
                "datentyp": ("Code.Datentyp", 1, 1),
                "praezisierung": ("string", 0, 1),  # 1..1 in the XSD, see above
                "inhalt": ("string", 0, 1),  # 1..1 in the XSD, see above
                "codelisteReferenz": ("CodelisteReferenz", 0, 1),
                "regel": ("Regel", 0, UNBOUNDED),
            }
        ),
        "Regel": ElementType(children={**general, "script": ("string", 1, 1)}),
        "Struktur": ElementType(
            children={
                "anzahl": ("AnzahlString", 1, 1),
                "bezug": ("string", 1, 1),
                "enthaelt": ("Enthaelt", 1, 1),
            }
        ),
        "Enthaelt": ElementType(
            children={
                "datenfeld": ("Datenfeld", 0, 1),
                "datenfeldgruppe": ("Datenfeldgruppe", 0, 1),
            },
            choice=True,
        ),
        "CodelisteReferenz": ElementType(
            children={
                "identifikation": ("ElementIdentifikation", 1, 1),
                "genericodeIdentification": ("GenericodeIdentification", 1, 1),
            }
        ),
        "GenericodeIdentification": ElementType(
            children={
                "canonicalIdentification": ("token", 1, 1),
                "version": ("token", 1, 1),
                "canonicalVersionUri": ("token", 1, 1),
            }
        ),
        "Code.Status": _code("Status", _FIM_LIST + "status"),
        "Code.Schemaelementart": _code("Schemaelementart", _FIM_LIST + "schemaelementart"),
        "Code.Feldart": _code("Feldart2", _FIM_LIST + "feldart"),
        "Code.Datentyp": _code("Datentyp2", _FIM_LIST + "datentyp"),
        "Code.AbleitungsmodifikationenStruktur": _code(
            "AbleitungsmodifikationenStruktur", _FIM_LIST + "ableitungsmodifikationenStruktur"
        ),
        "Code.AbleitungsmodifikationenRepraesentation": _code(
            "AbleitungsmodifikationenRepraesentation",
            _FIM_LIST + "ableitungsmodifikationenRepraesentation",
        ),
    }


def _types_v3() -> dict[str, ElementType]:
    general = {
        "identifikation": ("ElementIdentifikation", 1, 1),
        "name": ("string", 1, 1),
        "beschreibung": ("string", 0, 1),
        "definition": ("string", 0, 1),
        "bezug": ("Rechtsbezug", 0, UNBOUNDED),
        "freigabestatus": ("Code.Freigabestatus", 1, 1),
        "statusGesetztAm": ("date", 0, 1),
        "statusGesetztDurch": ("string", 0, 1),
        "gueltigAb": ("date", 0, 1),
        "gueltigBis": ("date", 0, 1),
        "versionshinweis": ("string", 0, 1),
        "veroeffentlichungsdatum": ("date", 0, 1),
        "letzteAenderung": ("dateTime", 1, 1),
        "relation": ("Relation", 0, UNBOUNDED),
        "stichwort": ("Stichwort", 0, UNBOUNDED),
    }
    element = {
        **general,
        "bezeichnungEingabe": ("string", 1, 1),
        "bezeichnungAusgabe": ("string", 0, 1),
        "schemaelementart": ("Code.Schemaelementart", 1, 1),
        "hilfetextEingabe": ("string", 0, 1),
        "hilfetextAusgabe": ("string", 0, 1),
    }
    return {
        "Header": ElementType(
            children={
                "nachrichtID": ("token", 1, 1),
                "erstellungszeitpunkt": ("dateTime", 1, 1),
                "referenzID": ("token", 0, 1),
                "produktbezeichnung": ("string", 0, 1),
                "produkthersteller": ("string", 0, 1),
                "produktversion": ("string", 0, 1),
                "datenqualitaet": ("Code.Datenqualitaet", 0, 1),
            }
        ),
        "ElementIdentifikation": ElementType(
            children={"id": ("token", 1, 1), "version": ("VersionString3", 0, 1)}
        ),
        "Stammdatenschema": ElementType(
            children={
                **general,
                "bezeichnung": ("string", 1, 1),
                "hilfetext": ("string", 0, 1),
                "ableitungsmodifikationenStruktur": (
                    "Code.AbleitungsmodifikationenStruktur",
                    1,
                    1,
                ),
                "ableitungsmodifikationenRepraesentation": (
                    "Code.AbleitungsmodifikationenRepraesentation",
                    1,
                    1,
                ),
                "dokumentsteckbrief": ("ElementIdentifikation", 1, 1),
                "regel": ("Regel", 0, UNBOUNDED),
                "struktur": ("Struktur", 1, UNBOUNDED),
            }
        ),
        "Datenfeldgruppe": ElementType(
            children={
                **element,
                "art": ("Code.Gruppenart", 0, 1),
                "regel": ("Regel", 0, UNBOUNDED),
                "struktur": ("Struktur", 1, UNBOUNDED),
            }
        ),
        "Datenfeld": ElementType(
            children={
                **element,
                "feldart": ("Code.Feldart", 1, 1),
                "datentyp": ("Code.Datentyp", 1, 1),
                "praezisierung": ("Praezisierung", 0, 1),
                "inhalt": ("string", 0, 1),
                "vorbefuellung": ("Code.Vorbefuellung", 1, 1),
                "werte": ("Werteliste", 0, 1),
                "codelisteReferenz": ("GenericodeIdentification", 0, 1),
                "codeKey": ("token", 0, 1),
                "nameKey": ("token", 0, 1),
                "helpKey": ("token", 0, 1),
                "regel": ("Regel", 0, UNBOUNDED),
                "maxSize": ("positiveInteger", 0, 1),
                "mediaType": ("MediaType", 0, UNBOUNDED),
            }
        ),
        "Praezisierung": ElementType(
            text="string",
            attributes={
                "minLength": Attribute("nonNegativeInteger"),
                "maxLength": Attribute("positiveInteger"),
                "minValue": Attribute("token"),
                "maxValue": Attribute("token"),
                "pattern": Attribute("string"),
            },
        ),
        "Werteliste": ElementType(children={"wert": ("Wert", 1, UNBOUNDED)}),
        "Wert": ElementType(
            children={"code": ("token", 1, 1), "name": ("string", 1, 1), "hilfe": ("string", 0, 1)}
        ),
        "Regel": ElementType(
            children={
                "identifikation": ("ElementIdentifikation", 1, 1),
                "name": ("string", 1, 1),
                "beschreibung": ("string", 0, 1),
                "freitextRegel": ("string", 0, 1),
                "bezug": ("Rechtsbezug", 0, UNBOUNDED),
                "stichwort": ("Stichwort", 0, UNBOUNDED),
                "fachlicherErsteller": ("string", 0, 1),
                "letzteAenderung": ("dateTime", 1, 1),
                "typ": ("Code.Regeltyp", 1, 1),
                "param": ("RegelParameter", 0, UNBOUNDED),
                "ziel": ("RegelZiel", 0, UNBOUNDED),
                "skript": ("string", 0, 1),
                "fehler": ("Fehlermeldung", 0, UNBOUNDED),
            }
        ),
        "RegelParameter": ElementType(
            children={"typ": ("RegelParamTyp", 1, 1)},
            attributes={"element": Attribute(required=True), "name": Attribute(required=True)},
        ),
        "RegelZiel": ElementType(
            attributes={"element": Attribute(required=True), "name": Attribute(required=True)}
        ),
        "Fehlermeldung": ElementType(
            text="string", attributes={"code": Attribute("int", required=True)}
        ),
        "Rechtsbezug": ElementType(text="string", attributes={"link": Attribute("anyURI")}),
        "Stichwort": ElementType(
            text="token", attributes={"uri": Attribute("anyURI", required=True)}
        ),
        "Relation": ElementType(
            children={
                "praedikat": ("Code.Relation", 1, 1),
                "objekt": ("ElementIdentifikation", 1, 1),
            }
        ),
        "Struktur": ElementType(
            children={
                "anzahl": ("AnzahlString", 1, 1),
                "bezug": ("Rechtsbezug", 0, UNBOUNDED),
                "enthaelt": ("Enthaelt", 1, 1),
            }
        ),
        "Enthaelt": ElementType(
            children={
                "datenfeld": ("Datenfeld", 0, 1),
                "datenfeldgruppe": ("Datenfeldgruppe", 0, 1),
            },
            choice=True,
        ),
        "GenericodeIdentification": ElementType(
            children={
                "canonicalIdentification": ("token", 0, 1),
                "version": ("token", 0, 1),
                "canonicalVersionUri": ("token", 0, 1),
            }
        ),
        "Code.Freigabestatus": _code(
            "Freigabestatus", "urn:xoev-de:xprozess:codeliste:status", version=None
        ),
        "Code.Relation": _code(
            "token", "urn:xoev-de:fim-datenfelder:codeliste:relation", version=None
        ),
        "Code.Schemaelementart": _code("Schemaelementart", _FIM_LIST + "schemaelementart"),
        "Code.Feldart": _code("Feldart3", _FIM_LIST + "feldart", version="2.0"),
        "Code.Datentyp": _code("Datentyp3", _FIM_LIST + "datentyp", version="2.0"),
        "Code.Vorbefuellung": _code("Vorbefuellung", _FIM_LIST + "vorbefuellung"),
        "Code.Gruppenart": _code("Gruppenart", "urn:xoev-de:fim:codeliste:datenfelder.gruppenart"),
        "Code.Regeltyp": _code("Regeltyp", _FIM_LIST + "regeltyp"),
        "Code.Datenqualitaet": _code(
            "Datenqualitaet", "urn:xoev-de:fim:codeliste:datenfelder.datenqualitaet"
        ),
        "Code.AbleitungsmodifikationenStruktur": _code(
            "AbleitungsmodifikationenStruktur", _FIM_LIST + "ableitungsmodifikationenStruktur"
        ),
        "Code.AbleitungsmodifikationenRepraesentation": _code(
            "AbleitungsmodifikationenRepraesentation",
            _FIM_LIST + "ableitungsmodifikationenRepraesentation",
        ),
    }


def _messages() -> dict[str, ElementType]:
    """The messages that carry a form: a header and one Stammdatenschema, Datenfeldgruppe or
    Datenfeld (Dokumentsteckbrief and Codeliste messages carry none)."""
    header = ("Header", 1, 1)
    return {
        "xdatenfelder.stammdatenschema.0102": ElementType(
            children={"header": header, "stammdatenschema": ("Stammdatenschema", 1, 1)}
        ),
        "xdatenfelder.datenfeldgruppe.0103": ElementType(
            children={"header": header, "datenfeldgruppe": ("Datenfeldgruppe", 1, 1)}
        ),
        "xdatenfelder.datenfeld.0104": ElementType(
            children={"header": header, "datenfeld": ("Datenfeld", 1, 1)}
        ),
    }


TYPES = {NS_V2: _types_v2(), NS_V3: _types_v3()}
MESSAGES = _messages()


def _local(el: Any) -> str:
    return str(etree.QName(el).localname)


def _value_problem(kind: str, raw: str) -> str | None:
    collapse, allowed = SIMPLE[kind]
    value = " ".join(raw.split()) if collapse else raw
    if allowed is None:
        return None
    if isinstance(allowed, frozenset):
        if value in allowed:
            return None
        return f"{value!r} is not one of the codes {', '.join(sorted(allowed))}"
    if allowed.fullmatch(value):
        return None
    return f"{value!r} is not a valid {kind}"


class _Checker:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.types = TYPES[namespace]
        self.problems: list[Problem] = []

    def add(self, el: Any, message: str) -> None:
        self.problems.append(Problem(el.sourceline, _local(el), message))

    def attributes(self, el: Any, allowed: Mapping[str, Attribute]) -> None:
        for name, value in el.attrib.items():
            qname = etree.QName(name)
            if qname.namespace == XSI:
                continue  # xsi:schemaLocation and friends are allowed everywhere
            spec = None if qname.namespace else allowed.get(qname.localname)
            if spec is None:
                self.add(el, f"attribute {qname.localname!r} is not allowed here")
            elif spec.fixed is not None and " ".join(value.split()) != spec.fixed:
                self.add(el, f"attribute {qname.localname} must be {spec.fixed!r}, not {value!r}")
            elif problem := _value_problem(spec.kind, value):
                self.add(el, f"attribute {qname.localname}: {problem}")
        for name, spec in allowed.items():
            if spec.required and name not in el.attrib:
                self.add(el, f"the required attribute {name!r} is missing")

    def simple(self, el: Any, kind: str, attributes: Mapping[str, Attribute]) -> None:
        self.attributes(el, attributes)
        for child in el:
            if isinstance(child.tag, str):
                self.add(child, f"no element is allowed inside <{_local(el)}>")
        # Text split by comments counts as one value.
        text = "".join(el.itertext(with_tail=False)) if len(el) else (el.text or "")
        problem = _value_problem(kind, text)
        if problem:
            self.add(el, problem)
        elif kind == "token" and _local(el) == "id" and not text.strip():
            self.add(el, "the id is empty")

    def element(self, el: Any, spec: ElementType) -> None:
        if spec.text is not None:
            self.simple(el, spec.text, spec.attributes)
            return
        self.attributes(el, spec.attributes)
        if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
            self.add(el, "text is not allowed here, only elements")
        counts: Counter[str] = Counter()
        namespace = None if spec.unqualified else self.namespace
        for child in el:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions
            qname = etree.QName(child)
            if qname.localname not in spec.children or qname.namespace != namespace:
                where = f" in namespace {qname.namespace!r}" if qname.namespace != namespace else ""
                expected = ", ".join(f"<{n}>" for n in spec.children) or "no elements"
                self.add(
                    child,
                    f"<{qname.localname}>{where} is not allowed in <{_local(el)}> "
                    f"(allowed: {expected})",
                )
                continue
            name = qname.localname
            counts[name] += 1
            kind, _low, high = spec.children[name]
            if high is not None and counts[name] == high + 1:
                self.add(
                    child,
                    f"<{name}> occurs more than {'once' if high == 1 else f'{high} times'} "
                    f"in <{_local(el)}>",
                )
            elif kind in self.types:
                self.element(child, self.types[kind])
            else:
                self.simple(child, kind, {})
        if spec.choice:
            if sum(counts.values()) != 1:
                options = " or ".join(f"<{n}>" for n in spec.children)
                self.add(el, f"must contain exactly one {options}")
            return
        for name, (_kind, low, _high) in spec.children.items():
            if counts[name] < low:
                self.add(el, f"the required element <{name}> is missing")


def xdatenfelder_structure_problems(root: Any) -> list[Problem]:
    """Every way `root` (an XDatenfelder 2.0/3.0.0 message) deviates from the structure the
    standard defines, in document order; empty when it conforms."""
    namespace = etree.QName(root).namespace or ""
    if namespace not in TYPES:
        return [Problem(root.sourceline, _local(root), f"namespace {namespace!r} is not read")]
    spec = MESSAGES.get(_local(root))
    if spec is None:
        expected = ", ".join(sorted(MESSAGES))
        return [
            Problem(
                root.sourceline,
                _local(root),
                f"this message carries no form; expected one of {expected}",
            )
        ]
    checker = _Checker(namespace)
    checker.element(root, spec)
    return checker.problems
