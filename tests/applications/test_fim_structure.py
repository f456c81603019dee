"""The importer refuses what the XDatenfelder XSDs forbid, naming element and line.

Each mutation breaks one rule of the standard in an otherwise valid document. Where the
official XSDs are in the standards folder (`xdatenfelder/xsd/2.0/` and `xsd/3.0.0/`, each
with `xdatenfelder.xsd`, its includes and imports), the test also checks that the XSD refuses
the mutation and accepts the base document: the structure check written into the importer
must agree with the standard's own schema.
"""

import os
import re
from pathlib import Path

import pytest
from lxml import etree

from rathaus.contrib.fim.xdatenfelder import FimImportError, xdatenfelder_import
from tests.applications.fim_documents import V2, V3, replace_once

REPO = Path(__file__).resolve().parents[2]
STANDARDS = Path(os.environ.get("RATHAUS_STANDARDS_DIR", REPO.parent / "shared" / "standards"))
XSD = {
    "2.0": STANDARDS / "xdatenfelder" / "xsd" / "2.0" / "xdatenfelder.xsd",
    "3.0.0": STANDARDS / "xdatenfelder" / "xsd" / "3.0.0" / "xdatenfelder.xsd",
}
BASES = {"2.0": V2, "3.0.0": V3}

# (version, what is replaced, its replacement, element refused, start of the message,
#  does the XSD refuse it too?). The element is found at the first line of the replacement
# that names it.
MUTATIONS = [
    (
        "2.0",
        "<xdf:id>F1</xdf:id>",
        "<xdf:id>F1</xdf:id><xdf:id>F2</xdf:id>",
        "id",
        "<id> occurs more than once in <identifikation>",
        True,
    ),
    (
        "2.0",
        "<xdf:version>1.0</xdf:version>\n          </xdf:identifikation>\n          <xdf:name>Post",
        "<xdf:version>1.0</xdf:version><xdf:kennung>x</xdf:kennung>\n"
        "          </xdf:identifikation>\n          <xdf:name>Post",
        "kennung",
        "<kennung> is not allowed in <identifikation>",
        True,
    ),
    (
        "2.0",
        "<xdf:version>1.0</xdf:version>",
        "<xdf:version>1.x</xdf:version>",
        "version",
        "'1.x' is not a valid VersionString2",
        True,
    ),
    ("2.0", "<xdf:id>S1</xdf:id>", "<xdf:id> </xdf:id>", "id", "the id is empty", False),
    (
        "2.0",
        "<xdf:inhalt/>",
        "<xdf:inhalt/>\n<xdf:farbe>rot</xdf:farbe>",
        "farbe",
        "<farbe> is not allowed in <datenfeld>",
        True,
    ),
    (
        "2.0",
        "<code>aktiv</code>",
        "<code>gueltig</code>",
        "code",
        "'gueltig' is not one of the codes aktiv, inVorbereitung, inaktiv",
        True,
    ),
    (
        "2.0",
        "<xdf:anzahl>1:1</xdf:anzahl>",
        "<xdf:anzahl>1:n</xdf:anzahl>",
        "anzahl",
        "'1:n' is not a valid AnzahlString",
        True,
    ),
    (
        "2.0",
        "<code>text</code>",
        "<code>string</code>",
        "code",
        "'string' is not one of the codes bool, date",
        True,
    ),
    (
        "2.0",
        "<xdf:anzahl>1:1</xdf:anzahl>",
        "<xdf:anzahl>1:1</xdf:anzahl>loose text",
        "struktur",
        "text is not allowed here, only elements",
        True,
    ),
    (
        "2.0",
        "<xdf:name>Postleitzahl</xdf:name>",
        '<xdf:name>Postleitzahl</xdf:name>\n<x:extra xmlns:x="urn:example">1</x:extra>',
        "extra",
        "<extra> in namespace 'urn:example' is not allowed in <datenfeld>",
        True,
    ),
    (
        "2.0",
        "<xdf:bezeichnungEingabe>Postleitzahl</xdf:bezeichnungEingabe>",
        "",
        "datenfeld",
        "the required element <bezeichnungEingabe> is missing",
        True,
    ),
    (
        "2.0",
        "<xdf:datenfeld>",
        '<xdf:datenfeld farbe="rot">',
        "datenfeld",
        "attribute 'farbe' is not allowed here",
        True,
    ),
    (
        "2.0",
        'listURI="urn:xoev-de:fim:codeliste:xdatenfelder.status"',
        'listURI="urn:example:status"',
        "status",
        "attribute listURI must be 'urn:xoev-de:fim:codeliste:xdatenfelder.status'",
        True,
    ),
    (
        "2.0",
        "<code>aktiv</code>",
        "<xdf:code>aktiv</xdf:code>",
        "code",
        "<code> in namespace 'urn:xoev-de:fim:standard:xdatenfelder_2' is not allowed",
        True,
    ),
    (
        "2.0",
        "<xdf:script>function pruefe() {}</xdf:script>",
        "",
        "regel",
        "the required element <script> is missing",
        True,
    ),
    (
        "2.0",
        "<xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z",
        "<xdf:erstellungszeitpunkt>gestern",
        "erstellungszeitpunkt",
        "'gestern' is not a valid dateTime",
        True,
    ),
    (
        "3.0.0",
        "<code>6</code>",
        "<code>9</code>",
        "code",
        "'9' is not one of the codes 1, 2, 3, 4, 5, 6, 7, 8",
        False,
    ),
    (
        "3.0.0",
        "<code>6</code>",
        "<code>gold</code>",
        "code",
        "'gold' is not one of the codes",
        False,
    ),
    (
        "3.0.0",
        "<code>6</code>\n    </xdf:freigabestatus>",
        "</xdf:freigabestatus>",
        "freigabestatus",
        "the required element <code> is missing",
        True,
    ),
    (
        "3.0.0",
        "<xdf:maxSize>1048576</xdf:maxSize>",
        "<xdf:maxSize>0</xdf:maxSize>",
        "maxSize",
        "'0' is not a valid positiveInteger",
        True,
    ),
    (
        "3.0.0",
        "<xdf:mediaType>application/pdf</xdf:mediaType>",
        "<xdf:mediaType>pdf</xdf:mediaType>",
        "mediaType",
        "'pdf' is not a valid MediaType",
        True,
    ),
    (
        "3.0.0",
        "<xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>\n    <xdf:st",
        "<xdf:st",
        "stammdatenschema",
        "the required element <letzteAenderung> is missing",
        True,
    ),
    (
        "3.0.0",
        '<xdf:stichwort uri="urn:example:stichwort">',
        "<xdf:stichwort>",
        "stichwort",
        "the required attribute 'uri' is missing",
        True,
    ),
    (
        "3.0.0",
        "<xdf:statusGesetztAm>2024-01-01",
        "<xdf:statusGesetztAm>2024-13-01",
        "statusGesetztAm",
        "'2024-13-01' is not a valid date",
        True,
    ),
    (
        "3.0.0",
        'maxLength="5"',
        'maxLength="0"',
        "praezisierung",
        "attribute maxLength: '0' is not a valid positiveInteger",
        True,
    ),
    (
        "3.0.0",
        "<xdf:version>1.0.0</xdf:version>",
        "<xdf:version>1.0</xdf:version>",
        "version",
        "'1.0' is not a valid VersionString3",
        True,
    ),
    (
        "3.0.0",
        "<xdf:enthaelt>\n              <xdf:datenfeld>",
        "<xdf:enthaelt>\n              <xdf:datenfeldgruppe/>\n              <xdf:datenfeld>",
        "enthaelt",
        "must contain exactly one <datenfeld> or <datenfeldgruppe>",
        True,
    ),
    (
        "3.0.0",
        "<code>keine</code>",
        "<code>immer</code>",
        "code",
        "'immer' is not one of the codes keine, optional, verpflichtend",
        True,
    ),
    (
        "3.0.0",
        "<xdf:name>Erstanmeldung</xdf:name>",
        "",
        "wert",
        "the required element <name> is missing",
        True,
    ),
    (
        "3.0.0",
        '<xdf:freigabestatus listVersionID="2022-07-12">',
        '<xdf:freigabestatus listVersionID="2022-07-12" listURI="urn:example">',
        "freigabestatus",
        "attribute listURI must be 'urn:xoev-de:xprozess:codeliste:status'",
        True,
    ),
]


def _mutate(version: str, old: str, new: str, element: str) -> tuple[str, int]:
    document = replace_once(BASES[version], old, new)
    lines = BASES[version][: BASES[version].index(old)].count("\n") + 1
    # The line of the refused element: the first line from the replacement on that names it,
    # or, for a missing child, its parent's opening tag before the replacement.
    tag = re.compile(rf"<(xdf:)?{element}[\s>/]|<x:{element}[\s>/]")
    text_lines = document.splitlines()
    if new and tag.search(new):
        line = next(i for i in range(lines, len(text_lines) + 1) if tag.search(text_lines[i - 1]))
    else:
        line = next(i for i in range(lines, 0, -1) if tag.search(text_lines[i - 1]))
    return document, line


@pytest.mark.parametrize("version", ["2.0", "3.0.0"])
def test_the_base_documents_import(version):
    definition, _report = xdatenfelder_import(BASES[version].encode())
    assert definition["ui"]["source"]["standard"] == f"XDatenfelder {version}"


@pytest.mark.parametrize(
    ("version", "old", "new", "element", "message", "xsd_refuses"),
    MUTATIONS,
    ids=[f"{m[0]}-{m[3]}-{i}" for i, m in enumerate(MUTATIONS)],
)
def test_a_document_against_the_standard_is_refused_with_element_and_line(
    version, old, new, element, message, xsd_refuses
):
    document, line = _mutate(version, old, new, element)
    with pytest.raises(FimImportError) as refused:
        xdatenfelder_import(document.encode())
    found = [(p.line, p.element, p.message) for p in refused.value.problems]
    assert any(
        (at, name) == (line, element) and text.startswith(message) for at, name, text in found
    ), found
    assert f"line {line}, <{element}>: {message}" in str(refused.value)


def _xsd(version: str):
    xmlschema = pytest.importorskip("xmlschema")
    if not XSD[version].is_file():
        pytest.skip(
            f"official XDatenfelder {version} XSD not found at {XSD[version]} "
            "(put xdatenfelder.xsd, xdatenfelder-baukasten.xsd, xdatenfelder-datentypen.xsd, "
            "xoev-code.xsd and latinchars.xsd there, or set RATHAUS_STANDARDS_DIR)"
        )
    return xmlschema.XMLSchema(str(XSD[version]))


@pytest.mark.parametrize("version", ["2.0", "3.0.0"])
def test_the_official_xsd_accepts_the_base_documents(version):
    schema = _xsd(version)
    errors = [str(e.reason) for e in schema.iter_errors(etree.fromstring(BASES[version].encode()))]
    assert errors == []


@pytest.mark.parametrize(
    ("version", "old", "new", "element", "message", "xsd_refuses"),
    [m for m in MUTATIONS if m[5]],
    ids=[f"{m[0]}-{m[3]}-{i}" for i, m in enumerate(MUTATIONS) if m[5]],
)
def test_what_the_official_xsd_refuses_the_importer_refuses(
    version, old, new, element, message, xsd_refuses
):
    schema = _xsd(version)
    document, _line = _mutate(version, old, new, element)
    assert not schema.is_valid(document.encode())
    with pytest.raises(FimImportError):
        xdatenfelder_import(document.encode())


@pytest.mark.parametrize("version", ["2.0", "3.0.0"])
def test_every_problem_is_reported_not_only_the_first(version):
    document = replace_once(BASES[version], "<xdf:anzahl>1:1<", "<xdf:anzahl>x<")
    document = replace_once(document, "<xdf:nachrichtID>m-1</xdf:nachrichtID>", "")
    with pytest.raises(FimImportError) as refused:
        xdatenfelder_import(document.encode())
    anzahl = next(i for i, x in enumerate(document.splitlines(), 1) if "<xdf:anzahl>x" in x)
    assert [(p.element, p.line) for p in refused.value.problems] == [
        ("header", 3),
        ("anzahl", anzahl),
    ]
